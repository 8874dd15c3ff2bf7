/**
 * The live page's DOM: its layout (title, counts, banner, stage, controls, people, chat slot) and
 * how the session's state is drawn (participant list, counts, control states). No SDK calls here
 * besides reading the session.
 */
import { screenShareOwner, type NetworkQuality, type Participant, type StageGrid, type StageSession } from 'aws-ivs-realtime';
import type { Role } from './app';
import { h, replaceChildren } from './dom';

export type BannerTone = 'info' | 'warn' | 'ended';

/** The elements of the live page that the steps fill in. */
export interface LiveView {
  readonly title: HTMLElement;
  readonly description: HTMLElement;
  readonly gridContainer: HTMLDivElement;
  readonly controls: HTMLDivElement;
  readonly chatSlot: HTMLDivElement;
  readonly confirmEnd: HTMLDialogElement;
  showBanner(text: string | undefined, tone?: BannerTone): void;
  renderParticipants(session: StageSession, qualityOf: ReadonlyMap<string, NetworkQuality>, ended: boolean): void;
}

export function nameOf(p: Participant): string {
  return p.attributes['displayName']?.trim() || p.userId || p.id;
}

/** Whose screen `p` is (the owner's name), or `undefined` for a person. */
export function screenOf(session: StageSession, p: Participant): string | undefined {
  const ownerId = screenShareOwner(p);
  if (ownerId === undefined) return undefined;
  const owner = session.participants.find((other) => other.id === ownerId);
  return owner ? nameOf(owner) : 'Someone';
}

const QUALITY_TEXT: Record<NetworkQuality, string> = { good: 'Good connection', poor: 'Poor connection', lost: 'Connection lost' };

/** Lays out the live page in `root` (the controls step fills the toolbar and adds the device pickers after it). */
export function renderLayout(root: HTMLElement, role: Role): LiveView {
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
  const confirmEnd = h('dialog', { class: 'confirm', attrs: { 'aria-labelledby': 'end-heading' } });

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
      h('div', { class: 'live__stage' }, h('div', { class: 'live__screen' }, gridContainer, emptyNote), controls),
      h('aside', { class: 'live__side' }, h('section', { class: 'panel', attrs: { 'aria-label': 'People' } }, h('h2', { text: 'People' }), participantList), chatSlot),
      confirmEnd,
    ),
  );

  return {
    title,
    description,
    gridContainer,
    controls,
    chatSlot,
    confirmEnd,
    showBanner(text, tone = 'info') {
      banner.hidden = text === undefined;
      banner.textContent = text ?? '';
      banner.dataset['tone'] = tone;
    },
    renderParticipants(session, qualityOf, ended) {
      const all = session.participants;
      // A shared screen is a participant of its own; it is not counted as a person.
      const people = all.filter((p) => screenShareOwner(p) === undefined);
      const onStage = people.filter((p) => p.isPublishing).length;
      onStageCount.textContent = String(onStage);
      emptyNote.hidden = ended || session.state !== 'connected' || onStage > 0;
      // Viewers: the local participant's subscribers when publishing, else everyone not publishing.
      const watching = Math.max(session.subscriberCount - (onStage - (session.publishing ? 1 : 0)), people.length - onStage, 0);
      watchingCount.textContent = String(watching);
      replaceChildren(participantList, ...all.map((p) => participantItem(session, p, qualityOf.get(p.id))));
    },
  };
}

function participantItem(session: StageSession, p: Participant, q: NetworkQuality | undefined): HTMLElement {
  const screen = screenOf(session, p) !== undefined;
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
}

/** The page's StageGrid: tiles for who is on stage (and our own camera); viewers are listed under People. */
export function gridOptions(session: StageSession, publisher: boolean): ConstructorParameters<typeof StageGrid>[2] {
  return {
    overlay: true,
    // The spotlight tile asks for the highest simulcast layer, strip tiles and hidden pages the lowest.
    layerPreferences: true,
    filter: (p) => p.isPublishing || (p.isLocal && publisher),
    displayName: (p) => {
      const owner = screenOf(session, p);
      return owner === undefined ? nameOf(p) : `${owner}’s screen`;
    },
  };
}
