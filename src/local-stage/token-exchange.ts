/**
 * Token exchanges of the local driver (`exchangeToken()`): checks the new token, sends the request
 * on the events socket and settles it when the server answers, refuses it, or does not answer.
 */
import { decodeParticipantToken, type ParticipantTokenClaims } from '../core/token';
import { DriverErrorCode } from '../stage/driver';
import { LocalStageError } from './errors';
import type { ClientFrame, LocalStageErrorCode } from './protocol';

interface Pending {
  resolve: () => void;
  reject: (error: LocalStageError) => void;
  token: string;
}

const failed = (message: string, localCode?: LocalStageErrorCode) =>
  new LocalStageError('JOIN_ERROR', DriverErrorCode.TOKEN_EXCHANGE_FAILED, message, { fatal: false, ...(localCode ? { localCode } : {}) });

export class TokenExchanges {
  readonly #pending = new Map<string, Pending>();
  #nextRequestId = 1;

  /**
   * Starts an exchange: resolves once the server confirmed it (see {@link settle}). `current` is the
   * participant's current claims; `connected` whether the stage can exchange now.
   */
  request(token: string, current: ParticipantTokenClaims | undefined, connected: boolean, send: (frame: ClientFrame) => void, timeoutMs: number): Promise<void> {
    let claims: ParticipantTokenClaims;
    try {
      claims = decodeParticipantToken(token);
    } catch (cause) {
      const message = `The new token is malformed: ${(cause as Error).message}`;
      return Promise.reject(new LocalStageError('JOIN_ERROR', DriverErrorCode.TOKEN_EXCHANGE_REQUEST_INVALID, message, { fatal: false, cause }));
    }
    if (current && claims.participantId !== current.participantId) {
      const message = 'The new token is for another participant; exchange only tokens of the same participant.';
      return Promise.reject(new LocalStageError('JOIN_ERROR', DriverErrorCode.TOKEN_EXCHANGE_REQUEST_INVALID, message, { fatal: false }));
    }
    if (!connected) return Promise.reject(failed('exchangeToken() needs a connected stage.'));
    const requestId = `x${this.#nextRequestId++}`;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.#pending.delete(requestId)) reject(failed(`The local stage server did not answer the token exchange within ${timeoutMs} ms.`));
      }, timeoutMs);
      const settle = <T>(fn: (value: T) => void) => (value: T) => {
        clearTimeout(timer);
        fn(value);
      };
      this.#pending.set(requestId, { resolve: settle(resolve), reject: settle(reject), token });
      send({ type: 'exchangeToken', token, requestId });
    });
  }

  /** The server confirmed request `requestId`: returns its pending exchange (resolve it once applied). */
  settle(requestId: string | undefined): Pending | undefined {
    if (requestId === undefined) return undefined;
    const pending = this.#pending.get(requestId);
    this.#pending.delete(requestId);
    return pending;
  }

  /** The server refused request `requestId`. */
  refuse(requestId: string, code: LocalStageErrorCode, message: string): void {
    const pending = this.#pending.get(requestId);
    if (!pending) return;
    this.#pending.delete(requestId);
    pending.reject(failed(`The token exchange was refused (${code}): ${message}`, code));
  }

  /** Rejects every pending exchange (the connection was lost, or the stage left). */
  rejectAll(message: string): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const exchange of pending) exchange.reject(failed(message));
  }
}
