/** The chat socket's HTTP side: its paths, the token offered as subprotocol, refused handshakes. */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** Refuses a WebSocket handshake with a plain-text HTTP answer and closes the socket. */
export function rejectHandshake(socket: Duplex, status: number, statusText: string, message: string): void {
  const body = `${message}\n`;
  try {
    socket.end(
      `HTTP/1.1 ${status} ${statusText}\r\n` +
        'Connection: close\r\n' +
        'Content-Type: text/plain; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        '\r\n' +
        body,
    );
  } catch {
    socket.destroy();
  }
}

/** The subprotocol values offered in `Sec-WebSocket-Protocol`, in order. */
export function offeredProtocols(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  if (typeof header !== 'string') return [];
  return header
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value.length > 0);
}

/** `/chat` and `/chat/…`. */
export function isChatPath(pathname: string): boolean {
  return pathname === '/chat' || pathname.startsWith('/chat/');
}
