/**
 * A pixel clock for latency measurements: a 640×360 canvas that shows `performance.now()` (ms,
 * low 20 bits) as a row of 20 black/white blocks (32 px wide, bit 0 on the left, y 100–164) on grey,
 * redrawn every animation frame. `readClock()` decodes a rendered frame of any <video> showing it,
 * at whatever size it was received, so latency = `performance.now()` at presentation − the value read.
 * Both ends must be in the same page (one clock).
 */
const W = 640;
const H = 360;
const BITS = 20;
const BLOCK = 32;
const MASK = (1 << BITS) - 1;

let clock: { canvas: HTMLCanvasElement; track: MediaStreamTrack } | undefined;

/** The clock canvas's video track (30 fps capture), created and started on first use; one per page. */
export function clockTrack(): MediaStreamTrack {
  if (clock && clock.track.readyState === 'live') return clock.track;
  const canvas = document.createElement('canvas');
  canvas.width = W;
  canvas.height = H;
  const ctx = canvas.getContext('2d')!;
  const draw = () => {
    const code = Math.round(performance.now()) & MASK;
    ctx.fillStyle = '#808080';
    ctx.fillRect(0, 0, W, H);
    for (let i = 0; i < BITS; i++) {
      ctx.fillStyle = (code >> i) & 1 ? '#fff' : '#000';
      ctx.fillRect(i * BLOCK, 100, BLOCK, BLOCK * 2);
    }
    requestAnimationFrame(draw);
  };
  draw();
  const track = canvas.captureStream(30).getVideoTracks()[0]!;
  clock = { canvas, track };
  return track;
}

let probe: CanvasRenderingContext2D | undefined;

/** Milliseconds between the clock value shown by `video`'s current frame and now (undefined if implausible). */
export function readClock(video: HTMLVideoElement): number | undefined {
  if (!probe) {
    const canvas = document.createElement('canvas');
    canvas.width = W;
    canvas.height = H;
    probe = canvas.getContext('2d', { willReadFrequently: true })!;
  }
  const now = Math.round(performance.now()) & MASK;
  probe.drawImage(video, 0, 0, W, H);
  const row = probe.getImageData(0, 100 + BLOCK, W, 1).data;
  let code = 0;
  for (let i = 0; i < BITS; i++) if (row[(i * BLOCK + BLOCK / 2) * 4]! > 128) code |= 1 << i;
  const latency = (now - code + MASK + 1) & MASK;
  return latency < 5000 ? latency : undefined;
}
