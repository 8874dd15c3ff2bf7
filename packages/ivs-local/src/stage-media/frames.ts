/** Reading and writing events-socket frames (see `docs/local-stage-protocol.md`). */
import type { RawData, WebSocket } from 'ws';
import type { ClientFrame, LocalStageErrorCode, ServerFrame } from 'aws-ivs-realtime/protocol';

export function sendFrame(ws: WebSocket, frame: ServerFrame): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
}

/** Sends an `error` frame and closes the socket with `closeCode`. */
export function refuse(ws: WebSocket, code: LocalStageErrorCode, message: string, closeCode: number): void {
  sendFrame(ws, { type: 'error', code, message });
  if (ws.readyState === ws.OPEN) ws.close(closeCode, code);
}

/** Parses a client frame, or returns the reason it is invalid. */
export function parseFrame(data: RawData, isBinary: boolean): ClientFrame | string {
  if (isBinary) return 'Frames must be JSON text, not binary.';
  let value: unknown;
  try {
    value = JSON.parse(String(data));
  } catch {
    return 'The frame is not valid JSON.';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'A frame must be a JSON object with a "type".';
  const frame = value as Record<string, unknown>;
  switch (frame['type']) {
    case 'join':
      return typeof frame['token'] === 'string' && frame['token'] ? (frame as ClientFrame) : 'join needs {"token":"<participant token>"}.';
    // Validated where they are handled (membership.ts, stage-messages.ts): a bad one gets an error frame.
    case 'mute':
    case 'leave':
    case 'preferLayer':
    case 'inBandMessage':
    case 'subtitleCue':
      return frame as ClientFrame;
    case 'exchangeToken':
      if (frame['requestId'] !== undefined && typeof frame['requestId'] !== 'string') return 'exchangeToken "requestId" must be a string.';
      return frame as ClientFrame;
    default:
      return `Unknown frame type ${JSON.stringify(frame['type'])}; expected join, mute, exchangeToken, preferLayer, inBandMessage, subtitleCue or leave.`;
  }
}
