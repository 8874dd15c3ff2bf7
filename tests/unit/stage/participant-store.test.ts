import { describe, expect, it } from 'vitest';
import { ParticipantStore, diffParticipants, participantFromInfo, toPublishState, toSubscribeState } from '../../../src/stage/participant-store';
import { fakeTrack, participantInfo, remoteStream } from '../../fakes/fake-stage';

describe('ParticipantStore', () => {
  it('converts driver infos: string attributes, capability flags, mute from the info', () => {
    const p = participantFromInfo(participantInfo({ id: 'a', userId: 'u', attributes: { n: 1, s: 'x' }, capabilities: ['subscribe'], audioMuted: true, videoStopped: true }));
    expect(p).toMatchObject({ id: 'a', userId: 'u', attributes: { n: '1', s: 'x' }, capabilities: { publish: false, subscribe: true }, audioMuted: true, videoMuted: true, streams: [] });
  });

  it('reports joined, then updated with the changes, then unchanged for the same data', () => {
    const store = new ParticipantStore();
    const info = participantInfo({ id: 'a' });
    expect(store.applyInfo(info).type).toBe('joined');
    const updated = store.setSubscribeState(info, 'attempting_subscribe');
    expect(updated).toMatchObject({ type: 'updated', changes: ['subscribeState'] });
    expect(store.setSubscribeState(info, 'attempting_subscribe').type).toBe('unchanged');
  });

  it('does not duplicate a stream reported twice and removes by track', () => {
    const store = new ParticipantStore();
    const info = participantInfo({ id: 'a' });
    const video = remoteStream('video');
    store.addStreams(info, [video]);
    const again = store.addStreams(info, [video]);
    expect(again.added).toEqual([]);
    expect(store.get('a')?.streams).toHaveLength(1);
    const { removed } = store.removeStreams(info, [{ ...video, id: 'other-id' }]);
    expect(removed).toHaveLength(1);
    expect(store.get('a')?.videoTrack).toBeUndefined();
  });

  it('ignores subtitle streams', () => {
    const store = new ParticipantStore();
    const { added } = store.addStreams(participantInfo({ id: 'a' }), [{ id: 's', streamType: 'subtitle', mediaStreamTrack: fakeTrack('video'), isMuted: false }]);
    expect(added).toEqual([]);
    expect(store.get('a')?.streams).toEqual([]);
  });

  it('lists the local participant first and caches the list until something changes', () => {
    const store = new ParticipantStore();
    store.applyInfo(participantInfo({ id: 'r1' }));
    store.applyInfo(participantInfo({ id: 'me', isLocal: true }));
    const list = store.list();
    expect(list.map((p) => p.id)).toEqual(['me', 'r1']);
    expect(store.list()).toBe(list);
    store.remove('r1');
    expect(store.list()).not.toBe(list);
    expect(store.clear().map((p) => p.id)).toEqual(['me']);
    expect(store.size).toBe(0);
  });

  it('diffParticipants names every kind of change', () => {
    const a = participantFromInfo(participantInfo({ id: 'a' }));
    const b = { ...a, attributes: { x: '1' }, capabilities: { publish: false, subscribe: true }, publishState: 'published' as const, subscribeState: 'subscribed' as const, audioMuted: true };
    expect(diffParticipants(a, b)).toEqual(['attributes', 'capabilities', 'publishState', 'subscribeState', 'mute']);
    expect(diffParticipants(a, { ...a })).toEqual([]);
  });

  it('maps driver publish/subscribe states', () => {
    expect(['not_published', 'attempting_publish', 'published', 'errored'].map(toPublishState)).toEqual(['not-published', 'attempting', 'published', 'errored']);
    expect(['not_subscribed', 'attempting_subscribe', 'subscribed', 'errored'].map(toSubscribeState)).toEqual(['not-subscribed', 'attempting', 'subscribed', 'errored']);
  });
});
