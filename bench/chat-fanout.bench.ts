/**
 * Chat fan-out through ivs-local versus a bare `ws` broadcast server.
 *
 * One room on ivs-local (created and its tokens minted through the real IvschatClient), `clients`
 * WebSocket clients speaking the chat protocol, `messagesPerSecond` messages for `durationMs`
 * sent by `senders` of those clients (the room's rate limit counts all senders together, so the
 * default load of 100 msg/s is exactly the highest rate a room allows). Every client, senders
 * included, must receive every message. Latency is measured from just before the sender's
 * `send()` to the receiver's `message` event, in this one process (same clock).
 *
 * The same number of clients and the same load also go through a bare `ws` server that
 * re-broadcasts each frame as is: the floor any WebSocket fan-out in Node pays. Both stay connected
 * and the load runs in short rounds (`roundMs`) that alternate between them, so that other work on
 * the machine affects both alike. Target: emulator p99 ≤ 1.5 × baseline p99.
 *
 * Prints nothing; returns the figures.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { CreateChatTokenCommand, CreateRoomCommand, IvschatClient } from '@aws-sdk/client-ivschat';
import { startLocalIvs } from '../packages/ivs-local/src/server';

export interface ChatFanoutOptions {
  /** Connected clients, senders included. Default 200. */
  clients?: number;
  /** Messages per second, all senders together (a room allows at most 100). Default 100. */
  messagesPerSecond?: number;
  /** Sending time. Default 10 000 ms. */
  durationMs?: number;
  /** Clients that send (round-robin). Default 1. */
  senders?: number;
  /** Extra time allowed for the last deliveries of a round. Default 10 000 ms. */
  drainTimeoutMs?: number;
  /** Length of one round of the alternating load. Default 200 ms. */
  roundMs?: number;
}

export interface FanoutFigures {
  /** Messages delivered to clients (each message counts once per client). */
  delivered: number;
  expected: number;
  /** Sends the server refused (ERROR frames), e.g. over the room's rate. */
  refused: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** Wall time from the first send to the last delivery. */
  elapsedMs: number;
}

