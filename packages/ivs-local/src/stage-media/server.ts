import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { LocalHub } from '../hub';
import type { LocalStageHttpError } from 'aws-ivs-realtime/protocol';
import { EventsConnection } from './events-connection';
import { CORS_HEADERS, sendJsonError, StageHttpError } from './http';
import { MediaEndpoints } from './media-endpoints';
import { Membership } from './membership';
import { resolveStageMediaOptions, type ResolvedStageMediaOptions, type StageMediaOptions } from './options';
import { decodeSegment, parseStagePath, routeGlobalWhip, routeStageRequest } from './router';

export type { StageMediaOptions } from './options';

const EVENTS_PATH = /^\/stage\/([^/]+)\/events\/?$/;

/**
 * ivs-local's stage media server: the events WebSocket, WHIP publish (from the SDK or any plain
 * WHIP client) and WHEP subscribe. See `docs/local-stage-protocol.md`. It composes the router
 * (`router.ts`), the endpoints (`media-endpoints.ts`), one {@link EventsConnection} per socket and
 * the {@link Membership}; it owns the WebSocket server and its heartbeat.
 */
export class StageMediaServer {
  readonly #options: ResolvedStageMediaOptions;
  readonly #hub: LocalHub;
  readonly #membership: Membership;
  readonly #endpoints: MediaEndpoints;
  readonly #wss: WebSocketServer;
  readonly #alive = new WeakMap<WebSocket, boolean>();
  readonly #heartbeat: NodeJS.Timeout;
  #closed = false;

  constructor(hub: LocalHub, options: StageMediaOptions = {}) {
    this.#hub = hub;
    this.#options = resolveStageMediaOptions(options);
    this.#membership = new Membership(hub, this.#options);
    this.#endpoints = new MediaEndpoints(hub, this.#membership, this.#options);
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
    this.#heartbeat = setInterval(() => this.#beat(), this.#options.heartbeatIntervalMs);
    this.#heartbeat.unref?.();
  }

  /** Routes `/stage/...` and `/whip` HTTP requests; returns false for other paths. */
  handleRequest(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    let route: () => Promise<void>;
    try {
      if (url.pathname === '/whip' || url.pathname === '/whip/') {
        route = () => routeGlobalWhip(this.#endpoints, req, res);
      } else {
        const path = parseStagePath(url.pathname);
        if (!path) return false;
        route = () => routeStageRequest(this.#endpoints, req, res, path.stageId, path.rest);
      }
    } catch (error) {
      this.#fail(req, res, url, error);
      return true;
    }
    route().catch((error: unknown) => this.#fail(req, res, url, error));
    return true;
  }

  /** Accepts `/stage/<stageId>/events` upgrades; returns false for other paths. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean {
    const match = EVENTS_PATH.exec(url.pathname);
    if (!match) return false;
    if (this.#closed) {
      socket.destroy();
      return true;
    }
    let stageId: string;
    try {
      stageId = decodeSegment(match[1]!);
    } catch (error) {
      writeUpgradeError(socket, error as StageHttpError);
      return true;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      this.#alive.set(ws, true);
      ws.on('pong', () => this.#alive.set(ws, true));
      new EventsConnection(ws, stageId, this.#hub, this.#membership, this.#options);
    });
    return true;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.#membership.close();
    for (const ws of this.#wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #fail(req: IncomingMessage, res: ServerResponse, url: URL, error: unknown): void {
    req.resume();
    if (error instanceof StageHttpError) {
      sendJsonError(res, error);
      return;
    }
    this.#options.log?.(`[stage-media] internal error on ${req.method} ${url.pathname}: ${(error as Error)?.stack ?? String(error)}`);
    sendJsonError(res, new StageHttpError(500, 'internal', 'The stage media server failed to handle the request.'));
  }

  #beat(): void {
    for (const ws of this.#wss.clients) {
      if (this.#alive.get(ws) === false) {
        // Missed the previous ping: the client is gone (crashed tab, lost network).
        ws.terminate();
        continue;
      }
      this.#alive.set(ws, false);
      try {
        ws.ping();
      } catch {
        ws.terminate();
      }
    }
  }
}

/** Answers a refused WebSocket upgrade with a plain HTTP error (`{code, message}`) and closes the socket. */
function writeUpgradeError(socket: Duplex, error: StageHttpError): void {
  const body = JSON.stringify({ code: error.code, message: error.message } satisfies LocalStageHttpError);
  const reason = error.status === 400 ? 'Bad Request' : 'Error';
  socket.end(
    `HTTP/1.1 ${error.status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

export { CORS_HEADERS };
