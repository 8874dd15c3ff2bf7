/**
 * `startLocalIvs()`: one node:http server on loopback serving both IVS control planes (SigV4
 * verified, AWS restJson1 errors), a health endpoint and the mounted data-plane modules (chat socket,
 * stage media). It is composed of named steps: {@link resolveOptions}, {@link openState},
 * {@link createRouter}, {@link listen}, {@link mountModules}.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultModules } from './default-modules';
import type { LocalHub, LocalModule, LocalModuleContext, LocalModuleFactory } from './hub';
import { openState } from './open-state';
import { resolveOptions, type IvsLocalConfig, type StartLocalIvsOptions } from './options';
import type { DataFileWriter } from './persistence';
import { createRouter, type Router } from './router';
import type { LocalCredentials } from './sigv4';
import type { LocalIvsState } from './state';

export type { LocalCredentials } from './sigv4';
export { DEFAULT_LOCAL_CREDENTIALS, DEFAULT_MAX_BODY_BYTES } from './options';
export type { StartLocalIvsOptions, IvsLocalRequestLog, IvsLocalChatOptions, IvsLocalStageMediaOptions } from './options';

/** A running ivs-local server. */
export interface IvsLocalServer {
  /** Base URL for the AWS SDK clients' `endpoint`: `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** The same origin as a WebSocket URL: `ws://127.0.0.1:PORT` (chat socket at `/chat`). */
  readonly wsUrl: string;
  readonly port: number;
  readonly region: string;
  readonly accountId: string;
  /** The credentials to sign with (a fresh copy on each read; pass it to the AWS SDK clients). */
  readonly credentials: LocalCredentials;
  /** The data file, when persistence is on. */
  readonly dataFile: string | undefined;
  /** Stops the modules and the server, and writes pending state. Idempotent. */
  close(): Promise<void>;
}

/** @deprecated Renamed {@link IvsLocalServer}. */
export type LocalIvs = IvsLocalServer;

/** What ivs-local's own tests and tools may also reach (not part of the package's public surface). */
export interface IvsLocalInternals extends IvsLocalServer {
  /** The state seam the data-plane modules use. */
  readonly hub: LocalHub;
}

/** {@link StartLocalIvsOptions} plus the seams ivs-local's own tests use. */
export interface IvsLocalInternalOptions extends StartLocalIvsOptions {
  /** Data-plane modules to mount instead of the default ones (`[]`: control planes only). */
  modules?: LocalModuleFactory[];
}

/** Listens on the configured interface and port; resolves the advertised origins. */
async function listen(server: Server, config: IvsLocalConfig): Promise<{ port: number; url: string; wsUrl: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  // A wildcard listen address is not a URL clients can use: advertise loopback instead.
  const host = config.host;
  const advertised = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const origin = advertised.includes(':') ? `[${advertised}]:${port}` : `${advertised}:${port}`;
  return { port, url: `http://${origin}`, wsUrl: `ws://${origin}` };
}

/** Creates the node:http server with the router's listeners and the request timeouts. */
function createHttpServer(router: Router, requestTimeout: number): Server {
  const server = createServer(
    {
      requestTimeout,
      headersTimeout: Math.min(15_000, requestTimeout),
      // Longer than the AWS SDK's idle keep-alive use, so a reused socket is not closed under a request.
      keepAliveTimeout: 65_000,
      // How often Node checks the two timeouts above (its default, 30 s, would let slow clients linger).
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(requestTimeout / 4))),
    },
    (req, res) => {
      void router.request(req, res);
    },
  );
  server.on('upgrade', router.upgrade);
  server.on('checkExpectation', router.checkExpectation);
  server.on('clientError', router.clientError);
  return server;
}

/** Mounts the data-plane modules in order; on failure, closes what was mounted and rethrows. */
async function mountModules(factories: LocalModuleFactory[], context: LocalModuleContext, mounted: LocalModule[], close: () => Promise<void>): Promise<void> {
  try {
    for (const factory of factories) mounted.push(await factory(context));
  } catch (error) {
    await close();
    throw error;
  }
}

/** Stops the modules (last mounted first), the server, lingering sessions, then flushes the data file. */
function closer(server: Server, modules: LocalModule[], state: LocalIvsState, writer: DataFileWriter | undefined, config: IvsLocalConfig): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      for (const module of modules.splice(0).reverse()) {
        try {
          await module.close?.();
        } catch (error) {
          console.error('[ivs-local] a module failed to close:', config.debug ? error : (error as Error).message);
        }
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      state.endLingeringSessions();
      await writer?.flush();
    })();
    return closing;
  };
}

/**
 * Starts ivs-local.
 *
 * @example
 * ```ts
 * import { startLocalIvs } from 'ivs-local';
 * import { IVSRealTimeClient, CreateStageCommand } from '@aws-sdk/client-ivs-realtime';
 *
 * const ivs = await startLocalIvs();
 * const client = new IVSRealTimeClient({ endpoint: ivs.url, region: ivs.region, credentials: ivs.credentials });
 * const { stage } = await client.send(new CreateStageCommand({ name: 'demo' }));
 * await ivs.close();
 * ```
 */
export async function startLocalIvs(options: IvsLocalInternalOptions = {}): Promise<IvsLocalInternals> {
  const config = resolveOptions(options);
  const { state, writer } = await openState(config);
  const modules: LocalModule[] = [];
  const router = createRouter({ config, state, writer, modules: () => modules, startedAt: Date.now() });
  const server = createHttpServer(router, config.requestTimeoutMs);
  const { port, url, wsUrl } = await listen(server, config);
  state.url = url;
  state.wsUrl = wsUrl;
  const close = closer(server, modules, state, writer, config);
  const context: LocalModuleContext = { hub: state, url, wsUrl, region: config.region, accountId: config.accountId };
  await mountModules(options.modules ?? defaultModules(config), context, modules, close);
  const { credentials } = config;
  return {
    url,
    wsUrl,
    port,
    region: config.region,
    accountId: config.accountId,
    get credentials() {
      return { ...credentials };
    },
    hub: state,
    dataFile: config.dataFile,
    close,
  };
}
