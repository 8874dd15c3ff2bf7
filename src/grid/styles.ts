/**
 * Default stylesheet of {@link StageGrid}. Every rule is scoped by an `ivs-` class and every
 * colour/size is a CSS custom property, so an app themes the grid without overriding selectors:
 *
 * | property | default | what |
 * |---|---|---|
 * | `--ivs-grid-bg` | `transparent` | background behind the tiles |
 * | `--ivs-tile-bg` | `#1f2328` | tile background (seen when there is no video) |
 * | `--ivs-tile-radius` | `8px` | tile corner radius |
 * | `--ivs-tile-focus` | `#4c9aff` | focus ring of a tile |
 * | `--ivs-placeholder-bg` | `#3d444d` | circle behind the initials |
 * | `--ivs-placeholder-fg` | `#f0f3f6` | initials colour |
 * | `--ivs-overlay-fg` | `#fff` | name and marks colour |
 * | `--ivs-overlay-bg` | `rgba(0,0,0,.55)` | name and marks background |
 * | `--ivs-mark-bg` | `#c62828` | background of the muted / camera-off marks |
 * | `--ivs-banner-bg` / `--ivs-banner-fg` | dark / white | connection-state banner, pager |
 * | `--ivs-speaking-color` | `#3fb950` | outline of a speaking participant's tile |
 * | `--ivs-pin-bg` | `#4c9aff` | pin button of the pinned tile |
 * | `--ivs-poor-bg` | `#9a6700` | poor-connection badge (a lost connection uses `--ivs-mark-bg`) |
 * | `--ivs-font` | `system-ui, sans-serif` | font family |
 *
 * Written by the grid itself (do not set them): `--ivs-grid-columns`, `--ivs-grid-rows`,
 * `--ivs-tile-width`, `--ivs-tile-height`, `--ivs-grid-gap`, `--ivs-main-width`, `--ivs-main-height`
 * (spotlight), and on each tile `--ivs-audio-level` (0–1, when the session reports levels).
 * Tiles carry `data-network-quality` and the classes `ivs-tile--speaking`, `ivs-tile--pinned`,
 * `ivs-tile--spotlight` for app styles. With pages, the root has `ivs-grid--paged` and keeps its
 * bottom 40 px (padding) for the pager, below the tiles.
 */
