/**
 * Request-field validation against the IVS models' constraints. Every failure is a
 * `ValidationException` naming the field, in the AWS wording
 * (`Value 'x' at 'name' failed to satisfy constraint: ...`).
 */
import { IVS_LIMITS } from 'aws-ivs-realtime/protocol';
import { AwsServiceError } from './aws-error';

export interface StringRule {
  required?: boolean;
  min?: number;
  max?: number;
  /** Full-match pattern (anchor it yourself). */
  pattern?: RegExp;
  /** The pattern as the model writes it, for the message. */
  patternText?: string;
}

/** A rule for a member the model requires. */
export type RequiredStringRule = StringRule & { required: true };

export interface IntegerRule {
  required?: boolean;
  min?: number;
  max?: number;
}

export interface StringMapRule {
  required?: boolean;
  maxEntries?: number;
  keyMin?: number;
  keyMax?: number;
  valueMax?: number;
  /** Upper bound on the UTF-8 bytes of all keys and values together. */
  maxTotalBytes?: number;
}

const encoder = new TextEncoder();

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads and validates the members of one JSON object. Unknown members are ignored, as AWS does. */
export class Fields {
  readonly #body: Record<string, unknown>;
  readonly #prefix: string;

  constructor(body: Record<string, unknown>, prefix = '') {
    this.#body = body;
    this.#prefix = prefix;
  }

  #path(name: string): string {
    return this.#prefix ? `${this.#prefix}.${name}` : name;
  }

  #get(name: string): unknown {
    // Own properties only: `__proto__` or `constructor` in a body must not reach the prototype.
    if (!Object.prototype.hasOwnProperty.call(this.#body, name)) return undefined;
    const value = this.#body[name];
    return value === null ? undefined : value;
  }

  /** Whether the member is present (and not null). */
  has(name: string): boolean {
    return this.#get(name) !== undefined;
  }

  string(name: string, rule: RequiredStringRule): string;
  string(name: string, rule?: StringRule): string | undefined;
  string(name: string, rule: StringRule = {}): string | undefined {
    const path = this.#path(name);
    const value = this.#get(name);
    if (value === undefined) {
      if (rule.required) throw AwsServiceError.field(path, value, 'Member must not be null');
      return undefined;
    }
    if (typeof value !== 'string') throw AwsServiceError.field(path, value, 'Member must be a string');
    const length = [...value].length;
    if (rule.min !== undefined && length < rule.min) {
      throw AwsServiceError.field(path, value, `Member must have length greater than or equal to ${rule.min}`);
    }
    if (rule.max !== undefined && length > rule.max) {
      throw AwsServiceError.field(path, value, `Member must have length less than or equal to ${rule.max}`);
    }
    if (rule.pattern && !rule.pattern.test(value)) {
      throw AwsServiceError.field(
        path,
        value,
        `Member must satisfy regular expression pattern: ${rule.patternText ?? rule.pattern.source}`,
      );
    }
    return value;
  }

  integer(name: string, rule: IntegerRule = {}): number | undefined {
    const path = this.#path(name);
    const value = this.#get(name);
    if (value === undefined) {
      if (rule.required) throw AwsServiceError.field(path, value, 'Member must not be null');
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw AwsServiceError.field(path, value, 'Member must be an integer');
    }
    if (rule.min !== undefined && value < rule.min) {
      throw AwsServiceError.field(path, value, `Member must have value greater than or equal to ${rule.min}`);
    }
    if (rule.max !== undefined && value > rule.max) {
      throw AwsServiceError.field(path, value, `Member must have value less than or equal to ${rule.max}`);
    }
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = this.#get(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') throw AwsServiceError.field(this.#path(name), value, 'Member must be a boolean');
    return value;
  }

  /** A member constrained to one of `values`. */
  enumValue<T extends string>(name: string, values: readonly T[], required = false): T | undefined {
    const path = this.#path(name);
    const value = this.#get(name);
    if (value === undefined) {
      if (required) throw AwsServiceError.field(path, value, 'Member must not be null');
      return undefined;
    }
    if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
      throw AwsServiceError.field(path, value, `Member must satisfy enum value set: [${values.join(', ')}]`);
    }
    return value as T;
  }

  /** A list whose items are each one of `values`. */
  enumList<T extends string>(name: string, values: readonly T[], rule: { min?: number; max?: number } = {}): T[] | undefined {
    const list = this.#list(name, rule);
    if (!list) return undefined;
    const { path, value } = list;
    value.forEach((item, index) => {
      if (typeof item !== 'string' || !(values as readonly string[]).includes(item)) {
        throw AwsServiceError.field(`${path}.${index + 1}.member`, item, `Member must satisfy enum value set: [${values.join(', ')}]`);
      }
    });
    return [...new Set(value as T[])];
  }

  /** A list of strings, each checked with `itemRule`. */
  stringList(name: string, rule: { min?: number; max?: number; item?: StringRule } = {}): string[] | undefined {
    const list = this.#list(name, rule);
    if (!list) return undefined;
    const { path, value } = list;
    return value.map((item, index) => {
      const holder = new Fields({ item }, '');
      try {
        return holder.string('item', { ...rule.item, required: true });
      } catch (error) {
        if (error instanceof AwsServiceError) {
          throw AwsServiceError.field(`${path}.${index + 1}.member`, item, error.message.split('constraint: ').pop() ?? '');
        }
        throw error;
      }
    });
  }

  /** A string-to-string map. */
  stringMap(name: string, rule: StringMapRule = {}): Record<string, string> | undefined {
    const path = this.#path(name);
    const value = this.#get(name);
    if (value === undefined) {
      if (rule.required) throw AwsServiceError.field(path, value, 'Member must not be null');
      return undefined;
    }
    if (!isRecord(value)) throw AwsServiceError.field(path, value, 'Member must be a map of strings');
    const entries = Object.entries(value);
    if (rule.maxEntries !== undefined && entries.length > rule.maxEntries) {
      throw AwsServiceError.field(path, value, `Member must have length less than or equal to ${rule.maxEntries}`);
    }
    const out: Record<string, string> = Object.create(null) as Record<string, string>;
    let bytes = 0;
    for (const [key, item] of entries) {
      const keyLength = [...key].length;
      if (rule.keyMin !== undefined && keyLength < rule.keyMin) {
        throw AwsServiceError.field(`${path}.key`, key, `Member must have length greater than or equal to ${rule.keyMin}`);
      }
      if (rule.keyMax !== undefined && keyLength > rule.keyMax) {
        throw AwsServiceError.field(`${path}.key`, key, `Member must have length less than or equal to ${rule.keyMax}`);
      }
      if (typeof item !== 'string') throw AwsServiceError.field(`${path}.${key}`, item, 'Member must be a string');
      if (rule.valueMax !== undefined && [...item].length > rule.valueMax) {
        throw AwsServiceError.field(`${path}.${key}`, item, `Member must have length less than or equal to ${rule.valueMax}`);
      }
      bytes += encoder.encode(key).length + encoder.encode(item).length;
      out[key] = item;
    }
    if (rule.maxTotalBytes !== undefined && bytes > rule.maxTotalBytes) {
      throw AwsServiceError.field(
        path,
        value,
        `Member must have a total size (keys and values, UTF-8) less than or equal to ${rule.maxTotalBytes} bytes`,
      );
    }
    return { ...out };
  }

  /** A nested structure, read with its own {@link Fields}. */
  object(name: string, required = false): Fields | undefined {
    const path = this.#path(name);
    const value = this.#get(name);
    if (value === undefined) {
      if (required) throw AwsServiceError.field(path, value, 'Member must not be null');
      return undefined;
    }
    if (!isRecord(value)) throw AwsServiceError.field(path, value, 'Member must be a structure');
    return new Fields(value, path);
  }

  /** A list of structures. */
  objectList(name: string, rule: { max?: number } = {}): Fields[] | undefined {
    const list = this.#list(name, rule);
    if (!list) return undefined;
    const { path, value } = list;
    return value.map((item, index) => {
      if (!isRecord(item)) throw AwsServiceError.field(`${path}.${index + 1}.member`, item, 'Member must be a structure');
      return new Fields(item, `${path}.${index + 1}.member`);
    });
  }

  /** The list at `name` with its path, `undefined` when absent; not a list, or a length outside `rule`, is an error. */
  #list(name: string, rule: { min?: number; max?: number }): { path: string; value: unknown[] } | undefined {
    const path = this.#path(name);
    const value = this.#get(name);
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) throw AwsServiceError.field(path, value, 'Member must be a list');
    if (rule.min !== undefined && value.length < rule.min) {
      throw AwsServiceError.field(path, value, `Member must have length greater than or equal to ${rule.min}`);
    }
    if (rule.max !== undefined && value.length > rule.max) {
      throw AwsServiceError.field(path, value, `Member must have length less than or equal to ${rule.max}`);
    }
    return { path, value };
  }
}

