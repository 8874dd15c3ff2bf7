// A consumer of the published types. Compiled under several moduleResolution settings with
// skipLibCheck (the common template): every import must resolve to real types, not `any`.
import { StageSession, ChatSession, HttpControlPlane, isIvsRealtimeError, type StageSessionState, type IvsRealtimeErrorOptions } from 'aws-ivs-realtime';
import { StageSession as StageOnlySession, StageGrid, type Participant } from 'aws-ivs-realtime/stage';
import { ChatSession as ChatOnlySession, type ChatMessage } from 'aws-ivs-realtime/chat';

/** `true` when T is `any` (what an unresolved import silently becomes under skipLibCheck). */
type IsAny<T> = 0 extends 1 & T ? true : false;

const session = new StageSession({ strategy: 'host' });
const state: StageSessionState = session.state;
const sameClass: StageOnlySession = session;
const chat: ChatOnlySession = new ChatSession();
const controlPlane = new HttpControlPlane({ baseUrl: '/api', region: 'us-east-1' });
const options: IvsRealtimeErrorOptions = { cause: new Error('x') };

export const notAny: [IsAny<typeof session>, IsAny<typeof StageGrid>, IsAny<typeof chat>, IsAny<typeof controlPlane>, IsAny<Participant>, IsAny<ChatMessage>] = [false, false, false, false, false, false];
export const checks = { state, sameClass, options, isError: (e: unknown) => isIvsRealtimeError(e, 'STAGE_JOIN_FAILED') && e.category === 'join' };
