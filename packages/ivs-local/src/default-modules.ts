/**
 * The data-plane modules ivs-local mounts by default, in order (each request or upgrade goes to the
 * first module that claims it): the stage media server (`/stage/`) and the chat socket (`/chat`).
 */
import { createChatModule, type ChatModuleOptions } from './chat';
import type { LocalModuleFactory } from './hub';
import { createStageMediaModule, type StageMediaOptions } from './stage-media';

/** The default modules, each with its options from `startLocalIvs({ chat, stageMedia })`. */
export function defaultModules(options: { chat?: ChatModuleOptions; stageMedia?: StageMediaOptions } = {}): LocalModuleFactory[] {
  return [(c) => createStageMediaModule(c.hub, options.stageMedia), (c) => createChatModule(c.hub, options.chat)];
}
