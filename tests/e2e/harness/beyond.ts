/**
 * Test API for the opt-in media features (`window.harnessBeyond`): devices, preview, active speaker,
 * network quality, screen share, reconnect. It runs its own StageSession + StageGrid (in `#beyond`),
 * built from the package entry like any app, next to the main harness's session.
 */
import { observed } from './instrument';
import {
  ActiveSpeakerDetector,
  DeviceManager,
  MediaPreview,
  NetworkQualityMonitor,
  ScreenShare,
  StageGrid,
  StageSession,
} from './sdk';
import type { ActiveSpeakerOptions, NetworkQualityOptions } from './sdk';

export interface BeyondResult {
  ok: boolean;
  error?: string;
  value?: unknown;
}

export interface BeyondEvent {
  /** `performance.timeOrigin + performance.now()`: comparable across pages of one browser. */
  t: number;
  type: string;
  detail: Record<string, unknown>;
}

export interface BeyondJoinOptions {
  token: string;
  publish: boolean;
  audio?: boolean | MediaTrackConstraints;
  video?: boolean | MediaTrackConstraints;
  /** Publish the running preview's tracks (see `startPreview`). */
  fromPreview?: boolean;
  speaker?: ActiveSpeakerOptions | false;
  quality?: NetworkQualityOptions | false;
}

export interface BeyondTile {
  participantId: string;
  speaking: boolean;
  quality: string | undefined;
  qualityBadge: string;
}

export interface BeyondState {
  state: string;
  participants: Array<{ id: string; isLocal: boolean; audioTrackId?: string; videoTrackId?: string; attributes: Record<string, string> }>;
  tiles: BeyondTile[];
  events: BeyondEvent[];
}

