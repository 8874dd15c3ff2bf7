/** What the real-SDK page (page.ts) reports to ivs-sdk.spec.ts. Types only. */

export interface PageError {
  name: string;
  message: string;
  code: string | undefined;
  category: string | undefined;
  isIvsRealtimeError: boolean;
  isStageError: boolean;
  isAbortedError: boolean;
  isInvalidStateError: boolean;
  isTypeError: boolean;
  causeName: string | undefined;
  causeCode: number | string | undefined;
}

/** One stream the session's strategy hands the SDK to publish. */
export interface PublishedStream {
  kind: string;
  isSdkLocalStageStream: boolean;
  maxVideoBitrateKbps: number | undefined;
  maxFramerate: number | undefined;
  simulcast: boolean | undefined;
  /** `mediaConfig.simulcast.layers` of the real LocalStageStream (the SDK's public field). */
  layers: Array<{ width: number; height: number; maxBitrateKbps: number; maxFramerate: number }> | undefined;
  /** Whether each layer is the object of the SDK's `SimulcastLayerPresets` of its height (a copy of it). */
  layerIsSdkPreset: boolean[];
  /** `mediaConfig.inBandMessaging.enabled`. */
  inBandMessaging: boolean | undefined;
  trackState: string;
}

/** What the strategy the session handed the stage answers for a remote participant. */
export interface StrategyAnswers {
  subscribeConfiguration: unknown;
  shouldSubscribeToParticipant: unknown;
}

export interface IvsSdkRunOptions {
  token: string;
  publish: boolean;
  /** Call `leave()` while the join is still trying. */
  leaveWhileJoining: boolean;
}

export interface IvsSdkRun {
  /** How `join()` rejected (undefined: it resolved). */
  joinError: PageError | undefined;
  /** From `join()` to its settlement. */
  joinMs: number;
  /** From `leave()` to the join's settlement (`leaveWhileJoining`). */
  leaveToSettledMs: number | undefined;
  exchangeWhileJoining: PageError | undefined;
  exchangeAfterwards: PageError | undefined;
  streams: PublishedStream[];
  strategyAnswers: StrategyAnswers;
  /** `sendInBandMessage()` while the join is still trying. */
  inBandWhileJoining: PageError | undefined;
  events: Array<{ type: string; detail: string }>;
  state: string;
  leftReason: string | undefined;
  capturedTracks: Array<{ kind: string; readyState: string }>;
  unhandled: string[];
}

export interface IvsSdkPageApi {
  run(options: IvsSdkRunOptions): Promise<IvsSdkRun>;
}
