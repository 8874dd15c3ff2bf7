/** A content-box size in CSS pixels. */
export interface Size {
  readonly width: number;
  readonly height: number;
}

interface SharedObserver {
  readonly observer: ResizeObserver;
  readonly callbacks: Map<Element, (size: Size) => void>;
}

/**
 * One `ResizeObserver` shared by every grid of the page (one per `ResizeObserver` constructor, so
 * a page that swaps the global — a polyfill, a test — gets a fresh one). Observers are cheap to
 * share and costly to multiply: the browser batches every observed element into one callback.
 */
const shared = new WeakMap<typeof ResizeObserver, SharedObserver>();

/**
 * Calls `onResize` with the element's content-box size now (best effort) and whenever it changes.
 * Uses the page's `ResizeObserver` (the documented seam: replace `globalThis.ResizeObserver` to
 * observe differently); without one, falls back to the window's `resize` event.
 * Returns a function that stops observing.
 * @internal
 */
export function observeSize(element: HTMLElement, onResize: (size: Size) => void): () => void {
  const Observer = globalThis.ResizeObserver as typeof ResizeObserver | undefined;
  if (!Observer) return observeWindow(element, onResize);

  let entry = shared.get(Observer);
  if (!entry) {
    const callbacks = new Map<Element, (size: Size) => void>();
    const observer = new Observer((entries) => {
      for (const change of entries) {
        // The border box: the grid's root keeps room for its own pager with padding, which the
        // layout subtracts itself (see StageGrid), so the measure must not depend on that padding.
        const box = change.borderBoxSize?.[0];
        const target = change.target as HTMLElement;
        const size = box ? { width: box.inlineSize, height: box.blockSize } : { width: target.clientWidth, height: target.clientHeight };
        callbacks.get(change.target)?.(size);
      }
    });
    entry = { observer, callbacks };
    shared.set(Observer, entry);
  }
  const { observer, callbacks } = entry;
  callbacks.set(element, onResize);
  observer.observe(element);
  return () => {
    if (callbacks.get(element) !== onResize) return;
    callbacks.delete(element);
    observer.unobserve(element);
  };
}

function observeWindow(element: HTMLElement, onResize: (size: Size) => void): () => void {
  const view = element.ownerDocument.defaultView;
  if (!view) return () => {};
  const listener = () => onResize({ width: element.clientWidth, height: element.clientHeight });
  view.addEventListener('resize', listener);
  return () => view.removeEventListener('resize', listener);
}
