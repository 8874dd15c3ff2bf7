/** The local stage's endpoints, from the claims of an ivs-local participant token. */
import type { ParticipantTokenClaims } from '../core/token';

/** The events WebSocket: the `events_url` claim, else derived from `whip_url` and the stage id. */
export function eventsUrlOf(claims: ParticipantTokenClaims): string {
  if (claims.eventsUrl) return claims.eventsUrl;
  const url = new URL(claims.whipUrl!);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `/stage/${encodeURIComponent(claims.stageId!)}/events`;
  return url.toString();
}

/** The WHIP endpoint: the `whip_url` claim, else derived from the events URL. */
export function whipUrlOf(claims: ParticipantTokenClaims): string {
  if (claims.whipUrl) return claims.whipUrl;
  const url = new URL(eventsUrlOf(claims));
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = url.pathname.replace(/\/events$/, '/whip');
  return url.toString();
}

/** The WHEP endpoint of one publisher. */
export function whepUrlOf(claims: ParticipantTokenClaims, publisherId: string): string {
  return whipUrlOf(claims).replace(/\/whip\/?$/, `/whep/${encodeURIComponent(publisherId)}`);
}
