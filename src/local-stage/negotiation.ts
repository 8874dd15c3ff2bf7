/**
 * The negotiation step shared by the WHIP publisher and the WHEP subscriber, and their retry
 * schedule: offer → POST (WHIP/WHEP) → answer → connected.
 */
import { DriverErrorCode, type DriverErrorCategory } from '../stage/driver';
import { messageOf } from '../core/errors';
import { LocalStageError } from './errors';
import { connected, iceGatheringComplete } from './peer';
import { deleteResource, postOffer, type FetchLike } from './signaling';

/** What the publisher and the subscriber share: the transport and the driver's globals. */
export interface MediaTransport {
  readonly fetch: FetchLike;
  readonly RTCPeerConnection: typeof RTCPeerConnection;
  readonly connectTimeoutMs: number;
  token(): string;
}

export interface Negotiation {
  url: string;
  category: DriverErrorCategory;
  remoteParticipantId?: string;
  /** The session was ended meanwhile (unpublished, unsubscribed, left). */
  isClosed(): boolean;
  /** The server created the session resource (DELETE it to end the session). */
  onResource(url: string): void;
  /** Rewrites the offer as sent to the server (the local description stays the browser's own). */
  offerSdp?(sdp: string): string;
}

/**
 * Negotiates `pc` (its transceivers already added) with the server. Resolves `true` once connected,
 * `false` when the session was closed meanwhile (a resource created in between is deleted).
 * Rejects with a {@link LocalStageError} (server refusal) or whatever the browser threw.
 */
export async function negotiate(pc: RTCPeerConnection, transport: MediaTransport, n: Negotiation): Promise<boolean> {
  await pc.setLocalDescription(await pc.createOffer());
  await iceGatheringComplete(pc, 2000);
  if (n.isClosed()) return false;
  const token = transport.token();
  const offer = n.offerSdp ? n.offerSdp(pc.localDescription!.sdp) : pc.localDescription!.sdp;
  const { answer, resourceUrl } = await postOffer(transport.fetch, n.url, token, offer, n.category, n.remoteParticipantId);
  if (n.isClosed()) {
    deleteResource(transport.fetch, resourceUrl, token);
    return false;
  }
  n.onResource(resourceUrl);
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  await connected(pc, transport.connectTimeoutMs);
  return !n.isClosed();
}

/** The driver error for a failed negotiation: the server's refusal as is, anything else as `FAILED`. */
export function negotiationError(cause: unknown, category: DriverErrorCategory, what: string, remoteParticipantId?: string): LocalStageError {
  if (cause instanceof LocalStageError) return cause;
  return new LocalStageError(category, DriverErrorCode.FAILED, `${what} failed: ${messageOf(cause)}`, {
    fatal: false,
    cause,
    ...(remoteParticipantId === undefined ? {} : { remoteParticipantId }),
  });
}

/** Whether a failed negotiation may succeed when tried again (network, timeout; not a refusal). */
export function isRetryable(error: LocalStageError): boolean {
  return error.code === DriverErrorCode.FAILED || error.code === DriverErrorCode.TIMEOUT;
}

/** Calls `onLost` when an established connection fails or closes. */
export function onConnectionLost(pc: RTCPeerConnection, onLost: () => void): void {
  pc.addEventListener('connectionstatechange', () => {
    if (pc.connectionState === 'failed' || pc.connectionState === 'closed') onLost();
  });
}

const MAX_MEDIA_RETRIES = 3;

/** Up to 3 retries after failures in a row, 500 ms × failures apart. */
export class RetrySchedule {
  #failures = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  get pending(): boolean {
    return this.#timer !== undefined;
  }

  /** Schedules `run` unless the retries are used up; counts a failure. */
  schedule(run: () => void): void {
    if (this.#failures++ >= MAX_MEDIA_RETRIES) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      run();
    }, 500 * this.#failures);
  }

  /** A success, or a change that makes earlier failures irrelevant. */
  reset(): void {
    this.#failures = 0;
  }

  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
