/**
 * The sends of a ChatSession waiting for a connection, in order and bounded (`maxQueuedSends`).
 * Owned by the session; its connection engine takes the next send and puts back one it could not
 * deliver, and nothing else.
 */
import type { PendingSend, PendingSends } from './types';

export class SendQueue implements PendingSends {
  #items: PendingSend[] = [];

  get size(): number {
    return this.#items.length;
  }

  add(item: PendingSend): void {
    this.#items.push(item);
  }

  /** The next send, in order. */
  next(): PendingSend | undefined {
    return this.#items.shift();
  }

  /** Puts back a send that was not delivered: it goes first on the next connection. */
  putBack(item: PendingSend): void {
    this.#items.unshift(item);
  }

  /** Empties the queue and returns what waited (to be rejected when the session stops). */
  drain(): PendingSend[] {
    const items = this.#items;
    this.#items = [];
    return items;
  }
}
