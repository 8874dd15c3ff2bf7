/**
 * A STUN Binding responder on 127.0.0.1, one per process. werift falls back to `stun.l.google.com`
 * when a peer connection has no STUN server (a DNS query and a STUN request to the Internet for every
 * ICE gathering, even with `iceServers: []`); pointing it here keeps gathering on loopback and fast
 * (the answer is the socket's own address: a server-reflexive candidate equal to the host one).
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

const MAGIC_COOKIE = 0x2112a442;
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
const XOR_MAPPED_ADDRESS = 0x0020;

let started: Promise<string> | undefined;

/** `stun:127.0.0.1:<port>` of this process's loopback STUN responder (started on first use). */
export function loopbackStunUrl(): Promise<string> {
  started ??= new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.on('message', (message, remote) => answer(socket, message, remote));
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.unref();
      resolve(`stun:127.0.0.1:${socket.address().port}`);
    });
  });
  return started;
}

/** Answers a Binding request with the sender's address (RFC 5389 XOR-MAPPED-ADDRESS); ignores anything else. */
export function bindingResponse(message: Buffer, remote: Pick<RemoteInfo, 'address' | 'port' | 'family'>): Buffer | undefined {
  if (message.length < 20 || message.readUInt16BE(0) !== BINDING_REQUEST || message.readUInt32BE(4) !== MAGIC_COOKIE) return undefined;
  if (remote.family !== 'IPv4') return undefined;
  const response = Buffer.alloc(32);
  response.writeUInt16BE(BINDING_SUCCESS, 0);
  response.writeUInt16BE(12, 2);
  response.writeUInt32BE(MAGIC_COOKIE, 4);
  message.copy(response, 8, 8, 20); // transaction id
  response.writeUInt16BE(XOR_MAPPED_ADDRESS, 20);
  response.writeUInt16BE(8, 22);
  response.writeUInt8(0, 24);
  response.writeUInt8(0x01, 25); // IPv4
  response.writeUInt16BE(remote.port ^ (MAGIC_COOKIE >>> 16), 26);
  const ip = remote.address.split('.').reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;
  response.writeUInt32BE((ip ^ MAGIC_COOKIE) >>> 0, 28);
  return response;
}

function answer(socket: Socket, message: Buffer, remote: RemoteInfo): void {
  const response = bindingResponse(message, remote);
  if (response) socket.send(response, remote.port, remote.address);
}
