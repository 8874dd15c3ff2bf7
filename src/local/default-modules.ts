/**
 * The data-plane modules ivs-local mounts by default, in order (each request or upgrade goes to the
 * first module that claims it). The chat socket (`/chat`) and the stage media server (`/stage/`)
 * add their factories here.
 */
import type { LocalModuleFactory } from './hub';

export const defaultModules: LocalModuleFactory[] = [
  (c) => import('./stage-media').then((m) => m.stageMediaModule(c)),
  (c) => import('./chat').then((m) => m.createChatModule(c.hub)),
];
