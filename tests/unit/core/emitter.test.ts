import { describe, expect, it, vi } from 'vitest';
import { TypedEmitter } from '../../../src/core/emitter';

interface Events {
  ping: { n: number };
  pong: undefined;
}

class Emitter extends TypedEmitter<Events> {
  fire<K extends keyof Events>(event: K, payload: Events[K]): void {
    this.emit(event, payload);
  }
}

describe('TypedEmitter', () => {
  it('off(event, fn) removes a listener added with once(event, fn)', () => {
    const emitter = new Emitter();
    const fn = vi.fn();
    emitter.once('ping', fn);
    expect(emitter.listenerCount('ping')).toBe(1);
    emitter.off('ping', fn);
    expect(emitter.listenerCount('ping')).toBe(0);
    emitter.fire('ping', { n: 1 });
    expect(fn).not.toHaveBeenCalled();
  });

  it('once() runs a listener once; the function it returns and an aborted signal remove it too', () => {
    const emitter = new Emitter();
    const once = vi.fn();
    emitter.once('ping', once);
    emitter.fire('ping', { n: 1 });
    emitter.fire('ping', { n: 2 });
    expect(once.mock.calls).toEqual([[{ n: 1 }]]);

    const removed = vi.fn();
    emitter.once('ping', removed)();
    const controller = new AbortController();
    const aborted = vi.fn();
    emitter.once('ping', aborted, { signal: controller.signal });
    controller.abort();
    emitter.fire('ping', { n: 3 });
    expect(removed).not.toHaveBeenCalled();
    expect(aborted).not.toHaveBeenCalled();
    expect(emitter.listenerCount('ping')).toBe(0);
  });

  it('off() of a function registered with on() and once() removes both; other listeners stay', () => {
    const emitter = new Emitter();
    const fn = vi.fn();
    const other = vi.fn();
    emitter.on('ping', fn);
    emitter.once('ping', fn);
    emitter.on('ping', other);
    emitter.off('ping', fn);
    emitter.fire('ping', { n: 1 });
    expect(fn).not.toHaveBeenCalled();
    expect(other).toHaveBeenCalledTimes(1);
  });

  it('a throwing listener is reported and the others still run', () => {
    const reported = vi.fn();
    const emitter = new (class extends TypedEmitter<Events> {
      constructor() {
        super(reported);
      }
      fire(): void {
        this.emit('pong', undefined);
      }
    })();
    const after = vi.fn();
    emitter.on('pong', () => {
      throw new Error('boom');
    });
    emitter.on('pong', after);
    emitter.fire();
    expect(reported).toHaveBeenCalledWith(expect.any(Error), 'pong');
    expect(after).toHaveBeenCalledTimes(1);
  });
});