export const STAGE_GRID_CSS = `
.ivs-grid{position:relative;box-sizing:border-box;width:100%;height:100%;overflow:hidden;background:var(--ivs-grid-bg,transparent);font-family:var(--ivs-font,system-ui,sans-serif)}
.ivs-grid__tiles{box-sizing:border-box;width:100%;height:100%;display:grid;grid-template-columns:repeat(var(--ivs-grid-columns,1),var(--ivs-tile-width,1fr));
  grid-auto-rows:var(--ivs-tile-height,auto);gap:var(--ivs-grid-gap,0px);place-content:center}
.ivs-tile{position:relative;overflow:hidden;box-sizing:border-box;background:var(--ivs-tile-bg,#1f2328);border-radius:var(--ivs-tile-radius,8px);outline:none}
.ivs-tile:focus-visible{box-shadow:0 0 0 3px var(--ivs-tile-focus,#4c9aff)}
.ivs-tile__video{position:absolute;inset:0;width:100%;height:100%;object-fit:cover;background:transparent}
.ivs-tile--mirrored .ivs-tile__video{transform:scaleX(-1)}
.ivs-tile--no-video .ivs-tile__video{visibility:hidden}
.ivs-tile__audio{display:none}
.ivs-tile__placeholder{position:absolute;inset:0;display:none;align-items:center;justify-content:center}
.ivs-tile--no-video .ivs-tile__placeholder{display:flex}
.ivs-tile__initials{display:flex;align-items:center;justify-content:center;width:min(40%,6em);aspect-ratio:1;border-radius:50%;background:var(--ivs-placeholder-bg,#3d444d);
  color:var(--ivs-placeholder-fg,#f0f3f6);font-size:clamp(12px,calc(var(--ivs-tile-height,120px) / 6),48px);font-weight:600;user-select:none}
.ivs-tile__overlay{position:absolute;left:6px;right:6px;bottom:6px;display:flex;gap:4px;align-items:center;pointer-events:none;color:var(--ivs-overlay-fg,#fff);font-size:13px;line-height:1.4}
.ivs-tile__name{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;padding:1px 6px;border-radius:4px;background:var(--ivs-overlay-bg,rgba(0,0,0,.55))}
.ivs-tile__mark{flex:none;padding:1px 6px;border-radius:4px;background:var(--ivs-mark-bg,#c62828);color:var(--ivs-overlay-fg,#fff)}
.ivs-grid__banner{position:absolute;top:8px;left:50%;transform:translateX(-50%);padding:4px 12px;border-radius:999px;background:var(--ivs-banner-bg,rgba(0,0,0,.75));
  color:var(--ivs-banner-fg,#fff);font-size:13px;pointer-events:none}
.ivs-grid__play{position:absolute;inset:0;margin:auto;width:max-content;height:max-content;padding:10px 18px;border:0;border-radius:999px;background:var(--ivs-banner-bg,rgba(0,0,0,.75));
  color:var(--ivs-banner-fg,#fff);font:inherit;font-size:15px;cursor:pointer}
.ivs-grid--spotlight{display:flex;flex-direction:column;gap:var(--ivs-grid-gap,0px)}
.ivs-grid--strip-right{flex-direction:row}
.ivs-grid__main{flex:1;min-width:0;min-height:0;display:flex;align-items:center;justify-content:center}
.ivs-grid__main>.ivs-tile{flex:none;width:var(--ivs-main-width,100%);height:var(--ivs-main-height,100%)}
.ivs-grid--spotlight>.ivs-grid__tiles{flex:none;height:auto}
.ivs-grid--strip-right>.ivs-grid__tiles{width:auto;height:100%}
.ivs-tile--speaking{outline:3px solid var(--ivs-speaking-color,#3fb950);outline-offset:-3px}
[data-network-quality=poor] .ivs-tile__mark--quality{background:var(--ivs-poor-bg,#9a6700)}
.ivs-tile__pin,.ivs-grid__pager button{width:28px;height:28px;padding:0;border:0;border-radius:50%;background:none;color:inherit;font:inherit;cursor:pointer}
.ivs-tile__pin{position:absolute;top:6px;right:6px;background:var(--ivs-overlay-bg,rgba(0,0,0,.55));color:var(--ivs-overlay-fg,#fff);opacity:0}
.ivs-tile__pin::before{content:'';display:block;margin:auto;width:8px;height:8px;border:2px solid;border-radius:50% 50% 50% 0;transform:rotate(-45deg)}
.ivs-tile:hover .ivs-tile__pin,.ivs-tile:focus-within .ivs-tile__pin{opacity:1}
.ivs-tile__pin[aria-pressed=true]{opacity:1;background:var(--ivs-pin-bg,#4c9aff)}
.ivs-grid--paged{padding-bottom:40px}
.ivs-grid__pager{position:absolute;bottom:4px;left:50%;transform:translateX(-50%);display:flex;align-items:center;padding:2px 4px;border-radius:999px;
  background:var(--ivs-banner-bg,rgba(0,0,0,.75));color:var(--ivs-banner-fg,#fff);font-size:13px}
.ivs-grid__pager [aria-disabled=true]{opacity:.4}
.ivs-grid [hidden]{display:none!important}
`;

const STYLE_ATTRIBUTE = 'data-ivs-grid';
/** How many grids of this module use the stylesheet it inserted into a document or shadow root. */
const users = new WeakMap<Document | ShadowRoot, { element: HTMLStyleElement; count: number }>();

/**
 * The node whose stylesheet reaches `element`: its shadow root when it lives in a shadow tree
 * (document styles do not cross that boundary), else its document.
 * @internal
 */
export function styleScopeOf(element: Element): Document | ShadowRoot {
  const root = element.getRootNode();
  const ShadowRootClass = element.ownerDocument.defaultView?.ShadowRoot;
  return ShadowRootClass && root instanceof ShadowRootClass ? root : element.ownerDocument;
}

/**
 * Inserts the default stylesheet into `scope` (a document's `<head>`, or a shadow root) once
 * (idempotent: a `<style data-ivs-grid>` already present, from this or another copy of the
 * library, is reused). Returns a release function: the stylesheet this module inserted is removed
 * when the last grid using it releases it; one it did not insert is never removed.
 * @internal
 */
export function acquireGridStyles(scope: Document | ShadowRoot, nonce?: string): () => void {
  let entry = users.get(scope);
  if (!entry) {
    if (scope.querySelector(`style[${STYLE_ATTRIBUTE}]`)) return () => {};
    const doc = 'createElement' in scope ? scope : scope.ownerDocument;
    const element = doc.createElement('style');
    element.setAttribute(STYLE_ATTRIBUTE, '');
    if (nonce) element.nonce = nonce;
    element.textContent = STAGE_GRID_CSS;
    if ('head' in scope) (scope.head ?? scope.documentElement).append(element);
    else scope.prepend(element);
    entry = { element, count: 0 };
    users.set(scope, entry);
  }
  entry.count++;
  const acquired = entry;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    acquired.count--;
    if (acquired.count === 0) {
      acquired.element.remove();
      if (users.get(scope) === acquired) users.delete(scope);
    }
  };
}
