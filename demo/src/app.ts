/**
 * What every page of the demo shares: the server's config, the control plane the user picked,
 * who the user is, and how a demo stage is described by its tags.
 */
import { HttpControlPlane, type ControlPlane, type StageSummary } from 'aws-ivs-realtime';

/** `GET /api/config`: which world the demo runs in. Never contains AWS secrets. */
export interface DemoConfig {
  mode: 'local' | 'aws';
  region: string;
  /** ivs-local's base URL (local mode). */
  emulatorUrl?: string;
  /** The chat WebSocket URL (local mode); on AWS the region selects the chat endpoint. */
  chatUrl?: string;
  /**
   * The emulator's public test credentials, offered for "on-device SigV4 (dev only)". Only ever
   * sent in local mode; they open nothing but the local emulator.
   */
  onDeviceSigV4?: { accessKeyId: string; secretAccessKey: string };
}

export async function loadConfig(): Promise<DemoConfig> {
  const response = await fetch('/api/config', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET /api/config answered ${response.status}: is the demo started with "npm run demo"?`);
  const config = (await response.json()) as DemoConfig;
  if (config.mode !== 'local' && config.mode !== 'aws') throw new Error('GET /api/config: unexpected answer.');
  return config;
}

/** How the page reaches the control plane. */
export type ControlPlaneKind = 'backend' | 'sigv4';

export const CONTROL_PLANE_LABELS: Record<ControlPlaneKind, string> = {
  backend: 'Backend (/api)',
  sigv4: 'On-device SigV4 (dev only)',
};

/** The kinds this server allows: on-device signing only against the emulator. */
export function availableControlPlanes(config: DemoConfig): ControlPlaneKind[] {
  return config.mode === 'local' && config.onDeviceSigV4 && config.emulatorUrl ? ['backend', 'sigv4'] : ['backend'];
}

/**
 * Creates the control plane. The SigV4 one is imported on demand, so the AWS SDK clients are only
 * downloaded by a page that signs requests itself.
 */
export async function createControlPlane(config: DemoConfig, kind: ControlPlaneKind): Promise<ControlPlane> {
  if (kind === 'sigv4') {
    if (!config.onDeviceSigV4 || !config.emulatorUrl) {
      throw new Error('On-device SigV4 is only offered with ivs-local: real AWS credentials never go to a page.');
    }
    const { SigV4ControlPlane } = await import('aws-ivs-realtime/sigv4');
    return new SigV4ControlPlane({
      region: config.region,
      endpoint: config.emulatorUrl,
      credentials: config.onDeviceSigV4,
    });
  }
  return new HttpControlPlane({ baseUrl: '/api', region: config.region });
}

const KIND_KEY = 'ivs-demo.controlPlane';

export function preferredControlPlane(config: DemoConfig): ControlPlaneKind {
  const stored = localStorage.getItem(KIND_KEY);
  const available = availableControlPlanes(config);
  return available.includes(stored as ControlPlaneKind) ? (stored as ControlPlaneKind) : 'backend';
}

export function rememberControlPlane(kind: ControlPlaneKind): void {
  localStorage.setItem(KIND_KEY, kind);
}

/** Who is using this tab. The user id is per tab, so two tabs are two users. */
export interface Identity {
  readonly userId: string;
  displayName: string;
}

const USER_ID_KEY = 'ivs-demo.userId';
const NAME_KEY = 'ivs-demo.displayName';

export function loadIdentity(): Identity {
  let userId = sessionStorage.getItem(USER_ID_KEY);
  if (!userId) {
    userId = `u-${crypto.randomUUID()}`;
    sessionStorage.setItem(USER_ID_KEY, userId);
  }
  return { userId, displayName: localStorage.getItem(NAME_KEY) ?? '' };
}

export function rememberDisplayName(identity: Identity, name: string): void {
  identity.displayName = name;
  localStorage.setItem(NAME_KEY, name);
}

/** Limits of the demo's inputs (participant attributes are ≤ 1 KB in total). */
export const LIMITS = { displayName: 40, title: 80, description: 200, chatMessage: 500 } as const;

/** Tags that mark a stage as one of this demo's lives and link its chat room. */
export const DEMO_APP_TAG = 'aws-ivs-realtime-demo';

export interface LiveInfo {
  stageArn: string;
  title: string;
  description: string;
  hostName: string;
  chatRoomArn: string | undefined;
  live: boolean;
}

export function liveInfoFromStage(stage: Pick<StageSummary, 'arn' | 'tags' | 'activeSessionId' | 'name'>): LiveInfo {
  return {
    stageArn: stage.arn,
    title: stage.tags['title'] || stage.name || 'Untitled live',
    description: stage.tags['description'] ?? '',
    hostName: stage.tags['host'] ?? '',
    chatRoomArn: stage.tags['chatRoomArn'] || undefined,
    live: stage.activeSessionId !== undefined,
  };
}

export function isDemoStage(stage: Pick<StageSummary, 'tags'>): boolean {
  return stage.tags['app'] === DEMO_APP_TAG;
}

/** A resource name (`[a-zA-Z0-9-_]`, ≤ 128) derived from a title. */
export function resourceName(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[^a-zA-Z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `demo-${slug || 'live'}-${Date.now().toString(36)}`;
}

/** The role this tab has in a live. `host`: started it (may end it, moderates chat). */
export type Role = 'host' | 'guest' | 'viewer';

const roleKey = (stageArn: string) => `ivs-demo.role:${stageArn}`;

export function rememberRole(stageArn: string, role: Role): void {
  sessionStorage.setItem(roleKey(stageArn), role);
}

export function storedRole(stageArn: string): Role | undefined {
  const role = sessionStorage.getItem(roleKey(stageArn));
  return role === 'host' || role === 'guest' || role === 'viewer' ? role : undefined;
}

export function forgetRole(stageArn: string): void {
  sessionStorage.removeItem(roleKey(stageArn));
}

export function liveHash(stageArn: string): string {
  return `#/live/${encodeURIComponent(stageArn)}`;
}

/** Everything a page needs. */
export interface AppContext {
  readonly config: DemoConfig;
  readonly identity: Identity;
  /** The control plane currently selected in the header. */
  controlPlane(): ControlPlane;
  /** Calls `listener` when the user picks another control plane, until `signal` aborts. */
  onControlPlaneChange(listener: () => void, signal: AbortSignal): void;
  navigate(hash: string): void;
}
