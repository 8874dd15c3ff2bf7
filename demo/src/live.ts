/**
 * The live page: the stage in a StageGrid (speaking highlight, network-quality badges, grid or
 * spotlight layout, pins), host controls, device pickers, screen share, counts, connection
 * banners, the participant list and the chat.
 *
 * `startLive` reads as its steps, each a function you can copy on its own: add-ons
 * (`attachAddOns`), controls (`createControls`), the session's events (`followSession`), join
 * (`joinLive`, which mounts the grid with `mountGrid`), and `teardown`. The DOM is in live-view.ts.
 */
import {
  ActiveSpeakerDetector,
  ControlPlaneError,
  MediaDeviceError,
  NetworkQualityMonitor,
  StageGrid,
  StageSession,
  screenShareOwner,
  type ControlPlane,
  type LeftReason,
  type NetworkQuality,
  type Participant,
  type PublishMediaOptions,
  type StageSessionState,
} from 'aws-ivs-realtime';
import {
  LIMITS,
  forgetRole,
  liveInfoFromStage,
  rememberDisplayName,
  rememberRole,
  storedRole,
  type AppContext,
  type LiveInfo,
  type Role,
} from './app';
import { ChatPanel } from './chat-panel';
import { constraintsFor, storedDeviceChoice } from './devices';
import { describeError, field, h, replaceChildren } from './dom';
import { discardMedia, takeHandOff } from './handoff';
import { LiveDevices, ScreenShareControl, canShareScreen } from './live-media';
import { gridOptions, nameOf, renderLayout, screenOf, type LiveView } from './live-view';
import { ReactionControl } from './reactions';

const LEFT_TEXT: Record<LeftReason, string> = {
  user: 'You left the live.',
  'stage-deleted': 'This live has ended.',
  kicked: 'You were removed from this live.',
  'token-reused': 'You joined this live from another tab, so this one was disconnected.',
  'token-expired': 'Your access to this live expired. Join again to continue.',
  'exchange-failed': 'Your new access to this live was refused, so you were disconnected.',
  'connection-forced-leave': 'The server disconnected you from this live.',
  'connection-token-revoked': 'Your connection to this live was revoked.',
  unknown: 'The server ended your connection to this live.',
  error: 'The connection to the live was lost.',
};

const STATE_TEXT: Partial<Record<StageSessionState, string>> = {
  idle: 'Getting ready…',
  connecting: 'Connecting…',
  reconnecting: 'Connection lost. Reconnecting…',
};

export function mountLive(root: HTMLElement, ctx: AppContext, stageArn: string): () => void {
  const controller = new AbortController();
  const { signal } = controller;
  const handoff = takeHandOff(stageArn);
  const role = handoff?.role ?? storedRole(stageArn);
  let cleanup: (() => void) | undefined;

  if (!role || !ctx.identity.displayName) {
    discardMedia(handoff?.media);
    renderJoinPrompt();
  } else {
    cleanup = startLive(root, ctx, stageArn, role, handoff?.media, handoff?.simulcast ?? false);
  }

  function renderJoinPrompt(): void {
    const nameInput = h('input', { attrs: { type: 'text', maxlength: LIMITS.displayName, required: true, autocomplete: 'nickname' } });
    nameInput.value = ctx.identity.displayName;
    replaceChildren(
      root,
      h(
        'section',
        { class: 'panel join-prompt', attrs: { 'aria-labelledby': 'join-heading' } },
        h('h2', { text: 'Join this live', attrs: { id: 'join-heading' } }),
        h(
          'form',
          {
            on: {
              submit: (event) => {
                event.preventDefault();
                const name = nameInput.value.trim();
                if (!name) return;
                rememberDisplayName(ctx.identity, name);
                rememberRole(stageArn, 'viewer');
                cleanup = startLive(root, ctx, stageArn, 'viewer', undefined);
              },
            },
            signal,
          },
          field('Display name', nameInput),
          h('div', { class: 'row' }, h('button', { class: 'primary', text: 'Watch', attrs: { type: 'submit' } }), h('a', { text: 'Back to the lobby', attrs: { href: '#/' } })),
        ),
      ),
    );
  }

  return () => {
    controller.abort();
    cleanup?.();
  };
}

/** One live page's state, shared by the steps below. */
interface Live {
  readonly ctx: AppContext;
  readonly stageArn: string;
  readonly role: Role;
  readonly publisher: boolean;
  readonly signal: AbortSignal;
  readonly controlPlane: ControlPlane;
  readonly session: StageSession;
  readonly view: LiveView;
  readonly qualityOf: Map<string, NetworkQuality>;
  /** The camera/microphone to publish: the lobby preview's (adopted by the session), or captured here. */
  media: PublishMediaOptions | undefined;
  grid: StageGrid | undefined;
  chat: ChatPanel | undefined;
  roomArn: string | undefined;
  ended: boolean;
  /** This tab ended the live (its own `stage-deleted` is expected). */
  endedByUs: boolean;
}

