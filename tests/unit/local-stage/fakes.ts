/**
 * Thin fakes of the browser globals LocalStage uses (WebSocket, fetch, RTCPeerConnection,
 * MediaStreamTrack), injected through its options. The real ones are exercised in the end-to-end
 * tests (Chromium against ivs-local); these let the driver's state machine be tested in Node.
 */
import type { ClientFrame, ServerFrame } from '../../../src/local-stage/protocol';

export function makeToken(claims: Record<string, unknown> = {}): string {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const payload = {
    jti: 'p-self',
    topic: 'stage1',
    resource: 'arn:aws:ivs:us-east-1:123456789012:stage/stage1',
    exp: Math.floor(Date.now() / 1000) + 3600,
    iat: Math.floor(Date.now() / 1000),
    capabilities: { allow_publish: true, allow_subscribe: true },
    user_id: 'me',
    attributes: {},
    events_url: 'ws://127.0.0.1:4000/stage/stage1/events',
    whip_url: 'http://127.0.0.1:4000/stage/stage1/whip',
    ivs_local: true,
    ...claims,
  };
  return `${b64({ alg: 'ES384', typ: 'JWT' })}.${b64(payload)}.c2ln`;
}

export class FakeWebSocket {
  static instances: FakeWebSocket[] = [];
  readonly url: string;
  readyState = 0;
  readonly sent: ClientFrame[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;

  constructor(url: string) {
    this.url = url;
    FakeWebSocket.instances.push(this);
  }

  static get last(): FakeWebSocket {
    const ws = FakeWebSocket.instances[FakeWebSocket.instances.length - 1];
    if (!ws) throw new Error('no socket was opened');
    return ws;
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data) as ClientFrame);
  }

  close(): void {
    this.readyState = 3;
  }

  /** Server side: accept the connection. */
  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }

  /** Server side: send a frame. */
  receive(frame: ServerFrame): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  /** Server side / network: the connection ends. */
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

let trackIds = 0;
export class FakeTrack {
  readonly id = `track-${++trackIds}`;
  readonly kind: 'audio' | 'video';
  enabled = true;
  constructor(
    kind: 'audio' | 'video',
    readonly settings: { width?: number; height?: number } = {},
  ) {
    this.kind = kind;
  }

  getSettings(): { width?: number; height?: number } {
    return this.settings;
  }
}

export class FakeTransceiver {
  readonly sender: { track: FakeTrack | null; replaceTrack(t: FakeTrack): Promise<void>; getStats(): Promise<undefined> };
  readonly receiver: { track: FakeTrack; getStats(): Promise<undefined>; jitterBufferTarget: number | null };
  readonly direction: string;
  readonly sendEncodings: Array<{ rid?: string } & Record<string, unknown>>;
  codecPreferences: unknown[] | undefined;

  constructor(trackOrKind: FakeTrack | 'audio' | 'video', direction: string, sendEncodings: FakeTransceiver['sendEncodings'] = []) {
    const track = typeof trackOrKind === 'string' ? null : trackOrKind;
    const kind = typeof trackOrKind === 'string' ? trackOrKind : trackOrKind.kind;
    this.direction = direction;
    this.sendEncodings = sendEncodings;
    this.sender = {
      track,
      replaceTrack: async (t) => {
        this.sender.track = t;
      },
      getStats: async () => undefined,
    };
    this.receiver = { track: new FakeTrack(kind), getStats: async () => undefined, jitterBufferTarget: null };
  }

  setCodecPreferences(codecs: unknown[]): void {
    this.codecPreferences = codecs;
  }
}

export class FakePeerConnection {
  static instances: FakePeerConnection[] = [];
  connectionState = 'new';
  iceGatheringState = 'complete';
  localDescription: { type: string; sdp: string } | null = null;
  remoteDescription: { type: string; sdp: string } | null = null;
  readonly transceivers: FakeTransceiver[] = [];
  closed = false;
  readonly #listeners = new Map<string, Set<(event: unknown) => void>>();

  constructor(readonly config: unknown) {
    FakePeerConnection.instances.push(this);
  }

  addTransceiver(trackOrKind: FakeTrack | 'audio' | 'video', init: { direction: string; sendEncodings?: FakeTransceiver['sendEncodings'] }): FakeTransceiver {
    const transceiver = new FakeTransceiver(trackOrKind, init.direction, init.sendEncodings);
    this.transceivers.push(transceiver);
    return transceiver;
  }

  getTransceivers(): FakeTransceiver[] {
    return this.transceivers;
  }

  async createOffer(): Promise<{ type: string; sdp: string }> {
    // Simulcast as Chromium writes it: bare `a=rid:<rid> send` lines and `a=simulcast:send`.
    const simulcast = (t: FakeTransceiver) => {
      const rids = t.sendEncodings.map((e) => e.rid).filter((rid): rid is string => typeof rid === 'string');
      return rids.length > 1 ? `\r\n${rids.map((rid) => `a=rid:${rid} send`).join('\r\n')}\r\na=simulcast:send ${rids.join(';')}` : '';
    };
    const sections = this.transceivers.map((t) => `m=${t.receiver.track.kind} 9 UDP/TLS/RTP/SAVPF 96\r\na=${t.direction}${simulcast(t)}`);
    return { type: 'offer', sdp: `v=0\r\n${sections.join('\r\n')}\r\n` };
  }

  async setLocalDescription(description: { type: string; sdp: string }): Promise<void> {
    this.localDescription = description;
  }

  async setRemoteDescription(description: { type: string; sdp: string }): Promise<void> {
    this.remoteDescription = description;
  }

  addEventListener(type: string, listener: (event: unknown) => void): void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener);
  }

  removeEventListener(type: string, listener: (event: unknown) => void): void {
    this.#listeners.get(type)?.delete(listener);
  }

  /** Network: the connection comes up (tracks arrive for recvonly transceivers). */
  connect(): void {
    for (const t of this.transceivers) {
      if (t.direction === 'recvonly') this.#dispatch('track', { track: t.receiver.track, receiver: t.receiver });
    }
    this.connectionState = 'connected';
    this.#dispatch('connectionstatechange', {});
  }

  fail(): void {
    this.connectionState = 'failed';
    this.#dispatch('connectionstatechange', {});
  }

  close(): void {
    this.closed = true;
    this.connectionState = 'closed';
  }

  #dispatch(type: string, event: unknown): void {
    for (const listener of [...(this.#listeners.get(type) ?? [])]) listener(event);
  }
}

export interface FetchCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A fetch that answers WHIP/WHEP like ivs-local, or with a scripted failure. */
export function createFakeFetch() {
  const calls: FetchCall[] = [];
  let next: { status: number; body: unknown } | undefined;
  let counter = 0;
  const fetchImpl = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const call: FetchCall = {
      url,
      method: init.method ?? 'GET',
      headers: Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v])),
      body: typeof init.body === 'string' ? init.body : undefined,
    };
    calls.push(call);
    if (call.method === 'DELETE') return new Response('', { status: 200 });
    if (next) {
      const { status, body } = next;
      next = undefined;
      return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    }
    const path = new URL(url).pathname;
    return new Response('v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n', {
      status: 201,
      headers: { 'content-type': 'application/sdp', location: `${path}/resource-${++counter}` },
    });
  };
  return {
    fetch: fetchImpl,
    calls,
    failNext(status: number, body: unknown) {
      next = { status, body };
    },
  };
}

/** Lets pending promise callbacks run. */
export async function flush(times = 10): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise((r) => setTimeout(r, 0));
}
