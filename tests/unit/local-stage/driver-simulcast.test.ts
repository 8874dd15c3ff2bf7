import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors';
import { LocalStageStream } from '../../../src/local-stage';
import { base64ToArrayBuffer, bytesToBase64, checkedSubtitleCue, hexToArrayBuffer, InBandRateLimit, seiMessageOf } from '../../../src/local-stage/in-band';
import { LOCAL_IN_BAND_UUID } from '../../../src/local-stage/protocol';
import { layerStateOf, preferenceOf } from '../../../src/local-stage/remote-layers';
import { LOCAL_SIMULCAST_PRESETS, resolveSimulcastLayers, simulcastEncodings, withRidRestrictions } from '../../../src/local-stage/simulcast';
import { jitterBufferTargetOf, whepUrlWithLayer } from '../../../src/local-stage/subscribe-config';
import { FakeTrack } from './fakes';

const track = (width?: number, height?: number) => new FakeTrack('video', width && height ? { width, height } : {}) as unknown as MediaStreamTrack;

describe('simulcast encodings', () => {
  it('default layers: 1/4, 1/2 and the full track, rids low/mid/high, lowest first', () => {
    const encodings = simulcastEncodings(track(1280, 720), { simulcast: { enabled: true } })!;
    expect(encodings.map((e) => [e.rid, e.encoding.scaleResolutionDownBy, e.width, e.height, e.encoding.maxBitrate, e.encoding.maxFramerate])).toEqual([
      ['low', 4, 320, 180, 250_000, 30],
      ['mid', 2, 640, 360, 700_000, 30],
      ['high', 1, 1280, 720, 2_500_000, 30],
    ]);
    expect(encodings.map((e) => e.encoding.rid)).toEqual(['low', 'mid', 'high']);
  });

  it('presets in any order are sorted lowest first and scaled from the track settings', () => {
    const encodings = simulcastEncodings(track(640, 480), { simulcast: { enabled: true, layers: ['360p', '180p'] } })!;
    // Two layers: rids low/high. 640x480 into 320x180: limited by the height (480/180).
    expect(encodings.map((e) => e.rid)).toEqual(['low', 'high']);
    expect(encodings[0]!.encoding.scaleResolutionDownBy).toBeCloseTo(480 / 180);
    expect(encodings[1]!.encoding.scaleResolutionDownBy).toBeCloseTo(480 / 360);
    expect(encodings.map((e) => e.encoding.maxBitrate)).toEqual([250_000, 700_000]);
  });

  it('never scales up: a layer larger than the track sends the track as is', () => {
    const encodings = simulcastEncodings(track(640, 360), { simulcast: { enabled: true, layers: ['180p', '720p'] } })!;
    expect(encodings.map((e) => e.encoding.scaleResolutionDownBy)).toEqual([2, 1]);
    expect(encodings.map((e) => [e.width, e.height])).toEqual([
      [320, 180],
      [640, 360],
    ]);
  });

  it('without track settings, scales relative to the top layer', () => {
    const encodings = simulcastEncodings(track(), { simulcast: { enabled: true, layers: [{ width: 960, height: 540, maxBitrateKbps: 1200, maxFramerate: 24 }, '270p'] } })!;
    expect(encodings.map((e) => [e.rid, e.encoding.scaleResolutionDownBy, e.width, e.height, e.maxFramerate])).toEqual([
      ['low', 2, 480, 270, 30],
      ['high', 1, 960, 540, 24],
    ]);
  });

  it('no simulcast, or a single layer: a plain encoding', () => {
    expect(simulcastEncodings(track(1280, 720), undefined)).toBeUndefined();
    expect(simulcastEncodings(track(1280, 720), { simulcast: { enabled: false, layers: ['720p', '180p'] } })).toBeUndefined();
    expect(simulcastEncodings(track(1280, 720), { simulcast: { enabled: true, layers: ['360p'] } })).toBeUndefined();
  });

  it('rejects bad layer lists with a ValidationError naming the entry, at LocalStageStream construction', () => {
    const make = (layers: unknown) => new LocalStageStream(track(1280, 720), { simulcast: { enabled: true, layers: layers as never } });
    expect(() => make(['720p', '360p', '180p', '160p'])).toThrow(/1 to 3 layers, got 4/);
    expect(() => make([])).toThrow(ValidationError);
    expect(() => make(['1080p'])).toThrow(/Unknown simulcast preset "1080p"/);
    expect(() => make(['toString'])).toThrow(/Unknown simulcast preset/);
    expect(() => make([{ width: 640, height: 0, maxBitrateKbps: 500, maxFramerate: 30 }])).toThrow(/simulcast\.layers\[0\]\.height|height is 0/);
    expect(() => make('720p')).toThrow(/must be an array/);
    // Audio ignores video settings; a good list is accepted.
    expect(() => new LocalStageStream(new FakeTrack('audio') as unknown as MediaStreamTrack, { simulcast: { enabled: true, layers: [] } })).not.toThrow();
    expect(make(['720p', '180p']).config?.simulcast?.layers).toEqual(['720p', '180p']);
  });

  it('resolves every preset of the table', () => {
    const layers = resolveSimulcastLayers({ enabled: true, layers: ['720p', '160p', '540p'] })!;
    expect(layers).toEqual([LOCAL_SIMULCAST_PRESETS['160p'], LOCAL_SIMULCAST_PRESETS['540p'], LOCAL_SIMULCAST_PRESETS['720p']]);
    expect(LOCAL_SIMULCAST_PRESETS['480p']).toEqual({ width: 854, height: 480, maxBitrateKbps: 1000, maxFramerate: 30 });
  });
});

