/** Minimal DOM writes shared by the grid's renderer and tiles: each writes only when the value differs. */

/** Creates an element with a class. @internal */
export function make<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, className: string): HTMLElementTagNameMap[K] {
  const element = doc.createElement(tag);
  element.className = className;
  return element;
}

/**
 * Replaces `{key}` in a label with `values[key]`. A function replacer, so `$&` and friends in
 * user data (names) stay literal. @internal
 */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => String(values[key] ?? match));
}

/** Writes text only when it differs (never as HTML: names are user data). @internal */
export function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/** @internal */
export function setHidden(element: HTMLElement, hidden: boolean): void {
  if (element.hidden !== hidden) element.hidden = hidden;
}

/** Writes an attribute only when it differs. @internal */
export function setAttribute(element: Element, name: string, value: string): void {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

/** Writes (or, with `undefined`, removes) a CSS custom property only when it differs. @internal */
export function setProperty(element: HTMLElement, name: string, value: string | undefined): void {
  const style = element.style;
  if (style.getPropertyValue(name) === (value ?? '')) return;
  if (value === undefined) style.removeProperty(name);
  else style.setProperty(name, value);
}
