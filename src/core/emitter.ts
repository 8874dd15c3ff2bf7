/**
 * A small typed event emitter. Event names and payloads are declared once in a map
 * (`{ eventName: Payload }`); every event carries exactly one object payload.
 *
 * A listener that throws never breaks the emitter or the SDK state that emitted the event:
 * the error is reported through `onListenerError` (default: `console.error`) and the remaining
 * listeners still run.
 */
export type EventMap = Record<string, object | undefined>;

export type Listener<T> = (payload: T) => void;

export class TypedEmitter<Events extends EventMap> {
  #listeners = new Map<keyof Events, Set<Listener<never>>>();
  #onListenerError: (error: unknown, event: string) => void;

  constructor(onListenerError?: (error: unknown, event: string) => void) {
    this.#onListenerError =
      onListenerError ??
      ((error, event) => {
        console.error(`[aws-ivs-realtime] a "${event}" listener threw:`, error);
      });
  }

  /**
   * Adds a listener. Returns a function that removes it.
   * Pass `{ signal }` to remove it when the signal aborts.
   */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>, options: { signal?: AbortSignal } = {}): () => void {
    if (options.signal?.aborted) return () => {};
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    const off = () => this.off(event, listener);
    options.signal?.addEventListener('abort', off, { once: true });
    return off;
  }

  /** Adds a listener that runs at most once. */
  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>, options: { signal?: AbortSignal } = {}): () => void {
    const off = this.on(
      event,
      (payload) => {
        off();
        listener(payload);
      },
      options,
    );
    return off;
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.#listeners.get(event)?.delete(listener as Listener<never>);
  }

  /** Number of listeners for an event (useful for tests and leak checks). */
  listenerCount<K extends keyof Events>(event: K): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }

  /** @internal Emits to a snapshot of the listeners; a throwing listener does not stop the others. */
  protected emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.#listeners.get(event);
    if (!set || set.size === 0) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[K]>)(payload);
      } catch (error) {
        try {
          this.#onListenerError(error, String(event));
        } catch {
          // The error reporter itself failed; nothing more can be done safely.
        }
      }
    }
  }
}
