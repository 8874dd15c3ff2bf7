// The demo imports the SDK by its package names, as an app does. Vite maps them to the sources
// (demo/vite.config.ts) and so does demo/tsconfig.json (`npx tsc -p demo`). This file gives the
// repository-wide `tsc -p .` the same types until the root tsconfig maps the names (`paths`).
/* eslint-disable @typescript-eslint/consistent-type-imports -- an ambient module cannot `import` a relative path */
declare module 'aws-ivs-realtime' {
  type Sdk = typeof import('../../src/index');
  export type ControlPlane = import('../../src/index').ControlPlane;
  export type StageSummary = import('../../src/index').StageSummary;
  export type ChatCapability = import('../../src/index').ChatCapability;
  export type ChatMessage = import('../../src/index').ChatMessage;
  export type ChatStopReason = import('../../src/index').ChatStopReason;
  export type LeftReason = import('../../src/index').LeftReason;
  export type Participant = import('../../src/index').Participant;
  export type StageSessionState = import('../../src/index').StageSessionState;
  export const HttpControlPlane: Sdk['HttpControlPlane'];
  export type HttpControlPlane = import('../../src/index').HttpControlPlane;
  export const ChatSession: Sdk['ChatSession'];
  export type ChatSession = import('../../src/index').ChatSession;
  export const StageSession: Sdk['StageSession'];
  export type StageSession = import('../../src/index').StageSession;
  export const StageGrid: Sdk['StageGrid'];
  export type StageGrid = import('../../src/index').StageGrid;
  export const MediaDeviceError: Sdk['MediaDeviceError'];
  export type MediaDeviceError = import('../../src/index').MediaDeviceError;
  export const ControlPlaneError: Sdk['ControlPlaneError'];
  export type ControlPlaneError = import('../../src/index').ControlPlaneError;
  export const listMediaDevices: Sdk['listMediaDevices'];
}

declare module 'aws-ivs-realtime/sigv4' {
  export const SigV4ControlPlane: typeof import('../../src/sigv4').SigV4ControlPlane;
  export type SigV4ControlPlane = import('../../src/sigv4').SigV4ControlPlane;
}
