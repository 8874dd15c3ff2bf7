/** Chat requests waiting for the server's answer, each failing with `timeout` if none comes in time. */
import { ChatError } from '../core/errors';
import type { Pending } from './types';

export class InflightRequests {
  readonly #pending = new Map<string, Pending>();
  readonly #timeoutMs: number;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  has(requestId: string): boolean {
    return this.#pending.has(requestId);
  }

  /** Starts waiting for the answer to `pending`'s request. */
  track(pending: Pending, action: string): void {
    this.#pending.set(pending.requestId, pending);
    pending.timer = setTimeout(() => {
      if (!this.settle(pending)) return;
      pending.reject(new ChatError('timeout', `${action}: the chat server did not answer within ${this.#timeoutMs} ms.`, { requestId: pending.requestId }));
    }, this.#timeoutMs);
  }

  /** Stops waiting for a request; false if it was already settled (answered, timed out or failed). */
  settle(pending: Pending): boolean {
    if (this.#pending.get(pending.requestId) !== pending) return false;
    this.#pending.delete(pending.requestId);
    clearTimeout(pending.timer);
    return true;
  }

  /** Settles every request still waiting and returns them (to be rejected by the caller). */
  settleAll(): Pending[] {
    const all = [...this.#pending.values()];
    for (const pending of all) this.settle(pending);
    return all;
  }
}
