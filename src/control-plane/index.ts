/**
 * Browser-safe control-plane exports (no AWS SDK, no Node modules), for the main entry.
 * `SigV4ControlPlane` lives in `aws-ivs-realtime/sigv4`, the server handler in `aws-ivs-realtime/server`.
 */
export { HttpControlPlane } from './http-control-plane';
export type { HttpControlPlaneHeaders, HttpControlPlaneOptions } from './http-control-plane';
export { listLiveStages } from './live-stages';
export type { ListLiveStagesOptions } from './live-stages';
export { CHAT_CAPABILITIES, LIMITS as CONTROL_PLANE_LIMITS, PARTICIPANT_CAPABILITIES } from './limits';
export type { ControlPlaneOperation, RestErrorBody } from './rest-contract';
export type {
  CallOptions,
  ChatCapability,
  ChatRoomSummary,
  ChatTokenResult,
  ControlPlane,
  CreateChatRoomInput,
  CreateStageInput,
  DisconnectParticipantInput,
  MintChatTokenInput,
  MintParticipantTokenInput,
  ParticipantCapability,
  ParticipantTokenResult,
  StageDetails,
  StageEndpoints,
  StageSummary,
} from './types';