function startLive(root: HTMLElement, ctx: AppContext, stageArn: string, role: Role, handedMedia: PublishMediaOptions | undefined, simulcast = false): () => void {
  const controller = new AbortController();
  const publisher = role !== 'viewer';
  const session = new StageSession({
    strategy: publisher ? 'host' : 'viewer',
    // Reactions travel in-band with the video (reactions.ts).
    subscribe: { inBandMessages: true },
    // Simulcast: the camera in 3 layers; viewers' grids ask for the one each tile needs (StageGrid's layerPreferences).
    ...(publisher ? { publishConfig: { video: { inBandMessaging: { enabled: true }, ...(simulcast ? { simulcast: { enabled: true } } : {}) } } } : {}),
  });
  const live: Live = {
    ctx,
    stageArn,
    role,
    publisher,
    signal: controller.signal,
    controlPlane: ctx.controlPlane(),
    session,
    view: renderLayout(root, role),
    qualityOf: new Map(),
    media: handedMedia,
    grid: undefined,
    chat: undefined,
    roomArn: undefined,
    ended: false,
    endedByUs: false,
  };
  const addOns = attachAddOns(live);
  const controls = createControls(live);
  followSession(live, controls);
  void joinLive(live, controls);
  return () => teardown(live, controller, addOns);
}

// ---------------------------------------------------------------------------------------------
// Add-ons: who is speaking (tile highlight) and how well each remote participant's media arrives
// (tile badge). Both report on the session, and the grid follows them with no extra wiring.

function attachAddOns(live: Live): () => void {
  const speakers = new ActiveSpeakerDetector(live.session);
  const quality = new NetworkQualityMonitor(live.session);
  quality.on('qualityChanged', ({ participantId, quality: q }) => {
    live.qualityOf.set(participantId, q);
    live.view.renderParticipants(live.session, live.qualityOf, live.ended);
  });
  live.session.on('participantLeft', ({ participant }) => live.qualityOf.delete(participant.id), { signal: live.signal });
  return () => {
    speakers.dispose();
    quality.dispose();
  };
}

// ---------------------------------------------------------------------------------------------
// Controls: publish, mute, camera, screen share, layout, overlay, leave, end for everyone.

interface Controls {
  /** Refreshed once joined (device labels need the permission). */
  readonly devices: LiveDevices;
  readonly leaveButton: HTMLButtonElement;
  readonly endButton: HTMLButtonElement;
  render(): void;
  /** Runs a control's action; a failure is shown in the banner. */
  run(action: () => Promise<unknown>): Promise<void>;
}

