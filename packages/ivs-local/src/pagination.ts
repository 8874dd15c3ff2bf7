/**
 * Opaque pagination tokens (`nextToken`). A token carries the sort key of the next item and the
 * list it belongs to, so pages stay stable when items are added or removed between calls.
 */
import { AwsServiceError } from './aws-error';

export interface Page<T> {
  items: T[];
  nextToken: string | undefined;
}

/**
 * Returns one page of `items`, which must already be sorted by `keyOf` in list order
 * (`descending` when the list is newest-first). Keys are compared as strings.
 */
export function paginate<T>(
  items: readonly T[],
  options: { keyOf: (item: T) => string; scope: string; nextToken: string | undefined; maxResults: number; descending?: boolean },
): Page<T> {
  let start = 0;
  if (options.nextToken !== undefined && options.nextToken !== '') {
    const key = decodeToken(options.nextToken, options.scope);
    start = items.findIndex((item) => {
      const k = options.keyOf(item);
      return options.descending ? k <= key : k >= key;
    });
    if (start === -1) start = items.length;
  }
  const slice = items.slice(start, start + options.maxResults);
  const next = items[start + options.maxResults];
  return {
    items: slice,
    nextToken: next === undefined ? undefined : encodeToken(options.keyOf(next), options.scope),
  };
}

function encodeToken(key: string, scope: string): string {
  return Buffer.from(JSON.stringify({ s: scope, k: key }), 'utf8').toString('base64url');
}

function decodeToken(token: string, scope: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (typeof parsed === 'object' && parsed !== null) {
      const { s, k } = parsed as { s?: unknown; k?: unknown };
      if (s === scope && typeof k === 'string') return k;
    }
  } catch {
    // fall through to the validation error
  }
  throw AwsServiceError.field('nextToken', token, 'Member must be a nextToken returned by a previous call of this operation with the same parameters');
}

/** Zero-pads a sequence number so that string order is numeric order. */
export function seqKey(seq: number): string {
  return String(seq).padStart(16, '0');
}
