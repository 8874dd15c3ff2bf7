// The demo imports the SDK by its package names, as an app does. Vite maps them to the sources
// (demo/vite.config.ts) and so does demo/tsconfig.json (`npx tsc -p demo`). This file gives the
// repository-wide `tsc -p .` the same types until the root tsconfig maps the names (`paths`).
declare module 'aws-ivs-realtime' {
  type Sdk = typeof import('./sdk-interim');
  export type ControlPlane = import('./sdk-interim').ControlPlane;
  export type StageSummary = import('./sdk-interim').StageSummary;
  export type ChatCapability = import('./sdk-interim').ChatCapability;
  export type ChatMessage = import('./sdk-interim').ChatMessage;
  export type ChatStopReason = import('./sdk-interim').ChatStopReason;
  export type LeftReason = import('./sdk-interim').LeftReason;
  export type Participant = import('./sdk-interim').Participant;
  export type StageSessionState = import('./sdk-interim').StageSessionState;
  export const HttpControlPlane: Sdk['HttpControlPlane'];
  export type HttpControlPlane = import('./sdk-interim').HttpControlPlane;
  export const ChatSession: Sdk['ChatSession'];
  export type ChatSession = import('./sdk-interim').ChatSession;
  export const StageSession: Sdk['StageSession'];
  export type StageSession = import('./sdk-interim').StageSession;
  export const StageGrid: Sdk['StageGrid'];
  export type StageGrid = import('./sdk-interim').StageGrid;
  export const MediaDeviceError: Sdk['MediaDeviceError'];
  export type MediaDeviceError = import('./sdk-interim').MediaDeviceError;
  export const ControlPlaneError: Sdk['ControlPlaneError'];
  export type ControlPlaneError = import('./sdk-interim').ControlPlaneError;
  export const listMediaDevices: Sdk['listMediaDevices'];
}

declare module 'aws-ivs-realtime/sigv4' {
  export const SigV4ControlPlane: typeof import('../../src/sigv4').SigV4ControlPlane;
  export type SigV4ControlPlane = import('../../src/sigv4').SigV4ControlPlane;
}
