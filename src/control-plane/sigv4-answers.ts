/**
 * What SigV4ControlPlane makes of the AWS SDK's answers: stage summaries and details, and every
 * failure (service exception, network, credentials) as a ControlPlaneError.
 */
import type { Stage as AwsStage, StageSummary as AwsStageSummary } from '@aws-sdk/client-ivs-realtime';
import { ControlPlaneError } from '../core/errors';
import type { StageDetails, StageSummary } from './types';
import { retryAfterSeconds } from './retry-after';

export function idFromArn(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

interface AwsErrorShape {
  name?: unknown;
  message?: unknown;
  exceptionMessage?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $retryable?: unknown;
  $fault?: unknown;
  code?: unknown;
  /** The raw HTTP response (the SDK attaches it, not enumerable, to service errors). */
  $response?: { headers?: Record<string, string | undefined> };
}

export function invalidResponse(operation: string, detail: string): ControlPlaneError {
  return new ControlPlaneError({ operation, errorName: 'InvalidResponse', message: `The service answered with an unexpected body: ${detail}.`, retryable: false });
}

export function toStageSummary(operation: string, stage: AwsStageSummary | AwsStage | undefined): StageSummary {
  if (!stage?.arn) throw invalidResponse(operation, 'the stage ARN is missing');
  return {
    arn: stage.arn,
    id: idFromArn(stage.arn),
    name: stage.name ?? '',
    activeSessionId: stage.activeSessionId || undefined,
    tags: { ...(stage.tags ?? {}) },
  };
}

export function toStageDetails(operation: string, stage: AwsStage | undefined): StageDetails {
  const summary = toStageSummary(operation, stage);
  const endpoints: StageDetails['endpoints'] = {};
  for (const key of ['events', 'whip', 'rtmp', 'rtmps'] as const) {
    const value = stage?.endpoints?.[key];
    if (value) endpoints[key] = value;
  }
  return { ...summary, endpoints };
}

/** Maps an AWS SDK failure (service exception, network, credentials) to a ControlPlaneError. */
export function toControlPlaneError(operation: string, error: unknown): ControlPlaneError {
  if (error instanceof ControlPlaneError) return error;
  const shape: AwsErrorShape = typeof error === 'object' && error !== null ? (error as AwsErrorShape) : {};
  const name = typeof shape.name === 'string' && shape.name !== '' ? shape.name : 'UnknownError';
  const metadata = shape.$metadata;
  const status = metadata?.httpStatusCode;
  if (status !== undefined) {
    // Real-Time error bodies carry their text in `exceptionMessage` (the error shapes of the IVS
    // Real-Time API reference), which the AWS SDK does not read: it reports "UnknownError".
    const text =
      typeof shape.exceptionMessage === 'string' && shape.exceptionMessage !== ''
        ? shape.exceptionMessage
        : typeof shape.message === 'string' && shape.message !== '' && shape.message !== 'UnknownError'
          ? shape.message
          : name;
    return new ControlPlaneError({
      operation,
      errorName: name,
      message: text,
      status,
      requestId: metadata?.requestId,
      retryable: shape.$retryable !== undefined || status === 429 || status >= 500 || name === 'ThrottlingException',
      retryAfterSeconds: retryAfterSeconds(shape.$response?.headers?.['retry-after']),
      cause: error,
    });
  }
  if (name === 'CredentialsProviderError' || name === 'ProviderError') {
    const detail = typeof shape.message === 'string' ? shape.message : '';
    return new ControlPlaneError({
      operation,
      errorName: 'CredentialsError',
      message: `AWS credentials could not be loaded${detail ? ` (${detail})` : ''}. Pass \`credentials\` or configure the AWS SDK's default chain.`,
      retryable: false,
      cause: error,
    });
  }
  const detail = typeof shape.message === 'string' ? shape.message : String(error);
  return new ControlPlaneError({
    operation,
    errorName: 'NetworkError',
    message: `The request did not get an answer: ${detail}`,
    retryable: true,
    cause: error,
  });
}
