/** ivs-local's chat messaging WebSocket. */
export { createChatModule, MAX_MESSAGE_ATTRIBUTES_BYTES } from './chat-module';
export type { ChatModule, ChatModuleOptions } from './chat-module';
export { ROOM_DELETED_EVENT } from './frames';
