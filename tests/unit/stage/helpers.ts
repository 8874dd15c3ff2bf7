import { StageSession, type StageSessionOptions } from '../../../src/stage/stage-session';
import type { StageSessionEvents } from '../../../src/stage/types';
import { FakeMediaDevices, FakeStageDriver } from '../../fakes/fake-stage';

export type RecordedEvent = { [K in keyof StageSessionEvents & string]: { type: K; payload: StageSessionEvents[K] } }[keyof StageSessionEvents & string];

const EVENT_NAMES = [
  'stateChanged',
  'participantJoined',
  'participantLeft',
  'participantUpdated',
  'streamsChanged',
  'muteChanged',
  'subscriberCountChanged',
  'layersChanged',
  'inBandMessage',
  'subtitleCue',
  'publishingChanged',
  'error',
  'left',
] as const;

/** Records every event a session emits, in order. */
export function recordEvents(session: StageSession): {
  all: RecordedEvent[];
  of<K extends (typeof EVENT_NAMES)[number]>(type: K): StageSessionEvents[K][];
} {
  const all: RecordedEvent[] = [];
  for (const type of EVENT_NAMES) session.on(type, (payload) => all.push({ type, payload } as RecordedEvent));
  return {
    all,
    of: (type) => all.filter((e) => e.type === type).map((e) => e.payload) as never,
  };
}

/** A session wired to a fake driver and fake media devices. */
export function setup(options: Omit<StageSessionOptions, 'stageFactory' | 'mediaDevices'> & { autoConnect?: boolean } = {}) {
  const driver = new FakeStageDriver({ autoConnect: options.autoConnect ?? false });
  const devices = new FakeMediaDevices();
  let factoryCalls = 0;
  const listenerErrors: unknown[] = [];
  const session = new StageSession({
    onListenerError: (error) => listenerErrors.push(error),
    ...options,
    stageFactory: () => {
      factoryCalls++;
      return driver;
    },
    mediaDevices: devices,
  });
  const events = recordEvents(session);
  return {
    session,
    driver,
    devices,
    events,
    listenerErrors,
    get factoryCalls() {
      return factoryCalls;
    },
  };
}

/** Lets pending promise callbacks run. */
export async function flush(): Promise<void> {
  // StageSession loads its connection engine on the first join (dynamic import, like the driver):
  // let that load finish before counting microtasks.
  await import('../../../src/stage/stage-connection');
  for (let i = 0; i < 5; i++) await Promise.resolve();
  await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Joins and completes the connection on the fake stage. */
export async function joinConnected(ctx: ReturnType<typeof setup>, join: Parameters<StageSession['join']>[0]): Promise<void> {
  const joining = ctx.session.join(join);
  await flush();
  ctx.driver.stage.connect();
  await joining;
}