export interface ChatFanoutResult {
  clients: number;
  messagesPerSecond: number;
  durationMs: number;
  messages: number;
  emulator: FanoutFigures;
  baseline: FanoutFigures;
  /** emulator p99 / baseline p99, over all deliveries. */
  p99Ratio: number;
  /**
   * Median over the alternating round pairs of (emulator round p99 / baseline round p99). Less
   * sensitive than `p99Ratio` to load spikes from other work on the machine, which hit single rounds.
   */
  roundP99RatioMedian: number;
  targetRatio: number;
  /** All messages delivered to all clients, and p99 within the target ratio. */
  meetsTarget: boolean;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function openClient(url: string, protocol: string | undefined): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = protocol === undefined ? new WebSocket(url, { perMessageDeflate: false }) : new WebSocket(url, protocol, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

const SEND_INSTANT = '"t":"';

/** One fan-out setup (its clients stay connected across rounds). */
class Scenario {
  readonly #receivers: WebSocket[];
  readonly #latencies: Float64Array;
  #recorded = 0;
  #delivered = 0;
  #refused = 0;
  #measuring = false;
  #elapsedMs = 0;
  #roundTarget = 0;
  #roundDone: () => void = () => {};
  #sent = 0;
  /** p99 latency of each measured round. */
  readonly roundP99s: number[] = [];

  private constructor(receivers: WebSocket[], capacity: number) {
    this.#receivers = receivers;
    this.#latencies = new Float64Array(capacity);
    for (const ws of receivers) {
      ws.on('message', (data) => {
        const now = performance.now();
        // The receivers share the process with the servers, so they read only what they need
        // (`"t":"<send instant>"`) instead of parsing every frame.
        const text = data.toString();
        const at = text.indexOf(SEND_INSTANT);
        if (at < 0) {
          if (this.#measuring && text.includes('"Type":"ERROR"')) this.#refused += 1;
          return;
        }
        if (this.#measuring) {
          this.#delivered += 1;
          const sentAt = Number(text.slice(at + SEND_INSTANT.length, text.indexOf('"', at + SEND_INSTANT.length)));
          if (this.#recorded < this.#latencies.length) this.#latencies[this.#recorded++] = now - sentAt;
        }
        this.#roundTarget -= 1;
        if (this.#roundTarget === 0) this.#roundDone();
      });
    }
  }

  static async open(connect: (index: number) => Promise<WebSocket>, clients: number, capacity: number): Promise<Scenario> {
    const receivers: WebSocket[] = [];
    for (let start = 0; start < clients; start += 25) {
      receivers.push(...(await Promise.all(Array.from({ length: Math.min(25, clients - start) }, (_, k) => connect(start + k)))));
    }
    return new Scenario(receivers, capacity);
  }

  /** Sends `messages` at `rate` per second, paced on an absolute schedule, and waits for every delivery. */
  async round(messages: number, rate: number, senders: number, measure: boolean, drainTimeoutMs: number): Promise<void> {
    this.#measuring = measure;
    const firstRecord = this.#recorded;
    this.#roundTarget = messages * this.#receivers.length;
    const delivered = new Promise<void>((resolve) => (this.#roundDone = resolve));
    const started = performance.now();
    const interval = 1000 / rate;
    let sent = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        // A late timer catches up instead of drifting the rate down.
        const due = Math.min(messages, Math.floor((performance.now() - started) / interval) + 1);
        while (sent < due) {
          const sender = this.#receivers[this.#sent % Math.min(senders, this.#receivers.length)]!;
          sender.send(
            JSON.stringify({
              Action: 'SEND_MESSAGE',
              RequestId: `m${this.#sent}`,
              Content: `message ${this.#sent}`,
              Attributes: { t: String(performance.now()) },
            }),
          );
          sent += 1;
          this.#sent += 1;
        }
        if (sent >= messages) resolve();
        else setTimeout(tick, Math.max(0, started + sent * interval - performance.now()));
      };
      tick();
    });
    await Promise.race([delivered, new Promise((resolve) => setTimeout(resolve, drainTimeoutMs))]);
    if (measure) {
      this.#elapsedMs += performance.now() - started;
      this.roundP99s.push(percentile(this.#latencies.slice(firstRecord, this.#recorded).sort(), 99));
    }
    this.#measuring = false;
  }

  figures(expected: number): FanoutFigures {
    const measured = this.#latencies.slice(0, this.#recorded).sort();
    let sum = 0;
    for (const value of measured) sum += value;
    return {
      delivered: this.#delivered,
      expected,
      refused: this.#refused,
      p50Ms: round(percentile(measured, 50)),
      p99Ms: round(percentile(measured, 99)),
      maxMs: round(measured.length > 0 ? measured[measured.length - 1]! : Number.NaN),
      meanMs: round(measured.length > 0 ? sum / measured.length : Number.NaN),
      elapsedMs: round(this.#elapsedMs),
    };
  }

  close(): void {
    for (const ws of this.#receivers) ws.terminate();
  }
}

interface Setup {
  scenario: Scenario;
  close(): Promise<void>;
}

async function openEmulator(options: Required<ChatFanoutOptions>, capacity: number): Promise<Setup> {
  const ivs = await startLocalIvs();
  const client = new IvschatClient({ endpoint: ivs.url, region: ivs.region, credentials: ivs.credentials });
  const close = async () => {
    client.destroy();
    await ivs.close();
  };
  try {
    const room = await client.send(new CreateRoomCommand({ name: 'fanout', maximumMessageRatePerSecond: 100, maximumMessageLength: 500 }));
    const tokens: string[] = [];
    for (let start = 0; start < options.clients; start += 50) {
      const minted = await Promise.all(
        Array.from({ length: Math.min(50, options.clients - start) }, (_, k) =>
          client.send(
            new CreateChatTokenCommand({
              roomIdentifier: room.arn,
              userId: `user-${start + k}`,
              capabilities: start + k < options.senders ? ['SEND_MESSAGE'] : [],
            }),
          ),
        ),
      );
      tokens.push(...minted.map((out) => out.token!));
    }
    const scenario = await Scenario.open((index) => openClient(`${ivs.wsUrl}/chat`, tokens[index]), options.clients, capacity);
    return {
      scenario,
      close: async () => {
        scenario.close();
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function openBaseline(options: Required<ChatFanoutOptions>, capacity: number): Promise<Setup> {
  const server: Server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => {
      for (const peer of wss.clients) if (peer.readyState === WebSocket.OPEN) peer.send(data, { binary: isBinary });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const scenario = await Scenario.open(() => openClient(`ws://127.0.0.1:${port}`, undefined), options.clients, capacity);
  return {
    scenario,
    close: async () => {
      scenario.close();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Runs the fan-out benchmark and returns the figures. Both setups stay connected and the load is
 * sent in short rounds, alternating emulator and baseline, so that a busy machine affects
 * both alike; a short unmeasured warm-up round precedes them.
 */
export async function runChatFanoutBench(opts: ChatFanoutOptions = {}): Promise<ChatFanoutResult> {
  const options: Required<ChatFanoutOptions> = {
    clients: opts.clients ?? 200,
    messagesPerSecond: opts.messagesPerSecond ?? 100,
    durationMs: opts.durationMs ?? 10_000,
    senders: opts.senders ?? 1,
    drainTimeoutMs: opts.drainTimeoutMs ?? 10_000,
    roundMs: opts.roundMs ?? 200,
  };
  const messages = Math.round((options.messagesPerSecond * options.durationMs) / 1000);
  const expected = messages * options.clients;
  const emulator = await openEmulator(options, expected);
  let baseline: Setup | undefined;
  try {
    baseline = await openBaseline(options, expected);
    const setups = [emulator.scenario, baseline.scenario];
    const warmUp = Math.max(1, Math.round(options.messagesPerSecond / 5));
    for (const scenario of setups) await scenario.round(warmUp, options.messagesPerSecond, options.senders, false, options.drainTimeoutMs);
    // The room's token bucket refills while the baseline runs its round.
    const perRound = Math.max(1, Math.round((options.messagesPerSecond * options.roundMs) / 1000));
    for (let remaining = messages; remaining > 0; remaining -= perRound) {
      const count = Math.min(perRound, remaining);
      for (const scenario of setups) await scenario.round(count, options.messagesPerSecond, options.senders, true, options.drainTimeoutMs);
    }
    const emulatorFigures = emulator.scenario.figures(expected);
    const baselineFigures = baseline.scenario.figures(expected);
    const targetRatio = 1.5;
    const p99Ratio = round(emulatorFigures.p99Ms / baselineFigures.p99Ms);
    const pairRatios = emulator.scenario.roundP99s
      .map((value, index) => value / baseline!.scenario.roundP99s[index]!)
      .filter((ratio) => Number.isFinite(ratio))
      .sort((a, b) => a - b);
    const roundP99RatioMedian = round(pairRatios.length > 0 ? pairRatios[Math.floor(pairRatios.length / 2)]! : Number.NaN);
    return {
      clients: options.clients,
      messagesPerSecond: options.messagesPerSecond,
      durationMs: options.durationMs,
      messages,
      emulator: emulatorFigures,
      baseline: baselineFigures,
      p99Ratio,
      roundP99RatioMedian,
      targetRatio,
      meetsTarget:
        emulatorFigures.delivered === expected && emulatorFigures.refused === 0 && baselineFigures.delivered === expected && p99Ratio <= targetRatio,
    };
  } finally {
    await baseline?.close();
    await emulator.close();
  }
}
