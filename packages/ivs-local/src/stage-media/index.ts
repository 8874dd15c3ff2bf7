/**
 * ivs-local's stage media module: the events WebSocket (`/stage/<stageId>/events`), WHIP publish
 * (`POST /stage/<stageId>/whip`) and WHEP subscribe (`POST /stage/<stageId>/whep/<participantId>`),
 * forwarding RTP between participants without transcoding (werift). Protocol:
 * `docs/local-stage-protocol.md`.
 */
import type { LocalHub, LocalModule, LocalModuleFactory } from '../hub';
import { StageMediaServer, type StageMediaOptions } from './server';

export type { StageMediaOptions } from './server';
export { StageMediaServer } from './server';

/**
 * Creates the stage media module to mount on ivs-local's HTTP server.
 *
 * @example
 * ```ts
 * const modules = [createControlPlaneModule(hub), createStageMediaModule(hub)];
 * ```
 */
export function createStageMediaModule(hub: LocalHub, options: StageMediaOptions = {}): LocalModule {
  const server = new StageMediaServer(hub, options);
  return {
    handleRequest: (req, res, url) => server.handleRequest(req, res, url),
    handleUpgrade: (req, socket, head, url) => server.handleUpgrade(req, socket, head, url),
    close: () => server.close(),
  };
}

/** The stage media module as a {@link LocalModuleFactory} (what `default-modules.ts` lists). */
export const stageMediaModule: LocalModuleFactory = (context) => createStageMediaModule(context.hub);
