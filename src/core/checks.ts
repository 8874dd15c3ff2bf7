/**
 * Internal: argument checks shared by ChatSession, the control planes and the server handler, so
 * every entry point counts characters and reports bad values the same way.
 */
import { ValidationError } from './errors';
import { AWS_REGION_PATTERN } from './ivs-limits';

/** Length in Unicode code points, the way IVS counts characters (not UTF-16 units). */
export function codePointLength(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/** Names a value in an error message: `null`, `an array`, `a string of 3 characters`, `42`, `object`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string of ${codePointLength(value)} characters`;
  if (typeof value === 'number') return String(value);
  return typeof value;
}

/** An object literal (or `Object.create(null)`): not an array, a class instance or `null`. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A string of `min`–`max` code points, returned unchanged. Otherwise a {@link ValidationError} on
 * `field`: `is required.` when absent (`undefined` or `null`), else what was expected and what came.
 */
export function checkString(value: unknown, field: string, min: number, max: number): string {
  if (typeof value !== 'string') {
    throw new ValidationError(field, value == null ? 'is required.' : `expected a string, got ${describeValue(value)}.`);
  }
  const length = codePointLength(value);
  if (length < min || length > max) {
    const range = min === 0 ? `at most ${max}` : min === max ? `exactly ${min}` : `${min}–${max}`;
    throw new ValidationError(field, `must be ${range} characters long, got ${length}.`);
  }
  return value;
}

/** A copy of an object whose values are all strings; a bad value is reported on `field.key`. */
export function checkStringMap(value: unknown, field: string): Record<string, string> {
  if (!isPlainObject(value)) throw new ValidationError(field, `expected an object of string values, got ${describeValue(value)}.`);
  const copy: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw new ValidationError(`${field}.${key}`, `expected a string, got ${describeValue(item)}.`);
    copy[key] = item;
  }
  return copy;
}

/** Checks an AWS region name such as `us-east-1`. */
export function validateRegion(value: unknown, field = 'region'): string {
  const region = checkString(value, field, 0, Infinity);
  if (!AWS_REGION_PATTERN.test(region)) {
    throw new ValidationError(field, `is not an AWS region name (e.g. "us-east-1"), got "${region.slice(0, 40)}".`);
  }
  return region;
}
