/**
 * The live page's chat: a ChatSession whose token provider asks the control plane for a fresh chat
 * token on every (re)connect. Messages show sender and time, own messages are marked, sends show
 * pending/failed states, and moderators (the host) can delete messages and remove users.
 */
import { ChatSession, type ChatCapability, type ChatMessage, type ChatStopReason, type ControlPlane } from 'aws-ivs-realtime';
import { LIMITS, type DemoConfig, type Identity } from './app';
import { append, describeError, formatTime, h } from './dom';

export interface ChatPanelOptions {
  config: DemoConfig;
  controlPlane: ControlPlane;
  identity: Identity;
  roomArn: string;
  /** Moderators get DELETE_MESSAGE and DISCONNECT_USER in their chat token. */
  moderator: boolean;
}

const STATE_TEXT: Record<string, string> = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
};

const DISCONNECT_TEXT: Partial<Record<ChatStopReason, string>> = {
  kicked: 'You were removed from the chat.',
  'room-deleted': 'The chat room was closed.',
  'server-disconnect': 'The chat server closed the connection.',
  'fetch-token-error': 'Could not get a chat token. Reload the page to try again.',
  'attempts-exhausted': 'Could not reach the chat. Reload the page to try again.',
};

export class ChatPanel {
  readonly element: HTMLElement;
  #options: ChatPanelOptions;
  #chat = new ChatSession();
  #controller = new AbortController();
  #list = h('ol', { class: 'chat__messages', attrs: { 'aria-live': 'polite', 'aria-label': 'Chat messages' } });
  #state = h('span', { class: 'chat__state', attrs: { role: 'status' } });
  #input = h('input', {
    attrs: { type: 'text', name: 'message', maxlength: LIMITS.chatMessage, autocomplete: 'off', 'aria-label': 'Message', placeholder: 'Say something…' },
  });
  #sendButton = h('button', { text: 'Send', attrs: { type: 'submit' } });
  /** Rendered messages by id. */
  #rendered = new Map<string, HTMLElement>();
  /** Sends awaiting their acknowledgement, by content (to recognize our own echo). */
  #pending = new Set<{ content: string; element: HTMLElement }>();
  #disposed = false;

  constructor(options: ChatPanelOptions) {
    this.#options = options;
    const { signal } = this.#controller;
    const form = h(
      'form',
      { class: 'chat__form', on: { submit: (event) => this.#onSubmit(event) }, signal },
      this.#input,
      this.#sendButton,
    );
    this.element = h(
      'section',
      { class: 'chat', attrs: { 'aria-labelledby': 'chat-heading' } },
      h('div', { class: 'chat__head' }, h('h2', { text: 'Chat', attrs: { id: 'chat-heading' } }), this.#state),
      this.#list,
      form,
    );
    this.#setState('idle');
    this.#chat.on('stateChanged', ({ state }) => this.#setState(state), { signal });
    this.#chat.on('message', (message) => this.#onMessage(message), { signal });
    this.#chat.on('messageDeleted', ({ messageId }) => this.#onDeleted(messageId), { signal });
    this.#chat.on('userDisconnected', ({ userId }) => {
      if (userId === options.identity.userId) return; // told by `disconnected`
      this.system(`${this.#nameOfUser(userId)} was removed from the chat.`);
    }, { signal });
    this.#chat.on('event', (event) => this.system(`Event: ${event.eventName}`), { signal });
    this.#chat.on('disconnected', ({ reason }) => {
      if (this.#disposed) return;
      if (reason === 'user') return;
      this.system(DISCONNECT_TEXT[reason] ?? `Chat disconnected (${reason}).`);
      this.#setFormEnabled(false);
    }, { signal });
    // Non-fatal problems (a failed attempt that is retried): shown on the state line, not in the list.
    this.#chat.on('error', ({ error }) => {
      this.#state.title = error.message;
      console.warn('[demo] chat:', error);
    }, { signal });
  }

  /** Connects; the token provider runs again on every reconnect. */
  async connect(): Promise<void> {
    const { config, controlPlane, identity, roomArn, moderator } = this.#options;
    const capabilities: ChatCapability[] = moderator ? ['SEND_MESSAGE', 'DELETE_MESSAGE', 'DISCONNECT_USER'] : ['SEND_MESSAGE'];
    try {
      await this.#chat.connect({
        regionOrUrl: config.mode === 'local' && config.chatUrl ? config.chatUrl : config.region,
        tokenProvider: () =>
          controlPlane.mintChatToken({
            roomArn,
            userId: identity.userId,
            attributes: { displayName: identity.displayName },
            capabilities,
          }),
        signal: this.#controller.signal,
      });
    } catch (error) {
      if (!this.#disposed) this.system(`Could not connect to the chat: ${describeError(error)}`);
    }
  }

  /** Adds a system line (joins, leaves, state changes). */
  system(text: string, at = new Date()): void {
    append(
      this.#list,
      h('li', { class: 'msg msg--system' }, h('time', { class: 'msg__time', text: formatTime(at), attrs: { datetime: at.toISOString() } }), h('span', { class: 'msg__text', text })),
    );
    this.#scroll();
  }

  #setState(state: string): void {
    this.#state.textContent = STATE_TEXT[state] ?? state;
    if (state === 'connected') this.#state.removeAttribute('title');
    this.#state.dataset['state'] = state;
    // While reconnecting, sends wait in the session's queue and show as pending.
    this.#setFormEnabled(state === 'connected' || state === 'reconnecting');
  }

  #setFormEnabled(enabled: boolean): void {
    this.#input.disabled = !enabled;
    this.#sendButton.disabled = !enabled;
  }

  #onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const content = this.#input.value.trim();
    if (!content) return;
    this.#input.value = '';
    void this.#send(content);
  }

  async #send(content: string, existing?: HTMLElement): Promise<void> {
    const element = existing ?? this.#messageElement({ own: true, name: this.#options.identity.displayName, content, time: new Date() });
    element.classList.add('msg--pending');
    element.classList.remove('msg--failed');
    element.querySelector('.msg__failure')?.remove();
    element.setAttribute('aria-busy', 'true');
    if (!existing) append(this.#list, element);
    this.#scroll();
    const entry = { content, element };
    this.#pending.add(entry);
    try {
      const message = await this.#chat.send(content);
      if (this.#rendered.has(message.id)) {
        element.remove(); // our echo arrived first and is already shown
      } else {
        this.#fillMessage(element, message);
      }
    } catch (error) {
      element.classList.add('msg--failed');
      append(
        element,
        h(
          'span',
          { class: 'msg__failure' },
          h('span', { text: `Not sent: ${describeError(error)}` }),
          h('button', { text: 'Retry', attrs: { type: 'button' }, on: { click: () => void this.#send(content, element) } }),
          h('button', { text: 'Discard', attrs: { type: 'button' }, on: { click: () => element.remove() } }),
        ),
      );
    } finally {
      this.#pending.delete(entry);
      element.classList.remove('msg--pending');
      element.removeAttribute('aria-busy');
    }
  }

  #onMessage(message: ChatMessage): void {
    if (this.#rendered.has(message.id)) return;
    if (message.sender.userId === this.#options.identity.userId) {
      // Our own message: its send() acknowledgement renders it.
      for (const pending of this.#pending) if (pending.content === message.content) return;
    }
    const element = this.#messageElement({
      own: message.sender.userId === this.#options.identity.userId,
      name: senderName(message),
      content: message.content,
      time: message.sendTime,
    });
    this.#fillMessage(element, message);
    append(this.#list, element);
    this.#scroll();
  }

  #messageElement(m: { own: boolean; name: string; content: string; time: Date }): HTMLElement {
    return h(
      'li',
      { class: `msg ${m.own ? 'msg--own' : 'msg--other'}` },
      h(
        'div',
        { class: 'msg__meta' },
        h('span', { class: 'msg__sender', text: m.own ? `${m.name} (you)` : m.name }),
        h('time', { class: 'msg__time', text: formatTime(m.time), attrs: { datetime: m.time.toISOString() } }),
      ),
      h('p', { class: 'msg__text', text: m.content }),
    );
  }

  /** Binds a rendered element to a delivered message: id, sender, moderation buttons. */
  #fillMessage(element: HTMLElement, message: ChatMessage): void {
    this.#rendered.set(message.id, element);
    element.dataset['messageId'] = message.id;
    element.dataset['userId'] = message.sender.userId;
    const time = element.querySelector('time');
    if (time) {
      time.textContent = formatTime(message.sendTime);
      time.setAttribute('datetime', message.sendTime.toISOString());
    }
    if (!this.#options.moderator) return;
    const actions = h('div', { class: 'msg__actions' });
    append(
      actions,
      h('button', {
        text: 'Delete',
        attrs: { type: 'button', 'aria-label': `Delete message from ${senderName(message)}` },
        on: { click: () => void this.#moderate(() => this.#chat.deleteMessage(message.id, 'Removed by the host')) },
      }),
    );
    if (message.sender.userId !== this.#options.identity.userId) {
      append(
        actions,
        h('button', {
          text: 'Remove user',
          attrs: { type: 'button', 'aria-label': `Remove ${senderName(message)} from the chat` },
          on: { click: () => void this.#moderate(() => this.#chat.disconnectUser(message.sender.userId, 'Removed by the host')) },
        }),
      );
    }
    append(element, actions);
  }

  async #moderate(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.system(`Moderation failed: ${describeError(error)}`);
    }
  }

  #onDeleted(messageId: string): void {
    const element = this.#rendered.get(messageId);
    if (!element) return;
    element.classList.add('msg--deleted');
    const text = element.querySelector('.msg__text');
    if (text) text.textContent = 'Message deleted by a moderator.';
    element.querySelector('.msg__actions')?.remove();
  }

  #nameOfUser(userId: string): string {
    for (const element of this.#rendered.values()) {
      if (element.dataset['userId'] === userId) {
        const sender = element.querySelector('.msg__sender')?.textContent;
        if (sender) return sender;
      }
    }
    return 'A user';
  }

  #scroll(): void {
    this.#list.scrollTop = this.#list.scrollHeight;
  }

  /** Shows that the live is over and stops sending. */
  close(text: string): void {
    this.system(text);
    this.#setFormEnabled(false);
    this.dispose();
  }

  /** Closes the connection and removes listeners. Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#controller.abort();
    this.#setFormEnabled(false);
    this.#chat.dispose();
  }
}

function senderName(message: ChatMessage): string {
  const name = message.sender.attributes?.['displayName']?.trim();
  return name || message.sender.userId;
}
