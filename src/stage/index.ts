/**
 * Stage sessions: join an IVS Real-Time stage (or an ivs-local one), publish, subscribe through a
 * strategy, and follow participants through typed events.
 */
export { StageSession } from './stage-session';
export type { StageSessionOptions, JoinOptions } from './stage-session';
export type { PublishMediaOptions, PublishConfig } from './local-media';
export type { SessionStrategy, StrategyOption, SubscribeDecision } from './strategies';
export { defaultStageFactory } from './default-factory';
export { loadIvsDriver, ivsStageFactory, type IvsStageFactoryOptions } from './ivs-driver';
export type {
  LeftReason,
  Participant,
  ParticipantChange,
  ParticipantStream,
  PublishState,
  StageSessionEvents,
  StageSessionState,
  SubscribeState,
} from './types';
export type {
  StageDriver,
  StageFactory,
  DriverStage,
  DriverStrategy,
  DriverLocalStream,
  DriverStream,
  DriverStreamConfig,
  DriverParticipantInfo,
  DriverStageError,
  DriverStageEventMap,
} from './driver';
// Deliberately not exported: ParticipantStore, LocalMedia, reasons.ts mappers, resolveStrategy,
// createIvsDriver (implementation details, tested directly under tests/unit/stage).
