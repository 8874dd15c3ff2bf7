/** A bare `ws` client speaking the chat protocol, for protocol-level assertions. */
import { WebSocket } from 'ws';

export interface RawFrame {
  Type: string;
  Id: string;
  RequestId?: string;
  [key: string]: unknown;
}

export class RawChatClient {
  readonly ws: WebSocket;
  readonly frames: RawFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: { predicate: (frame: RawFrame) => boolean; resolve: (frame: RawFrame) => void }[] = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as RawFrame;
      this.frames.push(frame);
      this.#waiters = this.#waiters.filter((waiter) => {
        if (!waiter.predicate(frame)) return true;
        waiter.resolve(frame);
        return false;
      });
    });
    ws.on('error', () => {});
  }

  /** Opens a connection; rejects with the HTTP status when the handshake is refused. */
  static connect(url: string, token: string | undefined): Promise<RawChatClient> {
    return new Promise((resolve, reject) => {
      const ws = token === undefined ? new WebSocket(url) : new WebSocket(url, token);
      ws.once('open', () => resolve(new RawChatClient(ws)));
      ws.once('unexpected-response', (_req, res) => {
        reject(Object.assign(new Error(`handshake refused: ${res.statusCode}`), { status: res.statusCode }));
        ws.terminate();
      });
      ws.once('error', reject);
    });
  }

  sendJson(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** Resolves with the first frame (already received or future) matching the predicate. */
  waitFor(predicate: (frame: RawFrame) => boolean, timeoutMs = 5000): Promise<RawFrame> {
    const existing = this.frames.find(predicate);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`)), timeoutMs);
      this.#waiters.push({
        predicate,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      });
    });
  }

  waitForRequest(requestId: string, timeoutMs?: number): Promise<RawFrame> {
    return this.waitFor((frame) => frame.RequestId === requestId, timeoutMs);
  }

  close(): void {
    this.ws.close();
  }
}
