/**
 * IVS Real-Time control-plane operations (service `ivs`): stages, participant tokens, participants
 * and stage sessions (public keys: `public-keys-api.ts`). Field limits follow the model; every
 * violation is a `ValidationException` naming the field.
 */
import { IVS_LIMITS } from 'aws-ivs-realtime/protocol';
import { AwsServiceError } from './aws-error';
import { randomId } from './ids';
import type { OperationContext, OperationHandler } from './operations';
import { paginate, seqKey } from './pagination';
import { defaultRecordingConfiguration, readRecordingConfiguration } from './stage-recording';
import type { ParticipantRecord, StageRecord, StageSessionRecord } from './state';
import {
  ATTRIBUTES_RULE,
  NAME_RULE,
  NEXT_TOKEN_RULE,
  SESSION_ID_RULE,
  STAGE_ARN_RULE,
  TAGS_RULE,
  type Fields,
  type RequiredStringRule,
} from './validate';

const CAPABILITIES = ['PUBLISH', 'SUBSCRIBE'] as const;
const PARTICIPANT_STATES = ['CONNECTED', 'DISCONNECTED'] as const;
const RECORDING_STATE_FILTERS = ['STARTING', 'ACTIVE', 'STOPPING', 'STOPPED', 'FAILED'] as const;

const DEFAULT_TOKEN_DURATION_MINUTES = 720;
const MAX_TOKEN_DURATION_MINUTES = IVS_LIMITS.participantTokenMaxMinutes;

const PARTICIPANT_ID_RULE: RequiredStringRule = { required: true, min: 0, max: IVS_LIMITS.participantIdMaxLength, pattern: /^[a-zA-Z0-9-]*$/, patternText: '[a-zA-Z0-9-]*' };
const PARTICIPANT_TOKEN_ID_RULE: RequiredStringRule = { required: true, min: 0, max: 64, pattern: /^[a-zA-Z0-9-_]*$/, patternText: '[a-zA-Z0-9-_]*' };
function stageOutput(ctx: OperationContext, stage: StageRecord): Record<string, unknown> {
  return {
    arn: stage.arn,
    name: stage.name,
    ...(stage.activeSessionId ? { activeSessionId: stage.activeSessionId } : {}),
    tags: { ...stage.tags },
    autoParticipantRecordingConfiguration: stage.autoParticipantRecordingConfiguration,
    endpoints: ctx.state.stageEndpoints(stage.id),
  };
}

function requireStage(ctx: OperationContext, arn: string): StageRecord {
  const stage = ctx.state.stages.get(arn);
  if (!stage) {
    const advice = 'Create it with CreateStage, or check the ARN (region and account must match this ivs-local).';
    throw AwsServiceError.notFound('STAGE', arn.split('/').pop() ?? arn, `Stage not found: ${arn}. ${advice}`);
  }
  return stage;
}

interface TokenRequest {
  duration: number | undefined;
  userId: string | undefined;
  attributes: Record<string, string> | undefined;
  capabilities: ('PUBLISH' | 'SUBSCRIBE')[] | undefined;
}

function readTokenRequest(f: Fields): TokenRequest {
  return {
    duration: f.integer('duration', { min: 1, max: MAX_TOKEN_DURATION_MINUTES }),
    userId: f.string('userId', { min: 0, max: IVS_LIMITS.participantUserIdMaxLength }),
    attributes: f.stringMap('attributes', ATTRIBUTES_RULE),
    capabilities: f.enumList('capabilities', CAPABILITIES, { max: 2 }),
  };
}

