/**
 * Token bucket used for a room's `maximumMessageRatePerSecond`: it holds up to `rate` messages and
 * refills at `rate` per second, so a steady sender at exactly the room's rate is never refused while
 * a burst beyond one second's worth is.
 */
export class TokenBucket {
  #rate: number;
  #tokens: number;
  #last: number;

  constructor(ratePerSecond: number, now: number = performance.now()) {
    this.#rate = ratePerSecond;
    this.#tokens = ratePerSecond;
    this.#last = now;
  }

  get rate(): number {
    return this.#rate;
  }

  /** Changes the rate (UpdateRoom). The bucket keeps its fill, capped to the new size. */
  setRate(ratePerSecond: number, now: number = performance.now()): void {
    this.#refill(now);
    this.#rate = ratePerSecond;
    this.#tokens = Math.min(this.#tokens, ratePerSecond);
  }

  /** Takes one token; returns false (and takes nothing) when the bucket is empty. */
  tryTake(now: number = performance.now()): boolean {
    this.#refill(now);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  #refill(now: number): void {
    const elapsed = Math.max(0, now - this.#last);
    this.#last = now;
    this.#tokens = Math.min(this.#rate, this.#tokens + (elapsed * this.#rate) / 1000);
  }
}
