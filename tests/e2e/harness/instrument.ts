/**
 * Observation hooks installed before the SDK loads: they only record what the page creates
 * (peer connections, WebSockets, media tracks) so the specs can check for leaks. Everything is held
 * through WeakRefs, so the instrumentation itself keeps nothing alive.
 */

const peerConnections: Array<WeakRef<RTCPeerConnection>> = [];
const sockets: Array<{ ref: WeakRef<WebSocket>; path: string }> = [];
const tracks: Array<WeakRef<MediaStreamTrack>> = [];
let peerConnectionsCreated = 0;
let webSocketsCreated = 0;

function rememberTrack(track: MediaStreamTrack): void {
  if (tracks.some((ref) => ref.deref() === track)) return;
  tracks.push(new WeakRef(track));
}

function prune<T extends object>(list: Array<WeakRef<T>>): T[] {
  const alive: T[] = [];
  for (let i = list.length - 1; i >= 0; i--) {
    const value = list[i]!.deref();
    if (value === undefined) list.splice(i, 1);
    else alive.unshift(value);
  }
  return alive;
}

const NativePeerConnection = window.RTCPeerConnection;
class ObservedPeerConnection extends NativePeerConnection {
  constructor(configuration?: RTCConfiguration) {
    super(configuration);
    peerConnectionsCreated++;
    peerConnections.push(new WeakRef(this));
    this.addEventListener('track', (event) => rememberTrack(event.track));
  }
}
window.RTCPeerConnection = ObservedPeerConnection;

const NativeWebSocket = window.WebSocket;
class ObservedWebSocket extends NativeWebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    webSocketsCreated++;
    sockets.push({ ref: new WeakRef(this), path: new URL(String(url)).pathname });
  }
}
window.WebSocket = ObservedWebSocket;

const nativeGetUserMedia = MediaDevices.prototype.getUserMedia;
MediaDevices.prototype.getUserMedia = async function getUserMedia(this: MediaDevices, constraints?: MediaStreamConstraints) {
  const stream = await nativeGetUserMedia.call(this, constraints);
  stream.getTracks().forEach(rememberTrack);
  return stream;
};
const nativeClone = MediaStreamTrack.prototype.clone;
MediaStreamTrack.prototype.clone = function clone(this: MediaStreamTrack) {
  const copy = nativeClone.call(this);
  rememberTrack(copy);
  return copy;
};

/** What the hooks have seen so far. */
export function observed() {
  const liveTracks = prune(tracks).filter((track) => track.readyState === 'live');
  const openPeerConnections = prune(peerConnections).filter((pc) => pc.connectionState !== 'closed');
  for (let i = sockets.length - 1; i >= 0; i--) if (!sockets[i]!.ref.deref()) sockets.splice(i, 1);
  const openSockets = sockets.filter((s) => {
    const socket = s.ref.deref();
    return socket !== undefined && socket.readyState !== NativeWebSocket.CLOSED;
  });
  return {
    liveTracks,
    openPeerConnections,
    peerConnectionsCreated,
    webSocketsCreated,
    webSocketsOpen: openSockets.length,
    webSocketPaths: openSockets.map((s) => s.path),
  };
}