async function mintToken(ctx: OperationContext, stage: StageRecord, request: TokenRequest): Promise<Record<string, unknown>> {
  const participantId = randomId(12);
  const issuedAt = ctx.now;
  const expiresAt = new Date(issuedAt.getTime() + (request.duration ?? DEFAULT_TOKEN_DURATION_MINUTES) * 60_000);
  const capabilities = request.capabilities ?? ['PUBLISH', 'SUBSCRIBE'];
  const endpoints = ctx.state.stageEndpoints(stage.id);
  const token = await ctx.state.signer.mint({
    participantId,
    stageArn: stage.arn,
    stageId: stage.id,
    userId: request.userId,
    attributes: request.attributes,
    publish: capabilities.includes('PUBLISH'),
    subscribe: capabilities.includes('SUBSCRIBE'),
    whipUrl: endpoints.whip,
    eventsUrl: endpoints.events,
    issuedAt,
    expiresAt,
  });
  // Echo what the request set, as AWS does (awscli example omits unset members).
  return {
    participantId,
    token,
    ...(request.userId !== undefined ? { userId: request.userId } : {}),
    ...(request.attributes !== undefined ? { attributes: request.attributes } : {}),
    ...(request.duration !== undefined ? { duration: request.duration } : {}),
    ...(request.capabilities !== undefined ? { capabilities: request.capabilities } : {}),
    expirationTime: expiresAt.toISOString(),
  };
}

function sessionOf(stage: StageRecord | undefined, sessionId: string): StageSessionRecord | undefined {
  return stage?.sessions.find((s) => s.sessionId === sessionId);
}

function participantOutput(p: ParticipantRecord): Record<string, unknown> {
  return {
    participantId: p.participantId,
    userId: p.userId,
    state: p.state,
    firstJoinTime: p.firstJoinTime,
    attributes: { ...p.attributes },
    published: p.published,
    protocol: 'WHIP',
    recordingState: 'DISABLED',
    replicationType: 'NONE',
    redundantIngest: false,
  };
}

function participantSummary(p: ParticipantRecord): Record<string, unknown> {
  return {
    participantId: p.participantId,
    userId: p.userId,
    state: p.state,
    firstJoinTime: p.firstJoinTime,
    published: p.published,
    recordingState: 'DISABLED',
    replicationType: 'NONE',
    redundantIngest: false,
  };
}

function sessionSummary(s: StageSessionRecord): Record<string, unknown> {
  return { sessionId: s.sessionId, startTime: s.startTime, ...(s.endTime ? { endTime: s.endTime } : {}) };
}

/** `maxResults` of a List operation (default 50). */
export const listMax = (f: Fields, max = 100): number => f.integer('maxResults', { min: 1, max }) ?? 50;

