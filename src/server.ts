/**
 * `aws-ivs-realtime/server`: serve the `HttpControlPlane` REST contract from your backend.
 *
 * @example
 * ```ts
 * import http from 'node:http';
 * import { createControlPlaneHandler, toNodeListener } from 'aws-ivs-realtime/server';
 * import { SigV4ControlPlane } from 'aws-ivs-realtime/sigv4';
 *
 * const handler = createControlPlaneHandler({
 *   controlPlane: new SigV4ControlPlane({ region: 'us-east-1' }),
 *   basePath: '/api/ivs',
 *   authorize: ({ operation }) => operation === 'mintParticipantToken' ? { capabilities: ['SUBSCRIBE'] } : false,
 * });
 * http.createServer(toNodeListener(handler)).listen(3000);
 * ```
 */
export { createControlPlaneHandler } from './server/handler';
export type {
  Authorize,
  AuthorizeContext,
  AuthorizeResult,
  ControlPlaneHandler,
  ControlPlaneHandlerErrorEvent,
  ControlPlaneHandlerOptions,
  ControlPlaneOperation,
  OperationInputs,
} from './server/handler';
export { toNodeListener } from './server/node';
export type { FetchHandler, NodeListener, NodeListenerOptions } from './server/node';
export type { RestErrorBody } from './control-plane/rest-contract';
// The ControlPlane interface and the types of its operations, which the signatures above use.
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
} from './control-plane/types';