function createApi() {
  const now = () => performance.timeOrigin + performance.now();
  const events: BeyondEvent[] = [];
  const record = (type: string, detail: Record<string, unknown>) => events.push({ t: now(), type, detail });

  const root = document.createElement('div');
  root.id = 'beyond';
  root.style.cssText = 'width:960px;height:540px;position:relative';
  document.body.append(root);

  let session: StageSession | undefined;
  let grid: StageGrid | undefined;
  let speaker: ActiveSpeakerDetector | undefined;
  let quality: NetworkQualityMonitor | undefined;
  let preview: MediaPreview | undefined;
  let devices: DeviceManager | undefined;
  let share: ScreenShare | undefined;
  let shareRequest: unknown;
  let gumCalls = 0;
  let hiddenDevice: string | undefined;

  const nativeGetUserMedia = MediaDevices.prototype.getUserMedia;
  MediaDevices.prototype.getUserMedia = function getUserMedia(this: MediaDevices, constraints?: MediaStreamConstraints) {
    gumCalls++;
    return nativeGetUserMedia.call(this, constraints);
  };

  /** `navigator.mediaDevices` as the DeviceManager sees it, with one device that can be "unplugged". */
  const pluggable = {
    getUserMedia: (c: MediaStreamConstraints) => navigator.mediaDevices.getUserMedia(c),
    enumerateDevices: async () => (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.deviceId !== hiddenDevice),
    addEventListener: (type: string, fn: EventListener) => target.addEventListener(type, fn),
    removeEventListener: (type: string, fn: EventListener) => target.removeEventListener(type, fn),
  };
  const target = new EventTarget();
  navigator.mediaDevices.addEventListener('devicechange', () => target.dispatchEvent(new Event('devicechange')));

  // Speaking highlight transitions of every tile, timestamped by a MutationObserver.
  new MutationObserver((records) => {
    for (const r of records) {
      const el = r.target as HTMLElement;
      if (r.attributeName !== 'class' || !el.dataset['participantId']) continue;
      const speaking = el.classList.contains('ivs-tile--speaking');
      const was = (r.oldValue ?? '').split(/\s+/).includes('ivs-tile--speaking');
      if (speaking !== was) record('highlight', { id: el.dataset['participantId'], speaking });
    }
  }).observe(root, { attributes: true, attributeFilter: ['class'], attributeOldValue: true, subtree: true });

  async function run(action: () => unknown): Promise<BeyondResult> {
    try {
      return { ok: true, value: await action() };
    } catch (error) {
      const e = error as { name?: string; message?: string; reason?: string };
      return { ok: false, error: `${e?.name ?? 'Error'}${e?.reason ? ` (${e.reason})` : ''}: ${e?.message ?? String(error)}` };
    }
  }

  function ensureSession(): StageSession {
    if (session) return session;
    const s = new StageSession();
    s.on('stateChanged', ({ state }) => record('stateChanged', { state }));
    s.on('streamsChanged', ({ participant, added, removed }) =>
      record('streamsChanged', { id: participant.id, isLocal: participant.isLocal, added: added.map((x) => x.kind), removed: removed.map((x) => x.kind) }),
    );
    s.on('participantJoined', ({ participant }) => record('participantJoined', { id: participant.id, attributes: participant.attributes }));
    s.on('participantLeft', ({ participant }) => record('participantLeft', { id: participant.id }));
    s.on('speakersChanged', (p) => record('session:speakersChanged', { ...p }));
    s.on('qualityChanged', (p) => record('session:qualityChanged', { ...p }));
    s.on('left', ({ reason }) => record('left', { reason }));
    session = s;
    grid = new StageGrid(root, s);
    return s;
  }

  // Publisher-side onset probe: the local microphone through an AnalyserNode, onsets timed to the sample.
  let probe: { context: AudioContext; timer: ReturnType<typeof setInterval>; onsets: number[] } | undefined;

  const api = {
    join: (o: BeyondJoinOptions) =>
      run(async () => {
        const s = ensureSession();
        if (o.speaker !== false && !speaker) {
          speaker = new ActiveSpeakerDetector(s, o.speaker ?? {});
          speaker.on('speakersChanged', ({ speakers }) => record('speakersChanged', { speakers }));
          speaker.on('levels', ({ levels }) => {
            if ((window as { beyondTraceLevels?: boolean }).beyondTraceLevels) record('levels', { ...levels });
          });
        }
        if (o.quality !== false && !quality) {
          quality = new NetworkQualityMonitor(s, o.quality ?? {});
          quality.on('qualityChanged', ({ participantId, quality: q, previous, stats }) => record('qualityChanged', { participantId, quality: q, previous, stats }));
        }
        const media = o.fromPreview ? preview!.handOff() : o.audio === undefined && o.video === undefined ? undefined : { audio: o.audio, video: o.video };
        await s.join({ token: o.token, publish: o.publish, ...(media ? { media } : {}) });
      }),

    leave: () => run(() => session?.leave()),
    setMuted: (muted: { audio?: boolean; video?: boolean }) => run(() => session?.setMuted(muted)),

    dispose: () =>
      run(async () => {
        await probe?.context.close();
        if (probe) clearInterval(probe.timer);
        probe = undefined;
        await share?.dispose();
        share = undefined;
        speaker?.dispose();
        quality?.dispose();
        devices?.dispose();
        preview?.stop();
        grid?.destroy();
        await session?.dispose();
        speaker = quality = devices = preview = grid = session = undefined;
      }),

    state: (): BeyondState => ({
      state: session?.state ?? 'none',
      participants: (session?.participants ?? []).map((p) => ({
        id: p.id,
        isLocal: p.isLocal,
        audioTrackId: p.audioTrack?.id,
        videoTrackId: p.videoTrack?.id,
        attributes: { ...p.attributes },
      })),
      tiles: [...root.querySelectorAll<HTMLElement>('[data-participant-id]')].map((el) => ({
        participantId: el.dataset['participantId'] ?? '',
        speaking: el.classList.contains('ivs-tile--speaking'),
        quality: el.dataset['networkQuality'],
        qualityBadge: el.querySelector('.ivs-tile__mark--quality')?.textContent ?? '',
      })),
      events: [...events],
    }),

    gumCalls: () => gumCalls,
    peerConnectionsCreated: () => observed().peerConnectionsCreated,
    liveTrackCount: () => observed().liveTracks.length,

    /** What the open peer connections send: one entry per sender with a track. */
    senders: () =>
      observed().openPeerConnections.flatMap((pc) =>
        pc.getSenders().flatMap((s) => (s.track ? [{ kind: s.track.kind, id: s.track.id, label: s.track.label, deviceId: s.track.getSettings().deviceId ?? '', readyState: s.track.readyState }] : [])),
      ),

    /** Inbound counters of a remote participant's tracks (by track identifier). */
    inbound: async (participantId: string) => {
      const p = session?.participants.find((x) => x.id === participantId);
      const ids = [p?.audioTrack?.id, p?.videoTrack?.id];
      const out = { audioPackets: 0, framesDecoded: 0 };
      for (const pc of observed().openPeerConnections) {
        (await pc.getStats()).forEach((s: Record<string, unknown>) => {
          if (s['type'] !== 'inbound-rtp' || !ids.includes(s['trackIdentifier'] as string)) return;
          if (s['kind'] === 'audio') out.audioPackets += (s['packetsReceived'] as number) ?? 0;
          else out.framesDecoded += (s['framesDecoded'] as number) ?? 0;
        });
      }
      return out;
    },

    // ---- devices ----
    listDevices: () =>
      run(async () => {
        devices ??= new DeviceManager({ ...(session ? { session } : {}), mediaDevices: pluggable as never });
        devices.on('deviceLost', (e) => record('deviceLost', { ...e }));
        devices.on('selectionChanged', (e) => record('selectionChanged', { ...e }));
        const list = await devices.refresh();
        return { audioInputs: list.audioInputs.map((d) => ({ id: d.deviceId, label: d.label })), videoInputs: list.videoInputs.map((d) => ({ id: d.deviceId, label: d.label })), audioOutputs: list.audioOutputs.map((d) => ({ id: d.deviceId, label: d.label })) };
      }),
    select: (kind: 'audioinput' | 'videoinput' | 'audiooutput', deviceId: string) => run(() => devices!.select(kind, deviceId)),
    attachOutput: () => run(() => void devices!.attachOutput(root)),
    sinkIds: () => [...root.querySelectorAll('audio')].map((a) => (a as HTMLAudioElement & { sinkId: string }).sinkId),
    /** Hides a device from enumeration and fires `devicechange`, as unplugging it would. */
    unplug: (deviceId: string) => {
      hiddenDevice = deviceId;
      target.dispatchEvent(new Event('devicechange'));
    },

    // ---- preview ----
    startPreview: (audioDeviceId?: string) =>
      run(async () => {
        preview = new MediaPreview(audioDeviceId ? { audio: { deviceId: { exact: audioDeviceId } } } : {});
        await preview.start();
        const video = document.createElement('video');
        video.id = 'beyond-preview';
        document.body.append(video);
        preview.attach(video);
        return { audioTrackId: preview.audioTrack?.id, videoTrackId: preview.videoTrack?.id };
      }),
    previewLevels: (ms: number) =>
      new Promise<number[]>((resolve) => {
        const levels: number[] = [];
        const off = preview!.on('level', ({ level }) => levels.push(level));
        setTimeout(() => (off(), resolve(levels)), ms);
      }),
    previewFrames: () => {
      const v = document.querySelector<HTMLVideoElement>('#beyond-preview');
      return { width: v?.videoWidth ?? 0, time: v?.currentTime ?? 0 };
    },

    // ---- active speaker ----
    startOnsetProbe: () =>
      run(() => {
        const track = session?.localParticipant?.audioTrack;
        if (!track) throw new Error('not publishing audio');
        const context = new AudioContext();
        const analyser = context.createAnalyser();
        analyser.fftSize = 2048;
        context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
        const buf = new Float32Array(analyser.fftSize);
        const onsets: number[] = [];
        let quietSince = now();
        let loud = false;
        const timer = setInterval(() => {
          analyser.getFloatTimeDomainData(buf);
          const at = now();
          let first = -1;
          let peak = 0;
          for (let i = 0; i < buf.length; i++) {
            const v = Math.abs(buf[i]!);
            if (v > peak) peak = v;
            if (first < 0 && v >= 0.3) first = i;
          }
          if (!loud && first >= 0 && at - quietSince > 250) onsets.push(at - ((buf.length - first) / context.sampleRate) * 1000);
          if (first >= 0) loud = true;
          else if (peak < 0.02) {
            if (loud) quietSince = at;
            loud = false;
          }
        }, 5);
        probe = { context, timer, onsets };
      }),
    onsets: () => probe?.onsets ?? [],

    // ---- network ----
    /** Stops (or resumes) sending RTP on every sender of this page, as a media path that dies would. */
    pauseSending: (paused: boolean) =>
      run(async () => {
        for (const pc of observed().openPeerConnections) {
          for (const sender of pc.getSenders()) {
            const params = sender.getParameters();
            params.encodings.forEach((e) => (e.active = !paused));
            await sender.setParameters(params);
          }
        }
      }),

    /** Caps the published video's frame rate (`null` lifts the cap): a sender too slow to keep up. */
    limitVideoFramerate: (fps: number | null) =>
      run(async () => {
        for (const pc of observed().openPeerConnections) {
          for (const sender of pc.getSenders()) {
            if (sender.track?.kind !== 'video') continue;
            const params = sender.getParameters();
            params.encodings.forEach((e) => {
              if (fps === null) delete e.maxFramerate;
              else e.maxFramerate = fps;
            });
            await sender.setParameters(params);
          }
        }
      }),

    // ---- screen share ----
    startShare: (token: string) =>
      run(async () => {
        share = new ScreenShare({
          owner: session!,
          tokenProvider: (request) => {
            shareRequest = request;
            return token;
          },
        });
        share.on('started', (e) => record('shareStarted', { ...e }));
        share.on('ended', ({ reason }) => record('shareEnded', { reason }));
        await share.start();
        return { participantId: share.participantId, request: shareRequest };
      }),
    stopShare: () => run(() => share?.stop()),
    /** What the browser's "Stop sharing" button does: the capture track ends. */
    pressBrowserStopSharing: () => {
      const track = share?.session?.localParticipant?.videoTrack;
      if (!track) return false;
      track.stop(); // stop() alone fires no event; the browser's button ends the track and fires `ended`.
      track.dispatchEvent(new Event('ended'));
      return true;
    },
    shareTrackState: () => share?.session?.localParticipant?.videoTrack?.readyState,

    clearEvents: () => {
      events.length = 0;
    },
  };
  return api;
}

/**
 * Installs `window.harnessBeyond`. A function (not module side effects): the package's
 * `sideEffects: false` lets the bundler drop side-effect-only modules of this folder.
 */
export function installBeyond(): void {
  window.harnessBeyond = createApi();
}

export type BeyondApi = ReturnType<typeof createApi>;

declare global {
  interface Window {
    harnessBeyond: BeyondApi;
  }
}

