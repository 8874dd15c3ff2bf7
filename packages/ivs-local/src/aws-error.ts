/**
 * AWS-shaped errors for ivs-local's control planes.
 *
 * Both services are restJson1: the error type travels in the `x-amzn-ErrorType` header and the body
 * is JSON. Real-Time's modeled body member is `exceptionMessage` (we add `message` too so the JS SDK
 * fills `err.message`); Chat uses `message` plus `reason`/`fieldList`/`resourceId`/`resourceType`/
 * `limit` depending on the error. Protocol-level errors (signing, framing) carry `message`, as the
 * AWS front end does.
 */
import { IvsLocalError } from './errors';


/** The SigV4 service name of each control plane (the credential scope's service). */
export type ServiceName = 'ivs' | 'ivschat';

/** Chat `ValidationException.reason` values. */
export type ChatValidationReason = 'UNKNOWN_OPERATION' | 'FIELD_VALIDATION_FAILED' | 'OTHER';

/** Body members only the Chat service sends (its error shapes model them). */
export interface ChatErrorMembers {
  reason?: ChatValidationReason;
  fieldList?: { name: string; message: string }[];
  resourceId?: string;
  resourceType?: string;
  limit?: number;
}

/** An error answered to the client as an AWS error response. */
export class AwsServiceError extends IvsLocalError {
  override name = 'AwsServiceError';
  /** The value of `x-amzn-ErrorType` (e.g. `ValidationException`). */
  readonly type: string;
  readonly status: number;
  readonly chatMembers: ChatErrorMembers;

  constructor(type: string, status: number, message: string, chatMembers: ChatErrorMembers = {}) {
    super('aws-error', message);
    this.type = type;
    this.status = status;
    this.chatMembers = chatMembers;
  }

  /** A field failed its model constraint (400). `detail` is the constraint clause. */
  static field(field: string, value: unknown, detail: string): AwsServiceError {
    const clause = `Value ${describeValue(value)} at '${field}' failed to satisfy constraint: ${detail}`;
    return new AwsServiceError('ValidationException', 400, `1 validation error detected: ${clause}`, {
      reason: 'FIELD_VALIDATION_FAILED',
      fieldList: [{ name: field, message: clause }],
    });
  }

  /** A request-level validation failure that is not about one field (400). */
  static validation(message: string, reason: ChatValidationReason = 'OTHER'): AwsServiceError {
    return new AwsServiceError('ValidationException', 400, message, { reason });
  }

  static notFound(resourceType: 'ROOM' | 'STAGE' | 'STAGE_SESSION' | 'PARTICIPANT' | 'RESOURCE', resourceId: string, message: string): AwsServiceError {
    // Chat models resourceType as the enum `ROOM`; Real-Time has no such member (not sent).
    return new AwsServiceError('ResourceNotFoundException', 404, message, { resourceId, resourceType });
  }

  static conflict(message: string): AwsServiceError {
    return new AwsServiceError('ConflictException', 409, message);
  }

  static internal(message = 'An internal error occurred in ivs-local. The request was not applied; it is safe to retry.'): AwsServiceError {
    return new AwsServiceError('InternalServerException', 500, message);
  }

  /** Malformed request framing or JSON (400), as the restJson1 front end answers it. */
  static serialization(message: string): AwsServiceError {
    return new AwsServiceError('SerializationException', 400, message);
  }
}

/**
 * Renders a value the way AWS validation messages quote it, truncated. Structures are summarised,
 * never serialised: a hostile body may nest them deeply enough to overflow a recursive printer.
 */
function describeValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  let text: string;
  if (typeof value === 'string') text = value;
  else if (Array.isArray(value)) text = `[list of ${value.length}]`;
  else if (typeof value === 'object') text = '{structure}';
  else text = String(value);
  if (text.length > 64) text = `${text.slice(0, 61)}...`;
  return `'${text}'`;
}

/** The JSON body of an error response, for the given service (or none when unknown). */
export function errorBody(error: AwsServiceError, service: ServiceName | undefined): Record<string, unknown> {
  if (service === 'ivs') return { exceptionMessage: error.message, message: error.message };
  if (service === 'ivschat') {
    const body: Record<string, unknown> = { message: error.message };
    const m = error.chatMembers;
    switch (error.type) {
      case 'ValidationException':
        body['reason'] = m.reason ?? 'OTHER';
        if (m.fieldList) body['fieldList'] = m.fieldList;
        break;
      case 'ResourceNotFoundException':
      case 'ConflictException':
        body['resourceId'] = m.resourceId ?? '';
        body['resourceType'] = m.resourceType ?? 'ROOM';
        break;
      case 'ServiceQuotaExceededException':
      case 'ThrottlingException':
        body['resourceId'] = m.resourceId ?? '';
        body['resourceType'] = m.resourceType ?? 'ROOM';
        body['limit'] = m.limit ?? 0;
        break;
      default:
        break;
    }
    return body;
  }
  return { message: error.message };
}
