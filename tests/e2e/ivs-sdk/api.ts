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
  trackState: string;
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
  events: Array<{ type: string; detail: string }>;
  state: string;
  leftReason: string | undefined;
  capturedTracks: Array<{ kind: string; readyState: string }>;
  unhandled: string[];
}

export interface IvsSdkPageApi {
  run(options: IvsSdkRunOptions): Promise<IvsSdkRun>;
}
