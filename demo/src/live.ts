/**
 * The live page: the stage in a StageGrid (speaking highlight, network-quality badges, grid or
 * spotlight layout, pins), host controls, device pickers, screen share, counts, connection
 * banners, the participant list and the chat.
 */
import {
  ActiveSpeakerDetector,
  ControlPlaneError,
  MediaDeviceError,
  NetworkQualityMonitor,
  StageGrid,
  StageSession,
  screenShareOwner,
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
    cleanup = startLive(root, ctx, stageArn, role, handoff?.media);
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

function startLive(root: HTMLElement, ctx: AppContext, stageArn: string, role: Role, handedMedia: PublishMediaOptions | undefined): () => void {
  const controller = new AbortController();
  const { signal } = controller;
  const controlPlane = ctx.controlPlane();
  const publisher = role !== 'viewer';
  /** The camera/microphone to publish: the lobby preview's (adopted by the session), or captured here. */
  let media: PublishMediaOptions | undefined = handedMedia;
  const session = new StageSession({ strategy: publisher ? 'host' : 'viewer' });
  // Who is speaking (tile highlight) and how well each remote participant's media arrives (tile
  // badge): both report on the session, and the grid below follows them with no extra wiring.
  const speakers = new ActiveSpeakerDetector(session);
  const quality = new NetworkQualityMonitor(session);
  const qualityOf = new Map<string, NetworkQuality>();
  let grid: StageGrid | undefined;
  let chat: ChatPanel | undefined;
  let ended = false;
  /** This tab ended the live (its own `stage-deleted` is expected). */
  let endedByUs = false;
  let roomArn: string | undefined;

  // ---------------------------------------------------------------------------------------------
  // Layout

  const title = h('h2', { class: 'live__title', text: 'Loading…' });
  const description = h('p', { class: 'live__description' });
  const onStageCount = h('span', { class: 'count', attrs: { 'data-testid': 'on-stage-count' } });
  const watchingCount = h('span', { class: 'count', attrs: { 'data-testid': 'watching-count' } });
  const banner = h('div', { class: 'banner', attrs: { role: 'status', 'aria-live': 'polite', hidden: true } });
  const gridContainer = h('div', { class: 'live__grid' });
  const emptyNote = h('p', { class: 'live__empty', text: 'Nobody is on stage right now.', attrs: { hidden: true } });
  const participantList = h('ul', { class: 'participants', attrs: { 'aria-label': 'Participants' } });
  const controls = h('div', { class: 'controls', attrs: { role: 'toolbar', 'aria-label': 'Live controls' } });
  const chatSlot = h('div', { class: 'live__chat' });

  const toggle = (text: string, onClick: () => void, extra: Record<string, string> = {}) =>
    h('button', { class: 'toggle', text, attrs: { type: 'button', 'aria-pressed': 'false', ...extra }, on: { click: onClick }, signal });
  // Publishing again captures anew (the tracks of the first publish were stopped with it), from the
  // devices picked last.
  const publishButton = toggle('Publish', () =>
    void run(() => (session.publishing ? session.setPublishing(false) : session.setPublishing(true, { media: constraintsFor(storedDeviceChoice()) }))),
  );
  const micButton = toggle('Mute mic', () => session.setMuted({ audio: !session.muted.audio }));
  const cameraButton = toggle('Camera off', () => session.setMuted({ video: !session.muted.video }));
  const overlayButton = toggle('Overlay', () => {
    if (!grid) return;
    grid.setOverlay(!grid.overlay);
    overlayButton.setAttribute('aria-pressed', String(grid.overlay));
  });
  overlayButton.setAttribute('aria-pressed', 'true');
  const layoutButton = toggle('Spotlight', () => grid?.setLayout(grid.layoutMode === 'spotlight' ? 'grid' : 'spotlight'), {
    title: 'One large tile (the pinned participant or the latest speaker), the others in a strip',
  });
  const devices = new LiveDevices({ session, publisher, output: gridContainer, notify: (text) => showBanner(text, 'warn'), signal });
  const screenShare =
    role === 'host' && canShareScreen()
      ? new ScreenShareControl({
          session,
          controlPlane,
          stageArn,
          userId: ctx.identity.userId,
          displayName: ctx.identity.displayName,
          notify: (text) => showBanner(text, 'warn'),
          signal,
        })
      : undefined;
  const leaveButton = h('button', { text: 'Leave', attrs: { type: 'button' }, on: { click: () => ctx.navigate('#/') }, signal });
  const endButton = h('button', { class: 'danger', text: 'End for everyone', attrs: { type: 'button' }, on: { click: () => confirmEnd.showModal() }, signal });

  const confirmEnd = h(
    'dialog',
    { class: 'confirm', attrs: { 'aria-labelledby': 'end-heading' } },
    h('h2', { text: 'End this live for everyone?', attrs: { id: 'end-heading' } }),
    h('p', { text: 'Everyone is disconnected, and the stage and its chat room are deleted.' }),
    h(
      'div',
      { class: 'row' },
      h('button', { text: 'Cancel', attrs: { type: 'button', autofocus: true }, on: { click: () => confirmEnd.close() }, signal }),
      h('button', { class: 'danger', text: 'End live', attrs: { type: 'button' }, on: { click: () => void endForEveryone() }, signal }),
    ),
  );

  if (publisher) controls.append(publishButton, micButton, cameraButton);
  if (screenShare) controls.append(screenShare.button);
  controls.append(layoutButton, overlayButton, leaveButton);
  if (role === 'host') controls.append(endButton);

  replaceChildren(
    root,
    h(
      'div',
      { class: 'live', attrs: { 'data-role': role } },
      h(
        'header',
        { class: 'live__head' },
        h('div', {}, title, description),
        h('p', { class: 'counts' }, h('span', { text: 'On stage: ' }), onStageCount, h('span', { text: ' · Watching: ' }), watchingCount),
      ),
      banner,
      h('div', { class: 'live__stage' }, h('div', { class: 'live__screen' }, gridContainer, emptyNote), controls, devices.element),
      h('aside', { class: 'live__side' }, h('section', { class: 'panel', attrs: { 'aria-label': 'People' } }, h('h2', { text: 'People' }), participantList), chatSlot),
      confirmEnd,
    ),
  );

  // ---------------------------------------------------------------------------------------------
  // State → DOM

  function showBanner(text: string | undefined, tone: 'info' | 'warn' | 'ended' = 'info'): void {
    banner.hidden = text === undefined;
    banner.textContent = text ?? '';
    banner.dataset['tone'] = tone;
  }

  function nameOf(p: Participant): string {
    return p.attributes['displayName']?.trim() || p.userId || p.id;
  }

  /** Whose screen `p` is (the owner's name), or `undefined` for a person. */
  function screenOf(p: Participant): string | undefined {
    const ownerId = screenShareOwner(p);
    if (ownerId === undefined) return undefined;
    const owner = session.participants.find((other) => other.id === ownerId);
    return owner ? nameOf(owner) : 'Someone';
  }

  const QUALITY_TEXT: Record<NetworkQuality, string> = { good: 'Good connection', poor: 'Poor connection', lost: 'Connection lost' };

  function renderParticipants(): void {
    const all = session.participants;
    // A shared screen is a participant of its own; it is not counted as a person.
    const people = all.filter((p) => screenShareOwner(p) === undefined);
    const onStage = people.filter((p) => p.isPublishing).length;
    onStageCount.textContent = String(onStage);
    emptyNote.hidden = ended || session.state !== 'connected' || onStage > 0;
    // Viewers: the local participant's subscribers when publishing, else everyone not publishing.
    const watching = Math.max(session.subscriberCount - (onStage - (session.publishing ? 1 : 0)), people.length - onStage, 0);
    watchingCount.textContent = String(watching);
    replaceChildren(
      participantList,
      ...all.map((p) => {
        const screen = screenOf(p) !== undefined;
        const q = qualityOf.get(p.id);
        return h(
          'li',
          {
            class: 'participant',
            attrs: {
              'data-participant-id': p.id,
              'data-publishing': String(p.isPublishing),
              'data-audio-muted': String(p.audioMuted),
              'data-video-muted': String(p.videoMuted),
              'data-screen-share': screen ? 'true' : undefined,
              'data-network-quality': q,
            },
          },
          h('span', { class: 'participant__name', text: p.isLocal ? `${nameOf(p)} (you)` : nameOf(p) }),
          h('span', {
            class: 'participant__role',
            text: screen ? 'Shared screen' : p.attributes['role'] === 'host' ? 'Host' : p.isPublishing ? 'On stage' : 'Watching',
          }),
          p.isPublishing && !screen ? h('span', { class: `mark ${p.audioMuted ? 'mark--off' : ''}`, text: p.audioMuted ? 'Mic muted' : 'Mic on' }) : null,
          p.isPublishing && !screen ? h('span', { class: `mark ${p.videoMuted ? 'mark--off' : ''}`, text: p.videoMuted ? 'Camera off' : 'Camera on' }) : null,
          q && q !== 'good' ? h('span', { class: 'mark mark--off', text: QUALITY_TEXT[q] }) : null,
        );
      }),
    );
  }

  function renderControls(): void {
    const connected = session.state === 'connected' || session.state === 'reconnecting';
    publishButton.setAttribute('aria-pressed', String(session.publishing));
    micButton.setAttribute('aria-pressed', String(session.muted.audio));
    cameraButton.setAttribute('aria-pressed', String(session.muted.video));
    for (const button of [publishButton, micButton, cameraButton]) button.disabled = !connected || ended;
    screenShare?.setEnabled(session.state === 'connected' && session.publishing && !ended);
    layoutButton.setAttribute('aria-pressed', String(grid?.layoutMode === 'spotlight'));
    endButton.disabled = ended;
  }

  const rerender = () => {
    renderParticipants();
    renderControls();
  };
  for (const event of ['participantJoined', 'participantLeft', 'participantUpdated', 'muteChanged', 'publishingChanged', 'subscriberCountChanged'] as const) {
    session.on(event, rerender, { signal });
  }
  session.on('participantJoined', ({ participant }) => {
    const owner = screenOf(participant);
    if (owner !== undefined) chat?.system(`${owner} is sharing a screen.`);
    else if (!participant.isLocal) chat?.system(`${nameOf(participant)} joined.`);
  }, { signal });
  session.on('participantLeft', ({ participant }) => {
    const owner = screenOf(participant);
    if (owner !== undefined) chat?.system(`${owner} stopped sharing the screen.`);
    else if (!participant.isLocal) chat?.system(`${nameOf(participant)} left.`);
  }, { signal });
  quality.on('qualityChanged', ({ participantId, quality: q }) => {
    qualityOf.set(participantId, q);
    renderParticipants();
  });
  session.on('participantLeft', ({ participant }) => qualityOf.delete(participant.id), { signal });
  session.on('stateChanged', ({ state }) => {
    rerender();
    if (ended) return;
    const text = STATE_TEXT[state];
    if (text) showBanner(text, state === 'reconnecting' ? 'warn' : 'info');
    else if (state === 'connected') showBanner(undefined);
  }, { signal });
  session.on('error', ({ error }) => {
    if (!ended) showBanner(error.message, 'warn');
  }, { signal });
  session.on('left', ({ reason, error }) => {
    if (signal.aborted) return;
    ended = true;
    if (endedByUs) {
      renderControls();
      return; // endForEveryone() tells the story
    }
    const text = LEFT_TEXT[reason] + (reason === 'error' && error ? ` ${error.message}` : '');
    showBanner(text, reason === 'stage-deleted' ? 'ended' : 'warn');
    if (reason === 'stage-deleted') {
      forgetRole(stageArn);
      chat?.close('This live has ended.');
    }
    renderControls();
    leaveButton.textContent = 'Back to the lobby';
  }, { signal });

  async function run(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (error) {
      showBanner(describeError(error), 'warn');
    } finally {
      renderControls();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Start

  async function start(): Promise<void> {
    showBanner('Connecting…');
    let live: LiveInfo;
    try {
      live = liveInfoFromStage(await controlPlane.getStage(stageArn, { signal }));
    } catch (error) {
      if (signal.aborted) return;
      ended = true;
      forgetRole(stageArn);
      const missing = error instanceof ControlPlaneError && error.errorName === 'ResourceNotFoundException';
      title.textContent = missing ? 'Live not found' : 'Could not open this live';
      showBanner(missing ? 'This live has ended.' : describeError(error), missing ? 'ended' : 'warn');
      renderControls();
      return;
    }
    roomArn = live.chatRoomArn;
    title.textContent = live.title;
    description.textContent = live.description;
    document.title = `${live.title} · aws-ivs-realtime demo`;

    if (live.chatRoomArn) {
      chat = new ChatPanel({ config: ctx.config, controlPlane, identity: ctx.identity, roomArn: live.chatRoomArn, moderator: role === 'host' });
      chatSlot.append(chat.element);
      void chat.connect();
    }

    // Tiles for who is on stage (and our own camera); viewers are listed under People.
    grid = new StageGrid(gridContainer, session, {
      overlay: true,
      filter: (p) => p.isPublishing || (p.isLocal && publisher),
      displayName: (p) => {
        const owner = screenOf(p);
        return owner === undefined ? nameOf(p) : `${owner}’s screen`;
      },
    });
    // Mark screen tiles for styling (no mirroring, contain instead of cover) and for tests.
    grid.on('tileAdded', ({ participant, element }) => {
      if (screenShareOwner(participant) !== undefined) element.dataset['screenShare'] = 'true';
    });
    grid.on('layoutChanged', () => renderControls());
    try {
      const { token } = await controlPlane.mintParticipantToken(
        {
          stageArn,
          userId: ctx.identity.userId,
          attributes: { displayName: ctx.identity.displayName, role },
          capabilities: publisher ? ['PUBLISH', 'SUBSCRIBE'] : ['SUBSCRIBE'],
        },
        { signal },
      );
      if (publisher && !media) {
        // Reloaded page: no preview to take over, so capture with the devices chosen in the lobby.
        const stream = await navigator.mediaDevices.getUserMedia(constraintsFor(storedDeviceChoice())).catch((cause: unknown) => {
          throw MediaDeviceError.from(cause);
        });
        media = { tracks: stream.getTracks(), adoptTracks: true };
        if (signal.aborted) return;
      }
      // With `adoptTracks` the session owns the tracks: it stops them, and a device switch replaces them.
      await session.join({ token, publish: publisher, ...(publisher && media ? { media } : {}), signal });
      rerender();
      void devices.refresh();
    } catch (error) {
      if (signal.aborted) return;
      const missing = error instanceof ControlPlaneError && error.errorName === 'ResourceNotFoundException';
      ended = missing;
      showBanner(missing ? 'This live has ended.' : `Could not join: ${describeError(error)}`, missing ? 'ended' : 'warn');
      renderControls();
    }
  }

  async function endForEveryone(): Promise<void> {
    confirmEnd.close();
    endButton.disabled = true;
    showBanner('Ending the live…');
    ended = true;
    endedByUs = true;
    try {
      await controlPlane.deleteStage(stageArn);
      if (roomArn) await controlPlane.deleteChatRoom(roomArn).catch(() => {});
      forgetRole(stageArn);
      showBanner('You ended this live.', 'ended');
      chat?.close('The live has ended.');
      leaveButton.textContent = 'Back to the lobby';
      await session.leave();
    } catch (error) {
      ended = false;
      endedByUs = false;
      endButton.disabled = false;
      showBanner(`Could not end the live: ${describeError(error)}`, 'warn');
    }
  }

  void start();
  renderParticipants();
  renderControls();

  return () => {
    controller.abort();
    confirmEnd.close();
    grid?.destroy();
    chat?.dispose();
    speakers.dispose();
    quality.dispose();
    // Normally a no-op: the session stopped the tracks it adopted (this covers a join that never happened).
    void session.dispose().finally(() => discardMedia(media));
  };
}
