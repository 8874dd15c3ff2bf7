/**
 * The lobby: the lives of this demo, a "Go live" form with a camera preview, and joining a live as
 * a viewer or on camera.
 */
import type { ControlPlane } from 'aws-ivs-realtime';
import {
  DEMO_APP_TAG,
  LIMITS,
  isDemoStage,
  liveHash,
  liveInfoFromStage,
  rememberDisplayName,
  rememberRole,
  resourceName,
  storedRole,
  type AppContext,
  type LiveInfo,
  type Role,
} from './app';
import { DevicePicker } from './devices';
import { describeError, field, h, replaceChildren } from './dom';
import { discardMedia, handOff } from './handoff';

export function mountLobby(root: HTMLElement, ctx: AppContext): () => void {
  const controller = new AbortController();
  const { signal } = controller;
  const picker = new DevicePicker();

  // --- Your name (used to go live and to join) ---
  const nameInput = h('input', {
    attrs: { type: 'text', name: 'displayName', maxlength: LIMITS.displayName, autocomplete: 'nickname', required: true },
  });
  nameInput.value = ctx.identity.displayName;
  nameInput.addEventListener('input', () => rememberDisplayName(ctx.identity, nameInput.value.trim()), { signal });

  // --- Live now ---
  const list = h('ul', { class: 'stage-list', attrs: { 'aria-label': 'Lives' } });
  const listStatus = h('p', { class: 'list-status', attrs: { role: 'status' } });
  const refreshButton = h('button', {
    text: 'Refresh',
    attrs: { type: 'button', 'aria-label': 'Refresh the list of lives' },
    on: { click: () => void refresh() },
    signal,
  });

  // --- Go live ---
  const titleInput = h('input', { attrs: { type: 'text', name: 'title', maxlength: LIMITS.title, required: true } });
  const descriptionInput = h('textarea', { attrs: { name: 'description', maxlength: LIMITS.description, rows: 2 } });
  const simulcastInput = h('input', { attrs: { type: 'checkbox', name: 'simulcast' } });
  const goLiveButton = h('button', { class: 'primary', text: 'Go live', attrs: { type: 'submit' } });
  const formStatus = h('p', { class: 'form-status', attrs: { role: 'status' } });
  const form = h(
    'form',
    { class: 'go-live', attrs: { 'aria-labelledby': 'go-live-heading' }, on: { submit: (event) => void goLive(event) }, signal },
    h('h2', { text: 'Go live', attrs: { id: 'go-live-heading' } }),
    field('Title', titleInput),
    field('Description', descriptionInput, 'Optional. Shown in the lobby.'),
    h('fieldset', { class: 'devices' }, h('legend', { text: 'Camera and microphone' }), picker.element),
    field('Send simulcast layers', simulcastInput, 'Your camera in 3 sizes: each viewer receives the one its tile needs (a small tile, the small one).'),
    goLiveButton,
    formStatus,
  );

  replaceChildren(
    root,
    h(
      'div',
      { class: 'lobby' },
      h(
        'div',
        { class: 'lobby__main' },
        h(
          'section',
          { class: 'panel you', attrs: { 'aria-labelledby': 'you-heading' } },
          h('h2', { text: 'You', attrs: { id: 'you-heading' } }),
          field('Display name', nameInput, 'Everyone in a live sees it.'),
        ),
        h(
          'section',
          { class: 'panel lives', attrs: { 'aria-labelledby': 'lives-heading' } },
          h('div', { class: 'panel__head' }, h('h2', { text: 'Lives', attrs: { id: 'lives-heading' } }), refreshButton),
          listStatus,
          list,
        ),
      ),
      h('section', { class: 'panel lobby__side' }, form),
    ),
  );

  function displayName(): string | undefined {
    const name = nameInput.value.trim();
    if (!name) {
      nameInput.setCustomValidity('Enter a display name first.');
      nameInput.reportValidity();
      nameInput.focus();
      nameInput.addEventListener('input', () => nameInput.setCustomValidity(''), { once: true, signal });
      return undefined;
    }
    rememberDisplayName(ctx.identity, name);
    return name;
  }

  let refreshing = 0;
  async function refresh(): Promise<void> {
    const attempt = ++refreshing;
    refreshButton.disabled = true;
    listStatus.textContent = 'Loading…';
    try {
      const stages = (await ctx.controlPlane().listStages({ signal })).filter(isDemoStage);
      if (attempt !== refreshing || signal.aborted) return;
      const lives = stages.map(liveInfoFromStage).sort((a, b) => Number(b.live) - Number(a.live) || a.title.localeCompare(b.title));
      replaceChildren(list, ...lives.map(card));
      listStatus.textContent = lives.length === 0 ? 'No one is live yet. Go live to start the first one.' : '';
    } catch (error) {
      if (signal.aborted) return;
      listStatus.textContent = `Could not load the lives: ${describeError(error)}`;
    } finally {
      if (attempt === refreshing) refreshButton.disabled = false;
    }
  }

  function card(live: LiveInfo): HTMLElement {
    const join = (role: Role) => () => void joinLive(live, role);
    return h(
      'li',
      { class: 'stage-card', attrs: { 'data-stage-arn': live.stageArn } },
      h(
        'div',
        { class: 'stage-card__head' },
        h('h3', { class: 'stage-card__title', text: live.title }),
        h('span', { class: `badge ${live.live ? 'badge--live' : ''}`, text: live.live ? 'Live' : 'Waiting' }),
      ),
      live.description ? h('p', { class: 'stage-card__description', text: live.description }) : null,
      live.hostName ? h('p', { class: 'stage-card__host', text: `Host: ${live.hostName}` }) : null,
      h(
        'div',
        { class: 'stage-card__actions' },
        h('button', {
          class: 'primary',
          text: 'Watch',
          attrs: { type: 'button', 'aria-label': `Watch ${live.title}` },
          on: { click: join('viewer') },
          signal,
        }),
        h('button', {
          text: 'Join on camera',
          attrs: { type: 'button', 'aria-label': `Join ${live.title} on camera` },
          on: { click: join('guest') },
          signal,
        }),
      ),
    );
  }

  async function joinLive(live: LiveInfo, requested: Role): Promise<void> {
    if (!displayName()) return;
    // The tab that started a live stays its host when it comes back on camera.
    const role: Role = requested === 'guest' && storedRole(live.stageArn) === 'host' ? 'host' : requested;
    try {
      const media = role === 'viewer' ? undefined : await picker.takeMedia();
      rememberRole(live.stageArn, role);
      handOff({ stageArn: live.stageArn, role, ...(media ? { media } : {}) });
      ctx.navigate(liveHash(live.stageArn));
    } catch (error) {
      listStatus.textContent = describeError(error);
    }
  }

  async function goLive(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const name = displayName();
    if (!name) return;
    const title = titleInput.value.trim();
    if (!title) {
      titleInput.focus();
      return;
    }
    goLiveButton.disabled = true;
    formStatus.textContent = 'Starting your live…';
    const controlPlane = ctx.controlPlane();
    try {
      const media = await picker.takeMedia();
      let stageArn: string;
      try {
        stageArn = await createLive(controlPlane, { title, description: descriptionInput.value.trim(), hostName: name, hostUserId: ctx.identity.userId });
      } catch (error) {
        discardMedia(media);
        throw error;
      }
      rememberRole(stageArn, 'host');
      handOff({ stageArn, role: 'host', media, simulcast: simulcastInput.checked });
      ctx.navigate(liveHash(stageArn));
    } catch (error) {
      formStatus.textContent = `Could not go live: ${describeError(error)}`;
      goLiveButton.disabled = false;
    }
  }

  void refresh();
  ctx.onControlPlaneChange(() => void refresh(), signal);
  return () => {
    controller.abort();
    picker.dispose();
  };
}

/**
 * Creates a chat room and a stage linked by tags: the stage's `chatRoomArn` tag names its room,
 * and `title`/`description`/`host` describe it in the lobby. Deletes the room again if the stage
 * cannot be created, so nothing is left behind.
 */
export async function createLive(
  controlPlane: ControlPlane,
  live: { title: string; description: string; hostName: string; hostUserId: string },
): Promise<string> {
  const name = resourceName(live.title);
  const room = await controlPlane.createChatRoom({ name, tags: { app: DEMO_APP_TAG, title: live.title } });
  try {
    const stage = await controlPlane.createStage({
      name,
      tags: {
        app: DEMO_APP_TAG,
        title: live.title,
        ...(live.description ? { description: live.description } : {}),
        host: live.hostName,
        // Who may mint host and screen-share tokens for this stage (see authorize() in scripts/demo.mjs).
        hostUserId: live.hostUserId,
        chatRoomArn: room.arn,
      },
    });
    return stage.arn;
  } catch (error) {
    await controlPlane.deleteChatRoom(room.arn).catch(() => {});
    throw error;
  }
}
