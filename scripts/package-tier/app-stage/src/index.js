/* global window, document */
// A stage-only app: aws-ivs-realtime + amazon-ivs-web-broadcast, no chat SDK installed.
// The package tier bundles it with each bundler and drives it in Chromium (browser.mjs).
import { StageSession, StageGrid, HttpControlPlane, isIvsRealtimeError } from 'aws-ivs-realtime/stage';

const controlPlane = new HttpControlPlane({ baseUrl: '/api', region: 'us-east-1' });

/** Joins as a host (camera + microphone published) with `token`; reports how join() ended. */
async function joinAsHost(token) {
  const session = new StageSession({ strategy: 'host' });
  const grid = new StageGrid(document.getElementById('stage'), session);
  try {
    await session.join({ token, publish: true });
    return { joined: true };
  } catch (error) {
    const cause = error && error.cause;
    return {
      joined: false,
      name: error && error.name,
      code: error && error.code,
      category: error && error.category,
      message: String(error && error.message),
      typeError: error instanceof TypeError,
      sdkError: isIvsRealtimeError(error),
      cause: cause ? `${cause.name ?? ''}: ${cause.message ?? String(cause)}` : null,
    };
  } finally {
    grid.destroy();
    session.dispose();
  }
}

window.app = { ready: true, controlPlane: typeof controlPlane.getStage === 'function', joinAsHost };
