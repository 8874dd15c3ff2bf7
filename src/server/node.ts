/**
 * Adapter from a fetch-standard handler to Node's `http` request listener (also an Express
 * middleware signature). Node-only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/** A fetch-standard request handler, e.g. the result of `createControlPlaneHandler`. */
export type FetchHandler = (request: Request) => Promise<Response>;

/** A Node `http` request listener that also works as Express middleware. */
export type NodeListener = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

/** Options of {@link toNodeListener}. */
export interface NodeListenerOptions {
  /**
   * Origin used to build the `Request` URL (only its path matters to the control-plane handler).
   * Default `http://localhost`. The `Host` header is deliberately not trusted.
   */
  origin?: string;
}

/** The request URL: the path and query of `req.url` (origin-form or absolute-form) on `origin`. */
function requestUrl(origin: string, target: string | undefined): string {
  if (target === undefined || target === '') return `${origin}/`;
  if (target.startsWith('/')) return origin + target;
  try {
    const absolute = new URL(target);
    return origin + absolute.pathname + absolute.search;
  } catch {
    return `${origin}/`;
  }
}

/**
 * Wraps a fetch-standard handler as a Node request listener:
 * `http.createServer(toNodeListener(handler))` or, in Express, `app.use('/api/ivs', toNodeListener(handler))`
 * (with `basePath` left empty, since Express strips the mount path from `req.url`).
 *
 * The request is aborted (its `signal` fires) when the client disconnects before the answer.
 */
export function toNodeListener(handler: FetchHandler, options: NodeListenerOptions = {}): NodeListener {
  const origin = (options.origin ?? 'http://localhost').replace(/\/+$/, '');
  return (req, res, next) => {
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    void (async () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined) continue;
        if (Array.isArray(value)) for (const item of value) headers.append(name, item);
        else headers.set(name, value);
      }
      const method = (req.method ?? 'GET').toUpperCase();
      const hasBody = method !== 'GET' && method !== 'HEAD';
      const init: RequestInit & { duplex?: 'half' } = { method, headers, signal: controller.signal };
      if (hasBody) {
        init.body = Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>;
        init.duplex = 'half';
      }
      const request = new Request(requestUrl(origin, req.url), init);
      const response = await handler(request);
      res.statusCode = response.status;
      response.headers.forEach((value, name) => res.setHeader(name, value));
      if (response.body === null || method === 'HEAD') {
        res.end();
        return;
      }
      const body = Buffer.from(await response.arrayBuffer());
      res.setHeader('content-length', body.byteLength);
      res.end(body);
    })().catch((error: unknown) => {
      if (next) {
        next(error);
        return;
      }
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(JSON.stringify({ error: { name: 'InternalError', message: 'The request could not be handled.' } }));
      } else {
        res.destroy();
      }
    });
  };
}
