/**
 * The demo's only way to build DOM. Text goes in through `textContent` and attributes through
 * `setAttribute`: nothing a user typed or a remote peer sent is ever parsed as HTML.
 */

export type Child = Node | string | number | null | undefined | false;

export interface ElementOptions {
  class?: string;
  /** Set as `textContent`. */
  text?: string;
  /** Attributes (`aria-*`, `data-*`, `type`, `for`, …). `undefined` values are skipped. */
  attrs?: Record<string, string | number | boolean | undefined>;
  /** Event listeners; removed when `signal` aborts. */
  on?: { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
  signal?: AbortSignal;
}

/** Creates an element. Children that are strings become text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (options.class) element.className = options.class;
  if (options.text !== undefined) element.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs ?? {})) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const [event, listener] of Object.entries(options.on ?? {})) {
    element.addEventListener(event, listener as EventListener, options.signal ? { signal: options.signal } : undefined);
  }
  append(element, ...children);
  return element;
}

/** Appends children (strings as text nodes). */
export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces all children. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** A labelled form field: `<label>` + control, with `id`/`for` wired. */
export function field(label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | HTMLMeterElement, hint?: string): HTMLElement {
  control.id ||= `f-${Math.random().toString(36).slice(2, 9)}`;
  const wrapper = h('div', { class: 'field' }, h('label', { text: label, attrs: { for: control.id } }), control);
  if (hint) {
    const hintId = `${control.id}-hint`;
    control.setAttribute('aria-describedby', hintId);
    append(wrapper, h('small', { class: 'hint', text: hint, attrs: { id: hintId } }));
  }
  return wrapper;
}

/** A short, human message for any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** `12:04` in the user's locale. */
export function formatTime(date: Date): string {
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}
