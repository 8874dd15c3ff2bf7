/**
 * A loopback TCP proxy in front of the emulator, to cut connections the way a network does:
 * `dropAll()` destroys open connections (an abrupt drop, no close frame), `refuse` makes new
 * connections fail, `freeze` stops forwarding bytes without closing anything, `resetAll()` cuts
 * them with a TCP RST.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export class TcpProxy {
  readonly #server: Server;
  readonly #pairs = new Set<[Socket, Socket]>();
  readonly #target: { host: string; port: number };
  /** New connections are accepted and immediately destroyed. */
  refuse = false;
  /** The next this-many new connections are accepted and immediately destroyed. */
  refuseNext = 0;
  /** Bytes are no longer forwarded in either direction. */
  freeze = false;
  port = 0;
  accepted = 0;

  private constructor(target: { host: string; port: number }) {
    this.#target = target;
    this.#server = createServer((client) => this.#onConnection(client));
  }

  static async start(targetUrl: string): Promise<TcpProxy> {
    const url = new URL(targetUrl);
    const proxy = new TcpProxy({ host: url.hostname, port: Number(url.port) });
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    proxy.port = (proxy.#server.address() as AddressInfo).port;
    return proxy;
  }

  /** The same URL, through the proxy. */
  via(targetUrl: string): string {
    const url = new URL(targetUrl);
    url.port = String(this.port);
    return url.toString();
  }

  get open(): number {
    return this.#pairs.size;
  }

  dropAll(): void {
    for (const [a, b] of this.#pairs) {
      a.destroy();
      b.destroy();
    }
    this.#pairs.clear();
  }

  /** Like {@link dropAll}, with a TCP RST on both sides (what a middlebox or a crashed peer sends). */
  resetAll(): void {
    for (const [a, b] of this.#pairs) {
      a.resetAndDestroy();
      b.resetAndDestroy();
    }
    this.#pairs.clear();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #onConnection(client: Socket): void {
    client.on('error', () => {});
    if (this.refuseNext > 0) {
      this.refuseNext -= 1;
      client.destroy();
      return;
    }
    if (this.refuse) {
      client.destroy();
      return;
    }
    this.accepted += 1;
    const upstream = connect(this.#target.port, this.#target.host);
    upstream.on('error', () => client.destroy());
    const pair: [Socket, Socket] = [client, upstream];
    this.#pairs.add(pair);
    const forget = () => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', forget);
    upstream.on('close', forget);
    client.on('data', (data) => {
      if (!this.freeze) upstream.write(data);
    });
    upstream.on('data', (data) => {
      if (!this.freeze) client.write(data);
    });
  }
}