// Shared model constraints (IVS Real-Time and IVS Chat API references); the limits come from the SDK's IVS facts.
export const NAME_RULE: StringRule = { min: 0, max: IVS_LIMITS.nameMaxLength, pattern: /^[a-zA-Z0-9-_]*$/, patternText: '[a-zA-Z0-9-_]*' };
/** An ARN of `arn:aws:<service>:<region>:<account>:<kind>/<id>`, 1–128 characters. */
function arnRule(service: string, kind: string): RequiredStringRule {
  const patternText = `arn:aws:${service}:[a-z0-9-]+:[0-9]+:${kind}/[a-zA-Z0-9-]+`;
  return { required: true, min: 1, max: IVS_LIMITS.arnMaxLength, pattern: new RegExp(`^${patternText}$`), patternText };
}
export const STAGE_ARN_RULE = arnRule('ivs', 'stage');
export const ROOM_ARN_RULE = arnRule('ivschat', 'room');
export const SESSION_ID_RULE: RequiredStringRule = {
  required: true,
  min: 16,
  max: 16,
  pattern: /^st-[a-zA-Z0-9]+$/,
  patternText: 'st-[a-zA-Z0-9]+',
};
export const TAGS_RULE: StringMapRule = {
  maxEntries: IVS_LIMITS.tagsMaxCount,
  keyMin: 1,
  keyMax: IVS_LIMITS.tagKeyMaxLength,
  valueMax: IVS_LIMITS.tagValueMaxLength,
};
export const ATTRIBUTES_RULE: StringMapRule = { maxTotalBytes: IVS_LIMITS.attributesMaxBytes };
export const NEXT_TOKEN_RULE: StringRule = { min: 0, max: 1024, pattern: /^[a-zA-Z0-9+/=_-]*$/, patternText: '[a-zA-Z0-9+/=_-]*' };
