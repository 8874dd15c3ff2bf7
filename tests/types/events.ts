/**
 * Type test of the public event maps, compiled by the typecheck step (`tsc -p tsconfig.json`) and
 * never run. Each `@ts-expect-error` line must fail to compile: a misspelt event name, or a listener
 * reading a field its payload lacks. If an event map regains an index signature (or a payload a
 * field it should not have), the directive becomes unused and the typecheck fails.
 */
import type {
  ActiveSpeakerDetector,
  ChatSession,
  DeviceManager,
  MediaPreview,
  NetworkQualityMonitor,
  ScreenShare,
  StageGrid,
  StageSession,
} from 'aws-ivs-realtime';

declare const session: StageSession;
declare const grid: StageGrid;
declare const chat: ChatSession;
declare const speakers: ActiveSpeakerDetector;
declare const quality: NetworkQualityMonitor;
declare const devices: DeviceManager;
declare const preview: MediaPreview;
declare const screen: ScreenShare;

const use = (...values: unknown[]): void => void values;

// StageSession
session.on('participantJoined', ({ participant }) => use(participant.id));
// @ts-expect-error misspelt event name
session.on('partcipantJoined', () => {});
// @ts-expect-error `participantLeft` carries `participant`, not `participantId`
session.on('participantLeft', ({ participantId }) => use(participantId));
// The add-on events are declared once, with the detector's and the monitor's payloads.
session.on('speakersChanged', ({ speakers: ids, audioLevels }) => use(ids[0], audioLevels['p']));
// @ts-expect-error the payload has `audioLevels`, not `levels` (the shape StageGrid once read)
session.on('speakersChanged', ({ levels }) => use(levels));
session.on('qualityChanged', ({ participantId, quality: q, previous, stats }) => use(participantId, q, previous, stats.jitterMs));
// @ts-expect-error misspelt event name
session.once('qualtyChanged', () => {});
// @ts-expect-error misspelt event name
session.off('lef', () => {});

// StageGrid
grid.on('tileAdded', ({ participant, element }) => use(participant, element));
// @ts-expect-error misspelt event name
grid.on('tileAded', () => {});
// @ts-expect-error `pageChanged` has no `total`
grid.on('pageChanged', ({ total }) => use(total));

// ChatSession
chat.on('message', ({ content, sender }) => use(content, sender.userId));
// @ts-expect-error misspelt event name
chat.on('mesage', () => {});
// @ts-expect-error `disconnected` has `reason` and `error`, not `code`
chat.on('disconnected', ({ code }) => use(code));

// ActiveSpeakerDetector
speakers.on('speakersChanged', ({ speakers: ids, audioLevels }) => use(ids, audioLevels));
// @ts-expect-error misspelt event name
speakers.on('speakerChanged', () => {});
// @ts-expect-error the payload has `audioLevels`, not `levels`
speakers.on('speakersChanged', ({ levels }) => use(levels));

// NetworkQualityMonitor
quality.on('qualityChanged', ({ quality: q }) => use(q));
// @ts-expect-error misspelt event name
quality.on('qualityChange', () => {});
// @ts-expect-error `qualityChanged` has no `score`
quality.on('qualityChanged', ({ score }) => use(score));

// DeviceManager
devices.on('deviceLost', ({ kind, fallbackDeviceId }) => use(kind, fallbackDeviceId));
// @ts-expect-error misspelt event name
devices.on('devicesChange', () => {});
// @ts-expect-error `selectionChanged` has `deviceId`, not `device`
devices.on('selectionChanged', ({ device }) => use(device));

// MediaPreview
preview.on('level', ({ level }) => use(level));
// @ts-expect-error misspelt event name
preview.on('levels', () => {});
// @ts-expect-error `tracksChanged` has no `stream`
preview.on('tracksChanged', ({ stream }) => use(stream));

// ScreenShare
screen.on('ended', ({ reason }) => use(reason));
// @ts-expect-error misspelt event name
screen.on('stoped', () => {});
// @ts-expect-error `started` has `participantId`, not `participant`
screen.on('started', ({ participant }) => use(participant));