describe('RFC 8851 restrictions in the offer', () => {
  const offer = [
    'v=0',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'a=rid:low send',
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
    'a=mid:1',
    'a=rid:low send',
    'a=rid:mid send',
    'a=rid:high send max-width=9',
    'a=simulcast:send low;mid;high',
    '',
  ].join('\r\n');

  it('adds max-width/max-height/max-br/max-fps to the video section rid lines only', () => {
    const encodings = simulcastEncodings(track(1280, 720), { simulcast: { enabled: true } })!;
    const munged = withRidRestrictions(offer, encodings).split('\r\n');
    expect(munged).toContain('a=rid:low send max-width=320;max-height=180;max-br=250000;max-fps=30');
    expect(munged).toContain('a=rid:mid send max-width=640;max-height=360;max-br=700000;max-fps=30');
    // Left alone: an existing restriction, and the audio section.
    expect(munged).toContain('a=rid:high send max-width=9');
    expect(munged[2]).toBe('a=rid:low send');
    expect(munged).toContain('a=simulcast:send low;mid;high');
  });
});

describe('subscribe configuration', () => {
  it('jitter buffer table: default → null, low 50, medium 200, high 500, ms as is within 0–4000', () => {
    expect([undefined, 'default', 'low', 'medium', 'high', 120, -5, 9000, Number.NaN].map((v) => jitterBufferTargetOf(v as never))).toEqual([
      null,
      null,
      50,
      200,
      500,
      120,
      0,
      4000,
      null,
    ]);
  });

  it('initial layer preference → ?layer=', () => {
    const url = 'http://127.0.0.1:4000/stage/s/whep/p1';
    expect(whepUrlWithLayer(url, undefined)).toBe(url);
    expect(whepUrlWithLayer(url, { simulcast: { initialLayerPreference: 'highest_quality' } })).toBe(`${url}?layer=highest`);
    expect(whepUrlWithLayer(`${url}?x=1`, { simulcast: { initialLayerPreference: 'lowest_quality' } })).toBe(`${url}?x=1&layer=lowest`);
  });
});

describe('layers and in-band helpers', () => {
  const layer = (rid: string, width: number, height: number, active = true) => ({ rid, width, height, bitrateBps: width * 1000, framesPerSecond: 30, active });

  it('layerState → active layers lowest first, the selected one flagged', () => {
    const state = layerStateOf({ layers: [layer('high', 1280, 720), layer('low', 320, 180), layer('mid', 640, 360, false)], selected: 'high', adapting: true });
    expect(state.layers.map((l) => [l.label, l.selected])).toEqual([
      ['low', false],
      ['high', true],
    ]);
    expect(state.selected).toMatchObject({ label: 'high', width: 1280, selected: true });
    expect(state.adapting).toBe(true);
    expect(layerStateOf({ layers: [layer('low', 320, 180)], selected: null, adapting: false }).selected).toBeUndefined();
  });

  it('a preferred-layer answer: object → label, string as is, nothing → null', () => {
    expect(preferenceOf({ label: 'mid', width: 1, height: 1, bitrateBps: 1, framesPerSecond: 1, selected: false })).toBe('mid');
    expect(preferenceOf('lowest')).toBe('lowest');
    expect(preferenceOf(undefined)).toBeNull();
    expect(preferenceOf(null)).toBeNull();
  });

  it('base64 and hex round trips; malformed frames are dropped', () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    expect(new Uint8Array(base64ToArrayBuffer(bytesToBase64(bytes))!)).toEqual(bytes);
    expect(new Uint8Array(hexToArrayBuffer(LOCAL_IN_BAND_UUID)!)[0]).toBe(0x7e);
    expect(hexToArrayBuffer('xyz')).toBeUndefined();
    expect(seiMessageOf({ payload: '%%%', uuid: LOCAL_IN_BAND_UUID })).toBeUndefined();
    expect(seiMessageOf({ payload: 'AQ==', uuid: 'short' })).toBeUndefined();
    expect(new Uint8Array(seiMessageOf({ payload: 'AQ==', uuid: LOCAL_IN_BAND_UUID })!.payload)).toEqual(new Uint8Array([1]));
  });

  it('the in-band rate limit allows 10 KB per rolling second', () => {
    let now = 0;
    const limit = new InBandRateLimit(10 * 1024, () => now);
    for (let i = 0; i < 10; i++) expect(limit.take(1024)).toBe(true);
    expect(limit.take(1)).toBe(false);
    now = 999;
    expect(limit.take(1)).toBe(false);
    now = 1000;
    expect(limit.take(1024)).toBe(true);
  });

  it('subtitle cues are checked', () => {
    expect(checkedSubtitleCue({ text: 'hi', languageCode: 'en', startTimeMs: 0 })).toEqual({ text: 'hi', languageCode: 'en', startTimeMs: 0 });
    expect(() => checkedSubtitleCue({ text: 'hi' })).toThrow(/languageCode/);
    expect(() => checkedSubtitleCue({ text: 'hi', languageCode: 'en-US' })).toThrow(/two-letter/);
    expect(() => checkedSubtitleCue({ text: 'é'.repeat(513), languageCode: 'fr' })).toThrow(/at most 1024 bytes/);
    expect(() => checkedSubtitleCue({ text: 'a', languageCode: 'fr', languageLabel: 'x'.repeat(97) })).toThrow(/languageLabel/);
    expect(() => checkedSubtitleCue({ text: 1, languageCode: 'en' })).toThrow(/text/);
    expect(() => checkedSubtitleCue({ text: 'a', languageCode: 'en', endTimeMs: -1 })).toThrow(/endTimeMs/);
    expect(() => checkedSubtitleCue(null)).toThrow(ValidationError);
  });
});