function createControls(live: Live): Controls {
  const { session, view, signal, role } = live;
  const toggle = (text: string, onClick: () => void, extra: Record<string, string> = {}) =>
    h('button', { class: 'toggle', text, attrs: { type: 'button', 'aria-pressed': 'false', ...extra }, on: { click: onClick }, signal });
  // Publishing again captures anew (the tracks of the first publish were stopped with it), from the devices picked last.
  const publishButton = toggle('Publish', () =>
    void controls.run(() => (session.publishing ? session.setPublishing(false) : session.setPublishing(true, { media: constraintsFor(storedDeviceChoice()) }))),
  );
  const micButton = toggle('Mute mic', () => session.setMuted({ audio: !session.muted.audio }));
  const cameraButton = toggle('Camera off', () => session.setMuted({ video: !session.muted.video }));
  const overlayButton = toggle('Overlay', () => {
    if (!live.grid) return;
    live.grid.setOverlay(!live.grid.overlay);
    overlayButton.setAttribute('aria-pressed', String(live.grid.overlay));
  });
  overlayButton.setAttribute('aria-pressed', 'true');
  const layoutButton = toggle('Spotlight', () => live.grid?.setLayout(live.grid.layoutMode === 'spotlight' ? 'grid' : 'spotlight'), {
    title: 'One large tile (the pinned participant or the latest speaker), the others in a strip',
  });
  const notify = (text: string) => view.showBanner(text, 'warn');
  const devices = new LiveDevices({ session, publisher: live.publisher, output: view.gridContainer, notify, signal });
  const screenShare =
    role === 'host' && canShareScreen()
      ? new ScreenShareControl({ session, controlPlane: live.controlPlane, stageArn: live.stageArn, userId: live.ctx.identity.userId, displayName: live.ctx.identity.displayName, notify, signal })
      : undefined;
  const reactions = new ReactionControl({ session, grid: () => live.grid, notify, signal });
  const leaveButton = h('button', { text: 'Leave', attrs: { type: 'button' }, on: { click: () => live.ctx.navigate('#/') }, signal });
  const endButton = h('button', { class: 'danger', text: 'End for everyone', attrs: { type: 'button' }, on: { click: () => view.confirmEnd.showModal() }, signal });
  view.confirmEnd.append(
    h('h2', { text: 'End this live for everyone?', attrs: { id: 'end-heading' } }),
    h('p', { text: 'Everyone is disconnected, and the stage and its chat room are deleted.' }),
    h(
      'div',
      { class: 'row' },
      h('button', { text: 'Cancel', attrs: { type: 'button', autofocus: true }, on: { click: () => view.confirmEnd.close() }, signal }),
      h('button', { class: 'danger', text: 'End live', attrs: { type: 'button' }, on: { click: () => void endForEveryone(live, controls) }, signal }),
    ),
  );
  if (live.publisher) view.controls.append(publishButton, micButton, cameraButton);
  if (screenShare) view.controls.append(screenShare.button);
  if (live.publisher) view.controls.append(reactions.element);
  view.controls.append(layoutButton, overlayButton, leaveButton);
  if (role === 'host') view.controls.append(endButton);
  view.controls.after(devices.element);

  const controls: Controls = {
    leaveButton,
    endButton,
    render() {
      const connected = session.state === 'connected' || session.state === 'reconnecting';
      publishButton.setAttribute('aria-pressed', String(session.publishing));
      micButton.setAttribute('aria-pressed', String(session.muted.audio));
      cameraButton.setAttribute('aria-pressed', String(session.muted.video));
      for (const button of [publishButton, micButton, cameraButton]) button.disabled = !connected || live.ended;
      screenShare?.setEnabled(session.state === 'connected' && session.publishing && !live.ended);
      reactions.setEnabled(session.state === 'connected' && session.publishing && !live.ended);
      layoutButton.setAttribute('aria-pressed', String(live.grid?.layoutMode === 'spotlight'));
      endButton.disabled = live.ended;
    },
    async run(action) {
      try {
        await action();
      } catch (error) {
        view.showBanner(describeError(error), 'warn');
      } finally {
        controls.render();
      }
    },
    devices,
  };
  return controls;
}

// ---------------------------------------------------------------------------------------------
// The session's events → the page.

function followSession(live: Live, controls: Controls): void {
  const { session, view, signal } = live;
  const rerender = () => {
    view.renderParticipants(session, live.qualityOf, live.ended);
    controls.render();
  };
  for (const event of ['participantJoined', 'participantLeft', 'participantUpdated', 'muteChanged', 'publishingChanged', 'subscriberCountChanged'] as const) {
    session.on(event, rerender, { signal });
  }
  const announce = (participant: Participant, person: string, screen: string) => {
    const owner = screenOf(session, participant);
    if (owner !== undefined) live.chat?.system(`${owner} ${screen}`);
    else if (!participant.isLocal) live.chat?.system(`${nameOf(participant)} ${person}`);
  };
  session.on('participantJoined', ({ participant }) => announce(participant, 'joined.', 'is sharing a screen.'), { signal });
  session.on('participantLeft', ({ participant }) => announce(participant, 'left.', 'stopped sharing the screen.'), { signal });
  session.on('stateChanged', ({ state }) => {
    rerender();
    if (live.ended) return;
    const text = STATE_TEXT[state];
    if (text) view.showBanner(text, state === 'reconnecting' ? 'warn' : 'info');
    else if (state === 'connected') view.showBanner(undefined);
  }, { signal });
  session.on('error', ({ error }) => {
    if (!live.ended) view.showBanner(error.message, 'warn');
  }, { signal });
  session.on('left', ({ reason, error }) => {
    if (signal.aborted) return;
    live.ended = true;
    if (live.endedByUs) {
      controls.render();
      return; // endForEveryone() tells the story
    }
    view.showBanner(LEFT_TEXT[reason] + (reason === 'error' && error ? ` ${error.message}` : ''), reason === 'stage-deleted' ? 'ended' : 'warn');
    if (reason === 'stage-deleted') {
      forgetRole(live.stageArn);
      live.chat?.close('This live has ended.');
    }
    controls.render();
    controls.leaveButton.textContent = 'Back to the lobby';
  }, { signal });
  view.renderParticipants(session, live.qualityOf, live.ended);
  controls.render();
}

// ---------------------------------------------------------------------------------------------
// Join: read the stage, open its chat, mount the grid, mint a token, capture if needed, join.

