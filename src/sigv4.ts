/**
 * `aws-ivs-realtime/sigv4`: a control plane that signs AWS calls where it runs (AWS SDK v3).
 * On a server, the backing for `createControlPlaneHandler`; in a browser, development only.
 *
 * It needs the AWS SDK clients, optional peer dependencies of this package:
 * `npm install @aws-sdk/client-ivs-realtime @aws-sdk/client-ivschat`. The implementation is loaded
 * when this entry is imported; without them the import fails with an error saying so (instead of
 * Node's bare "Cannot find package").
 */
import type * as Implementation from './control-plane/sigv4-control-plane';

/** The install command named when the AWS SDK clients are missing. */
const INSTALL = 'npm install @aws-sdk/client-ivs-realtime @aws-sdk/client-ivschat';

const implementation: typeof Implementation = await import('./control-plane/sigv4-control-plane').catch((error: unknown) => {
  const text = error instanceof Error ? `${(error as { code?: unknown }).code ?? ''} ${error.message}` : String(error);
  if (/@aws-sdk\/client-ivs(realtime|-realtime|chat)/.test(text) && /not found|Cannot find|Failed to resolve|MODULE_NOT_FOUND/i.test(text)) {
    throw new Error(
      `aws-ivs-realtime/sigv4 needs the AWS SDK clients, which are optional peer dependencies and are not installed. Run: ${INSTALL}`,
      { cause: error },
    );
  }
  throw error;
});

/** {@link Implementation.SigV4ControlPlane}: the control plane over AWS SDK v3 clients. */
export const SigV4ControlPlane = implementation.SigV4ControlPlane;
/** An instance of {@link SigV4ControlPlane}. */
export type SigV4ControlPlane = Implementation.SigV4ControlPlane;
export type { AwsCredentials, AwsCredentialsOption, SigV4ControlPlaneOptions, SigV4Logger } from './control-plane/sigv4-control-plane';
export type { Logger } from './core/logger';
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
