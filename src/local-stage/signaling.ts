/**
 * WHIP (RFC 9725) and WHEP over `fetch`: POST an SDP offer with a Bearer token, get `201` + SDP
 * answer + `Location`; DELETE the `Location` to end the session. Non-trickle: offers are sent once
 * ICE gathering has completed.
 */
import { DriverErrorCode, type DriverErrorCategory } from '../stage/driver';
import { driverCodeFor, LocalStageError } from './errors';
import type { LocalStageErrorCode, LocalStageHttpError } from './protocol';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** A negotiated WHIP/WHEP session. */
export interface SdpExchange {
  answer: string;
  /** Absolute URL of the session resource (DELETE it to end the session). */
  resourceUrl: string;
}

/** POSTs an offer; throws {@link LocalStageError} (with the server's code and message) on refusal. */
export async function postOffer(
  fetchImpl: FetchLike,
  url: string,
  token: string,
  offer: string,
  category: DriverErrorCategory,
  remoteParticipantId?: string,
): Promise<SdpExchange> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/sdp' },
      body: offer,
    });
  } catch (cause) {
    throw new LocalStageError(category, DriverErrorCode.FAILED, `Could not reach the local stage server at ${url}. Is ivs-local running?`, {
      fatal: false,
      cause,
      ...(remoteParticipantId ? { remoteParticipantId } : {}),
    });
  }
  const body = await response.text().catch(() => '');
  if (response.status !== 201) {
    let code: LocalStageErrorCode | undefined;
    let message = body.slice(0, 500) || `HTTP ${response.status}`;
    try {
      const parsed = JSON.parse(body) as Partial<LocalStageHttpError>;
      if (typeof parsed.code === 'string') code = parsed.code as LocalStageErrorCode;
      if (typeof parsed.message === 'string') message = parsed.message;
    } catch {
      // Not JSON: keep the text.
    }
    throw new LocalStageError(category, driverCodeFor(code), `${category === 'PUBLISH_ERROR' ? 'Publish' : 'Subscribe'} refused (HTTP ${response.status}${code ? ` ${code}` : ''}): ${message}`, {
      fatal: false,
      ...(code ? { localCode: code } : {}),
      ...(remoteParticipantId ? { remoteParticipantId } : {}),
    });
  }
  const location = response.headers.get('location');
  if (!location || !body.startsWith('v=0')) {
    throw new LocalStageError(category, DriverErrorCode.FAILED, 'The local stage server answered 201 without an SDP answer and a Location header.', { fatal: false });
  }
  return { answer: body, resourceUrl: new URL(location, url).toString() };
}

/** Ends a session (best effort: the server also ends it when the peer connection closes). */
export function deleteResource(fetchImpl: FetchLike, resourceUrl: string, token: string): void {
  fetchImpl(resourceUrl, { method: 'DELETE', headers: { authorization: `Bearer ${token}` }, keepalive: true }).catch(() => {
    // The server may already be gone; nothing to clean up on this side.
  });
}
