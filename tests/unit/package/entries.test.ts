/**
 * The stage-only and chat-only entries (`aws-ivs-realtime/stage`, `/chat`) against `.`: together
 * they export every value `.` exports, the same objects, and each leaves out the other peer's
 * session class. (That their chunk graphs never reach the other peer SDK is checked on the build by
 * scripts/check-exports.mjs, and with real bundlers by the package tier.)
 */
import { describe, expect, it } from 'vitest';
import * as all from '../../../src/index';
import * as stage from '../../../src/entries/stage';
import * as chat from '../../../src/entries/chat';

describe('subpath entries', () => {
  it('export, between them, every value of "." — the same objects', () => {
    const missing = Object.keys(all).filter((name) => !(name in stage) && !(name in chat));
    expect(missing).toEqual([]);
    for (const [name, value] of [...Object.entries(stage), ...Object.entries(chat)]) {
      expect(value, name).toBe((all as Record<string, unknown>)[name]);
    }
  });

  it('/stage has everything but chat; /chat has ChatSession, HttpControlPlane and the errors but no stage', () => {
    expect(Object.keys(all).filter((name) => !(name in stage)).sort()).toEqual(['ChatSession', 'DEFAULT_RECONNECT_POLICY', 'MAX_MESSAGE_LENGTH']);
    expect(chat).toHaveProperty('ChatSession');
    expect(chat).toHaveProperty('HttpControlPlane');
    expect(chat).toHaveProperty('ControlPlaneError');
    expect(chat).toHaveProperty('isIvsRealtimeError');
    for (const name of ['StageSession', 'StageGrid', 'MediaPreview', 'defaultStageFactory']) expect(chat).not.toHaveProperty(name);
  });
});