export const realtimeOperations: Record<string, OperationHandler> = {
  async CreateStage(ctx) {
    const f = ctx.input;
    const name = f.string('name', NAME_RULE) ?? '';
    const tags = f.stringMap('tags', TAGS_RULE) ?? {};
    assertNoAwsTagKeys(tags);
    const configs = f.objectList('participantTokenConfigurations', { max: 12 }) ?? [];
    const tokenRequests = configs.map(readTokenRequest);
    const recordingFields = f.object('autoParticipantRecordingConfiguration');
    const recording = recordingFields ? readRecordingConfiguration(recordingFields) : defaultRecordingConfiguration();
    const id = randomId(12);
    const stage: StageRecord = {
      seq: ctx.state.nextSeq(),
      id,
      arn: ctx.state.stageArn(id),
      name,
      tags,
      autoParticipantRecordingConfiguration: recording,
      createTime: ctx.now.toISOString(),
      sessions: [],
    };
    ctx.state.stages.set(stage.arn, stage);
    ctx.state.changed();
    const participantTokens = [];
    for (const request of tokenRequests) participantTokens.push(await mintToken(ctx, stage, request));
    return { body: { stage: stageOutput(ctx, stage), participantTokens } };
  },

  GetStage(ctx) {
    const arn = ctx.input.string('arn', STAGE_ARN_RULE);
    return { body: { stage: stageOutput(ctx, requireStage(ctx, arn)) } };
  },

  UpdateStage(ctx) {
    const f = ctx.input;
    const arn = f.string('arn', STAGE_ARN_RULE);
    const name = f.string('name', NAME_RULE);
    const recordingFields = f.object('autoParticipantRecordingConfiguration');
    const recording = recordingFields ? readRecordingConfiguration(recordingFields) : undefined;
    const stage = requireStage(ctx, arn);
    if (name !== undefined) stage.name = name;
    if (recording) stage.autoParticipantRecordingConfiguration = recording;
    ctx.state.changed();
    return { body: { stage: stageOutput(ctx, stage) } };
  },

  DeleteStage(ctx) {
    const arn = ctx.input.string('arn', STAGE_ARN_RULE);
    const stage = requireStage(ctx, arn);
    ctx.state.endActiveSession(stage, 'stage-deleted');
    ctx.state.stages.delete(arn);
    ctx.state.changed();
    ctx.state.events.raise('stageDeleted', { stageArn: arn });
    return { body: {} };
  },

  ListStages(ctx) {
    const f = ctx.input;
    const nextToken = f.string('nextToken', NEXT_TOKEN_RULE);
    const maxResults = listMax(f);
    const stages = [...ctx.state.stages.values()].sort((a, b) => a.seq - b.seq);
    const page = paginate(stages, { keyOf: (s) => seqKey(s.seq), scope: 'ListStages', nextToken, maxResults });
    return {
      body: {
        stages: page.items.map((s) => ({
          arn: s.arn,
          name: s.name,
          ...(s.activeSessionId ? { activeSessionId: s.activeSessionId } : {}),
          tags: { ...s.tags },
        })),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      },
    };
  },

  async CreateParticipantToken(ctx) {
    const f = ctx.input;
    const stageArn = f.string('stageArn', STAGE_ARN_RULE);
    const request = readTokenRequest(f);
    const stage = requireStage(ctx, stageArn);
    return { body: { participantToken: await mintToken(ctx, stage, request) } };
  },

  DisconnectParticipant(ctx) {
    const f = ctx.input;
    const stageArn = f.string('stageArn', STAGE_ARN_RULE);
    const participantId = f.string('participantId', PARTICIPANT_TOKEN_ID_RULE);
    const reason = f.string('reason', { min: 0, max: IVS_LIMITS.disconnectReasonMaxLength });
    requireStage(ctx, stageArn);
    ctx.state.events.raise('participantDisconnect', { stageArn, participantId, reason });
    return { body: {} };
  },

  ListParticipants(ctx) {
    const f = ctx.input;
    const stageArn = f.string('stageArn', STAGE_ARN_RULE);
    const sessionId = f.string('sessionId', SESSION_ID_RULE);
    const filterByUserId = f.string('filterByUserId', { min: 0, max: IVS_LIMITS.participantUserIdMaxLength });
    const filterByPublished = f.boolean('filterByPublished');
    const filterByState = f.enumValue('filterByState', PARTICIPANT_STATES);
    const filterByRecordingState = f.enumValue('filterByRecordingState', RECORDING_STATE_FILTERS);
    const nextToken = f.string('nextToken', NEXT_TOKEN_RULE);
    const maxResults = listMax(f);
    const filters = [filterByUserId, filterByPublished, filterByState, filterByRecordingState].filter((x) => x !== undefined);
    if (filters.length > 1) {
      throw AwsServiceError.validation(
        'Only one filter can be used per request: choose one of filterByUserId, filterByPublished, filterByState, filterByRecordingState.',
      );
    }
    const session = sessionOf(ctx.state.stages.get(stageArn), sessionId);
    const indexed = (session?.participants ?? []).map((p, index) => ({ p, index }));
    const matching = indexed.filter(({ p }) => {
      if (filterByUserId !== undefined) return p.userId === filterByUserId;
      if (filterByPublished !== undefined) return p.published === filterByPublished;
      if (filterByState !== undefined) return p.state === filterByState;
      // Recording is not emulated: every participant's recordingState is DISABLED.
      if (filterByRecordingState !== undefined) return false;
      return true;
    });
    const page = paginate(matching, { keyOf: ({ index }) => seqKey(index), scope: `ListParticipants:${sessionId}`, nextToken, maxResults });
    return {
      body: {
        participants: page.items.map(({ p }) => participantSummary(p)),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      },
    };
  },

  GetParticipant(ctx) {
    const f = ctx.input;
    const stageArn = f.string('stageArn', STAGE_ARN_RULE);
    const sessionId = f.string('sessionId', SESSION_ID_RULE);
    const participantId = f.string('participantId', PARTICIPANT_ID_RULE);
    const session = sessionOf(ctx.state.stages.get(stageArn), sessionId);
    const participant = session?.participants.find((p) => p.participantId === participantId);
    if (!participant) {
      throw AwsServiceError.notFound('PARTICIPANT', participantId, `Participant ${participantId} not found in session ${sessionId} of stage ${stageArn}.`);
    }
    return { body: { participant: participantOutput(participant) } };
  },

  ListParticipantEvents(ctx) {
    const f = ctx.input;
    const stageArn = f.string('stageArn', STAGE_ARN_RULE);
    const sessionId = f.string('sessionId', SESSION_ID_RULE);
    const participantId = f.string('participantId', PARTICIPANT_ID_RULE);
    const nextToken = f.string('nextToken', NEXT_TOKEN_RULE);
    const maxResults = listMax(f);
    const session = sessionOf(ctx.state.stages.get(stageArn), sessionId);
    const events = (session?.events ?? [])
      .map((event, index) => ({ event, index }))
      .filter(({ event }) => event.participantId === participantId);
    const page = paginate(events, { keyOf: ({ index }) => seqKey(index), scope: `ListParticipantEvents:${sessionId}:${participantId}`, nextToken, maxResults });
    return {
      body: {
        events: page.items.map(({ event }) => ({
          name: event.name,
          participantId: event.participantId,
          eventTime: event.eventTime,
          ...(event.previousToken ? { previousToken: event.previousToken } : {}),
          ...(event.newToken ? { newToken: event.newToken } : {}),
        })),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      },
    };
  },

  ListStageSessions(ctx) {
    const f = ctx.input;
    const stageArn = f.string('stageArn', STAGE_ARN_RULE);
    const nextToken = f.string('nextToken', NEXT_TOKEN_RULE);
    const maxResults = listMax(f);
    // Newest first.
    const sessions = [...(ctx.state.stages.get(stageArn)?.sessions ?? [])].reverse();
    const page = paginate(sessions, {
      keyOf: (s) => `${s.startTime}|${s.sessionId}`,
      scope: `ListStageSessions:${stageArn}`,
      nextToken,
      maxResults,
      descending: true,
    });
    return {
      body: {
        stageSessions: page.items.map(sessionSummary),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      },
    };
  },

  GetStageSession(ctx) {
    const f = ctx.input;
    const stageArn = f.string('stageArn', STAGE_ARN_RULE);
    const sessionId = f.string('sessionId', SESSION_ID_RULE);
    const session = sessionOf(ctx.state.stages.get(stageArn), sessionId);
    if (!session) throw AwsServiceError.notFound('STAGE_SESSION', sessionId, `Stage session ${sessionId} not found for stage ${stageArn}.`);
    return { body: { stageSession: sessionSummary(session) } };
  },
};

