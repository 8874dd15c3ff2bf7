/**
 * The events WebSocket of the local stage driver: opens it, sends frames, parses the server's
 * frames, and reopens it after a drop with the shared exponential backoff (`core/backoff.ts`).
 * What a drop means (retry the join, reconnect, give up) is decided by {@link LocalStage}.
 */
import { backoffDelay } from '../core/backoff';
import type { ClientFrame, ServerFrame } from './protocol';

export interface EventsConnectionOptions {
  WebSocket: typeof WebSocket;
  /** The events URL (read on every open). */
  url(): string;
  /** Backoff between reopening attempts. */
  minDelayMs: number;
  maxDelayMs: number;
  /** The socket opened (send the `join` frame). */
  onOpen(): void;
  onFrame(frame: ServerFrame): void;
  /** The socket closed (`code` from the close event) or could not be created (`cause`). */
  onClose(code: number | undefined, cause?: unknown): void;
  random?: () => number;
}

export class EventsConnection {
  readonly #options: EventsConnectionOptions;
  #socket: WebSocket | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #attempt = 0;

  constructor(options: EventsConnectionOptions) {
    this.#options = options;
  }

  open(): void {
    let socket: WebSocket;
    try {
      socket = new this.#options.WebSocket(this.#options.url());
    } catch (cause) {
      this.#options.onClose(undefined, cause);
      return;
    }
    this.#socket = socket;
    socket.onopen = () => {
      if (this.#socket === socket) this.#options.onOpen();
    };
    socket.onmessage = (event: MessageEvent) => {
      if (this.#socket !== socket) return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(event.data)) as ServerFrame;
      } catch {
        return; // Not ours to interpret; the server only sends JSON.
      }
      this.#options.onFrame(frame);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#options.onClose(event.code);
    };
    socket.onerror = () => {
      // A close event follows.
    };
  }

  send(frame: ClientFrame): void {
    const socket = this.#socket;
    if (socket && socket.readyState === 1) socket.send(JSON.stringify(frame));
  }

  /** Opens the socket again after the next backoff delay; `shouldOpen` is checked when it fires. */
  reopenLater(shouldOpen: () => boolean): void {
    const delay = backoffDelay(++this.#attempt, { baseDelayMs: this.#options.minDelayMs, maxDelayMs: this.#options.maxDelayMs }, this.#options.random);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (shouldOpen()) this.open();
    }, delay);
  }

  /** The connection was welcomed: the next drop starts the backoff from the beginning. */
  connected(): void {
    clearTimeout(this.#timer);
    this.#attempt = 0;
  }

  /** Stops reopening and closes the socket (`1000 left`). */
  close(): void {
    clearTimeout(this.#timer);
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket && socket.readyState <= 1) {
      try {
        socket.close(1000, 'left');
      } catch {
        // Already closing.
      }
    }
  }
}
