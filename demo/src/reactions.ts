/**
 * Reactions sent in-band with the publisher's video (`StageSession.sendInBandMessage`): they arrive
 * with the picture they react to, unlike chat. Every participant shows the ones it receives
 * (`inBandMessage` events, `subscribe.inBandMessages`) over the sender's tile for a moment.
 */
import type { StageGrid, StageSession } from 'aws-ivs-realtime';
import { h } from './dom';

/** What a reaction may be: anything else received is ignored (the payload comes from another participant). */
const REACTIONS = ['👏', '❤️', '😂'] as const;
const SHOWN_MS = 2500;

export class ReactionControl {
  /** The reaction buttons, for publishers (the message travels with one's own video); everyone shows what arrives. */
  readonly element: HTMLElement;
  readonly #buttons: HTMLButtonElement[];

  constructor(options: { session: StageSession; grid: () => StageGrid | undefined; notify: (text: string) => void; signal: AbortSignal }) {
    const { session, grid, notify, signal } = options;
    const show = (participantId: string | undefined, text: string) => {
      const tile = participantId === undefined ? undefined : grid()?.getTileElement(participantId);
      if (!tile || !(REACTIONS as readonly string[]).includes(text)) return;
      const shown = h('span', { class: 'reaction', text, attrs: { 'aria-hidden': 'true' } });
      tile.append(shown);
      setTimeout(() => shown.remove(), SHOWN_MS);
    };
    const send = (reaction: string) =>
      session.sendInBandMessage(reaction).then(
        () => show(session.localParticipant?.id, reaction),
        (error: Error) => notify(`Could not send the reaction: ${error.message}`),
      );
    this.#buttons = REACTIONS.map((reaction) =>
      h('button', {
        text: reaction,
        attrs: { type: 'button', 'aria-label': `React ${reaction}`, title: 'Shown over your video for everyone, in time with it' },
        on: { click: () => void send(reaction) },
        signal,
      }),
    );
    this.element = h('div', { class: 'reactions', attrs: { role: 'group', 'aria-label': 'Reactions' } }, ...this.#buttons);
    const off = session.on('inBandMessage', ({ participant, payload }) => show(participant.id, new TextDecoder().decode(payload)));
    signal.addEventListener('abort', off, { once: true });
  }

  setEnabled(enabled: boolean): void {
    for (const button of this.#buttons) button.disabled = !enabled;
  }
}
