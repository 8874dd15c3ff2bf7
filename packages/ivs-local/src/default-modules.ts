/**
 * The data-plane modules ivs-local mounts by default, in order (each request or upgrade goes to the
 * first module that claims it): the stage media server (`/stage/`) and the chat socket (`/chat`).
 */
import { createChatModule } from './chat';
import type { LocalModuleFactory } from './hub';
import { stageMediaModule } from './stage-media';

export const defaultModules: LocalModuleFactory[] = [stageMediaModule, (c) => createChatModule(c.hub)];
