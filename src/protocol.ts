/**
 * `aws-ivs-realtime/protocol`: what the SDK shares with the `ivs-local` emulator package — the
 * local stage's wire protocol (the JSON frames of its events socket, its HTTP error bodies and
 * close codes; see docs/local-stage-protocol.md), the `TypedEmitter` both sides build on, and the
 * IVS limits and wire constants of `core/ivs-limits.ts` (one source of IVS facts).
 *
 * Apps do not need this entry; it exists so that the browser driver and the emulator speak one
 * protocol definition.
 */
export * from './local-stage/protocol';
export { TypedEmitter } from './core/emitter';
/** The IVS facts (API and stage limits, CreateRoom defaults, region names) and wire constants both packages use. */
export { IVS_LIMITS, IVS_STAGE_LIMITS, IVS_CHAT_ROOM_DEFAULTS, AWS_REGION_PATTERN, ROOM_DELETED_EVENT } from './core/ivs-limits';
export { codePointLength } from './core/checks';
export type { EventMap, Listener } from './core/emitter';
