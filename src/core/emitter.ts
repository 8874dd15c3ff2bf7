/**
 * A small typed event emitter. Event names and payloads are declared once in a map
 * (`{ eventName: Payload }`); every event carries exactly one object payload.
 *
 * A listener that throws never breaks the emitter or the SDK state that emitted the event:
 * the error is reported through `onListenerError` (default: `console.error`) and the remaining
 * listeners still run.
 */
/**
 * The shape of an event map: exact event names, each with one object payload (`undefined` for none).
 * `EventMap<Events>` checks a declared map; plain `EventMap` is any map.
 */
export type EventMap<Events = Record<string, object | undefined>> = { [K in keyof Events]: object | undefined };

export type Listener<T> = (payload: T) => void;

/** A listener as stored: `once()` wraps the caller's function and remembers it, so `off(fn)` finds it. */
type Stored = Listener<never> & { readonly original?: Listener<never> };

export class TypedEmitter<Events extends EventMap<Events>> {
  #listeners = new Map<keyof Events, Set<Stored>>();
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
    return this.#add(event, listener as Stored, options.signal);
  }

  /** Adds a listener that runs at most once. `off(event, listener)` removes it too. */
  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>, options: { signal?: AbortSignal } = {}): () => void {
    const wrapper = Object.assign(
      (payload: Events[K]) => {
        this.#listeners.get(event)?.delete(wrapper as Stored);
        listener(payload);
      },
      { original: listener as Listener<never> },
    );
    return this.#add(event, wrapper as Stored, options.signal);
  }

  /** Removes a listener added with `on()` or `once()`. */
  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const stored of set) {
      if (stored === (listener as Stored) || stored.original === (listener as Listener<never>)) set.delete(stored);
    }
  }

  /** Number of listeners for an event (useful for tests and leak checks). */
  listenerCount<K extends keyof Events>(event: K): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }

  #add<K extends keyof Events>(event: K, stored: Stored, signal: AbortSignal | undefined): () => void {
    if (signal?.aborted) return () => {};
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(stored);
    const off = () => this.#listeners.get(event)?.delete(stored);
    signal?.addEventListener('abort', off, { once: true });
    return () => void off();
  }

  /** Emits to a snapshot of the listeners; a throwing listener does not stop the others. */
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