async function joinLive(live: Live, controls: Controls): Promise<void> {
  const { session, view, signal, controlPlane, stageArn, publisher } = live;
  view.showBanner('Connecting…');
  let info: LiveInfo;
  try {
    info = liveInfoFromStage(await controlPlane.getStage(stageArn, { signal }));
  } catch (error) {
    if (signal.aborted) return;
    live.ended = true;
    forgetRole(stageArn);
    const missing = error instanceof ControlPlaneError && error.errorName === 'ResourceNotFoundException';
    view.title.textContent = missing ? 'Live not found' : 'Could not open this live';
    view.showBanner(missing ? 'This live has ended.' : describeError(error), missing ? 'ended' : 'warn');
    controls.render();
    return;
  }
  showLiveInfo(live, info);
  mountGrid(live, controls);
  try {
    const { token } = await controlPlane.mintParticipantToken(
      {
        stageArn,
        userId: live.ctx.identity.userId,
        attributes: { displayName: live.ctx.identity.displayName, role: live.role },
        capabilities: publisher ? ['PUBLISH', 'SUBSCRIBE'] : ['SUBSCRIBE'],
      },
      { signal },
    );
    if (publisher && !live.media) {
      // Reloaded page: no preview to take over, so capture with the devices chosen in the lobby.
      const stream = await navigator.mediaDevices.getUserMedia(constraintsFor(storedDeviceChoice())).catch((cause: unknown) => {
        throw MediaDeviceError.from(cause);
      });
      live.media = { tracks: stream.getTracks(), adoptTracks: true };
      if (signal.aborted) return;
    }
    // With `adoptTracks` the session owns the tracks: it stops them, and a device switch replaces them.
    await session.join({ token, publish: publisher, ...(publisher && live.media ? { media: live.media } : {}), signal });
    view.renderParticipants(session, live.qualityOf, live.ended);
    controls.render();
    void controls.devices.refresh();
  } catch (error) {
    if (signal.aborted) return;
    const missing = error instanceof ControlPlaneError && error.errorName === 'ResourceNotFoundException';
    live.ended = missing;
    view.showBanner(missing ? 'This live has ended.' : `Could not join: ${describeError(error)}`, missing ? 'ended' : 'warn');
    controls.render();
  }
}

/** Title, description and the chat panel of the live. */
function showLiveInfo(live: Live, info: LiveInfo): void {
  live.roomArn = info.chatRoomArn;
  live.view.title.textContent = info.title;
  live.view.description.textContent = info.description;
  document.title = `${info.title} · aws-ivs-realtime demo`;
  if (!info.chatRoomArn) return;
  const { ctx, controlPlane } = live;
  live.chat = new ChatPanel({ config: ctx.config, controlPlane, identity: ctx.identity, roomArn: info.chatRoomArn, moderator: live.role === 'host' });
  live.view.chatSlot.append(live.chat.element);
  void live.chat.connect();
}

// ---------------------------------------------------------------------------------------------
// Grid: one tile per participant on stage, screen tiles marked for styling and tests.

function mountGrid(live: Live, controls: Controls): void {
  const grid = new StageGrid(live.view.gridContainer, live.session, gridOptions(live.session, live.publisher));
  // Mark screen tiles for styling (no mirroring, contain instead of cover) and for tests.
  grid.on('tileAdded', ({ participant, element }) => {
    if (screenShareOwner(participant) !== undefined) element.dataset['screenShare'] = 'true';
  });
  grid.on('layoutChanged', () => controls.render());
  live.grid = grid;
}

// ---------------------------------------------------------------------------------------------
// End for everyone (host) and teardown.

async function endForEveryone(live: Live, controls: Controls): Promise<void> {
  const { view, controlPlane, stageArn } = live;
  view.confirmEnd.close();
  controls.endButton.disabled = true;
  view.showBanner('Ending the live…');
  live.ended = true;
  live.endedByUs = true;
  try {
    await controlPlane.deleteStage(stageArn);
    if (live.roomArn) await controlPlane.deleteChatRoom(live.roomArn).catch(() => {});
    forgetRole(stageArn);
    view.showBanner('You ended this live.', 'ended');
    live.chat?.close('The live has ended.');
    controls.leaveButton.textContent = 'Back to the lobby';
    await live.session.leave();
  } catch (error) {
    live.ended = false;
    live.endedByUs = false;
    controls.endButton.disabled = false;
    view.showBanner(`Could not end the live: ${describeError(error)}`, 'warn');
  }
}

function teardown(live: Live, controller: AbortController, disposeAddOns: () => void): void {
  controller.abort();
  live.view.confirmEnd.close();
  live.grid?.destroy();
  live.chat?.dispose();
  disposeAddOns();
  // Normally a no-op: the session stopped the tracks it adopted (this covers a join that never happened).
  void live.session.dispose().finally(() => discardMedia(live.media));
}
