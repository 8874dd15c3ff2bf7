import type { DriverStageEventMap } from '../stage/driver';

/**
 * The positional-argument emitter of the driver seam (`stage.on(event, (a, b) => …)`, as the IVS
 * SDK's Stage). A listener that throws never breaks the stage: the error is logged and the other
 * listeners still run.
 */
export class StageEventEmitter {
  #listeners = new Map<keyof DriverStageEventMap, Set<(...args: never[]) => void>>();

  on<E extends keyof DriverStageEventMap>(event: E, listener: DriverStageEventMap[E]): void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as (...args: never[]) => void);
  }

  off<E extends keyof DriverStageEventMap>(event: E, listener: DriverStageEventMap[E]): void {
    this.#listeners.get(event)?.delete(listener as (...args: never[]) => void);
  }

  /** @internal */
  emit<E extends keyof DriverStageEventMap>(event: E, ...args: Parameters<DriverStageEventMap[E]>): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as unknown as (...a: Parameters<DriverStageEventMap[E]>) => void)(...args);
      } catch (error) {
        console.error(`[aws-ivs-realtime] a local stage "${event}" listener threw:`, error);
      }
    }
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }
}
