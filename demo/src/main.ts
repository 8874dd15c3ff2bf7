/**
 * The demo's entry: reads `/api/config`, builds the header (mode, control-plane switch) and routes
 * between the lobby (`#/`) and a live (`#/live/<stage ARN>`).
 */
import type { ControlPlane } from 'aws-ivs-realtime';
import {
  CONTROL_PLANE_LABELS,
  availableControlPlanes,
  createControlPlane,
  loadConfig,
  loadIdentity,
  preferredControlPlane,
  rememberControlPlane,
  type AppContext,
  type ControlPlaneKind,
  type DemoConfig,
} from './app';
import { describeError, field, h, replaceChildren } from './dom';
import { mountLobby } from './lobby';

const app = document.getElementById('app') as HTMLElement;
const headerTools = document.getElementById('header-tools') as HTMLElement;

async function main(): Promise<void> {
  let config: DemoConfig;
  try {
    config = await loadConfig();
  } catch (error) {
    replaceChildren(app, h('p', { class: 'error', attrs: { role: 'alert' }, text: describeError(error) }));
    return;
  }

  let kind = preferredControlPlane(config);
  let controlPlane: ControlPlane = await createControlPlane(config, kind);
  const changes = new EventTarget();
  const ctx: AppContext = {
    config,
    identity: loadIdentity(),
    controlPlane: () => controlPlane,
    onControlPlaneChange: (listener, signal) => changes.addEventListener('change', listener, { signal }),
    navigate: (hash) => {
      if (location.hash === hash) route();
      else location.hash = hash;
    },
  };

  // Header: where the demo runs, and how the page reaches the control plane.
  const select = h('select', { attrs: { name: 'controlPlane' } });
  for (const option of availableControlPlanes(config)) {
    const element = h('option', { text: CONTROL_PLANE_LABELS[option], attrs: { value: option } });
    element.selected = option === kind;
    select.append(element);
  }
  select.disabled = select.options.length < 2;
  select.addEventListener('change', () => {
    const next = select.value as ControlPlaneKind;
    select.disabled = true;
    void createControlPlane(config, next)
      .then(
        (created) => {
          kind = next;
          controlPlane = created;
          rememberControlPlane(next);
          headerTools.dataset['controlPlane'] = next;
          changes.dispatchEvent(new Event('change')); // the lobby reloads its list; a live keeps its own
        },
        (error: unknown) => {
          select.value = kind;
          alert(describeError(error));
        },
      )
      .finally(() => {
        select.disabled = false;
      });
  });
  headerTools.dataset['controlPlane'] = kind;
  replaceChildren(
    headerTools,
    h('span', {
      class: `mode mode--${config.mode}`,
      text: config.mode === 'local' ? `ivs-local · ${config.region}` : `AWS · ${config.region}`,
      attrs: { title: config.mode === 'local' ? 'Offline emulator: nothing leaves this machine.' : 'Real Amazon IVS: stages and rooms are billed.' },
    }),
    field('Control plane', select),
  );

  let unmount: (() => void) | undefined;
  function route(): void {
    unmount?.();
    unmount = undefined;
    document.title = 'aws-ivs-realtime demo';
    const match = /^#\/live\/(.+)$/.exec(location.hash);
    if (match?.[1]) {
      let stageArn: string;
      try {
        stageArn = decodeURIComponent(match[1]);
      } catch {
        location.hash = '#/';
        return;
      }
      // The live page (stage media, grid) loads on first use: the lobby stays light.
      let cancelled = false;
      let unmountLive: (() => void) | undefined;
      unmount = () => {
        cancelled = true;
        unmountLive?.();
      };
      void import('./live').then(({ mountLive }) => {
        if (!cancelled) unmountLive = mountLive(app, ctx, stageArn);
      });
    } else {
      unmount = mountLobby(app, ctx);
    }
    app.focus({ preventScroll: true });
  }
  window.addEventListener('hashchange', route);
  window.addEventListener('pagehide', () => unmount?.());
  route();
}

void main();
