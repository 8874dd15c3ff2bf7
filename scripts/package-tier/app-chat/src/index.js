/* global window */
// A chat-only app: aws-ivs-realtime + amazon-ivs-chat-messaging, no stage SDK installed.
import { ChatSession, HttpControlPlane, isIvsRealtimeError } from 'aws-ivs-realtime/chat';

const controlPlane = new HttpControlPlane({ baseUrl: '/api', region: 'us-east-1' });
const chat = new ChatSession();

window.app = {
  ready: true,
  chatState: chat.state,
  controlPlane: typeof controlPlane.mintChatToken === 'function',
  guard: isIvsRealtimeError(new Error('plain')) === false,
};