/** Tag keys starting with `aws:` are reserved for AWS. */
export function assertNoAwsTagKeys(tags: Record<string, string>, field = 'tags'): void {
  for (const key of Object.keys(tags)) {
    if (key.toLowerCase().startsWith('aws:')) {
      throw AwsServiceError.field(`${field}.key`, key, "Member must not begin with the reserved prefix 'aws:'");
    }
  }
}

/**
 * Real-Time operations that exist in the AWS API but are not emulated (compositions, recording and
 * ingest configurations, replication): answered with a clear error instead of
 * "unknown operation".
 */
export const REALTIME_UNSUPPORTED = new Set([
  'CreateEncoderConfiguration',
  'CreateIngestConfiguration',
  'CreateStorageConfiguration',
  'DeleteEncoderConfiguration',
  'DeleteIngestConfiguration',
  'DeleteStorageConfiguration',
  'GetComposition',
  'GetEncoderConfiguration',
  'GetIngestConfiguration',
  'GetStorageConfiguration',
  'ListCompositions',
  'ListEncoderConfigurations',
  'ListIngestConfigurations',
  'ListParticipantReplicas',
  'ListStorageConfigurations',
  'StartComposition',
  'StartParticipantReplication',
  'StopComposition',
  'StopParticipantReplication',
  'UpdateIngestConfiguration',
]);
