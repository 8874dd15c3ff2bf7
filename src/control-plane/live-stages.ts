/**
 * "Which stages are live?" on top of any {@link ControlPlane}.
 */
import { ValidationError } from '../core/errors';
import type { CallOptions, ControlPlane, StageSummary } from './types';

/** Options of {@link listLiveStages}. */
export interface ListLiveStagesOptions extends CallOptions {
  /**
   * Also count a stage as live when it carries this tag (for apps that tag a stage when a host
   * goes on air, since `activeSessionId` also covers viewers-only sessions and lingers a few minutes
   * after everyone leaves).
   */
  tagKey?: string;
  /** With `tagKey`: the tag must have this value. Without it, any value of `tagKey` counts. */
  tagValue?: string;
}

/**
 * Lists the stages that are live: those with an active session (`activeSessionId` set), plus,
 * when `tagKey` is given, those tagged `tagKey` (= `tagValue`, when given). Fetches every page.
 *
 * @example
 * ```ts
 * const live = await listLiveStages(controlPlane, { tagKey: 'status', tagValue: 'on-air' });
 * ```
 */
export async function listLiveStages(controlPlane: ControlPlane, options: ListLiveStagesOptions = {}): Promise<StageSummary[]> {
  const { tagKey, tagValue, signal } = options;
  if (tagKey !== undefined && (typeof tagKey !== 'string' || tagKey.length === 0 || tagKey.length > 128)) {
    throw new ValidationError('tagKey', 'must be a tag key of 1–128 characters.');
  }
  if (tagValue !== undefined) {
    if (tagKey === undefined) throw new ValidationError('tagValue', 'needs tagKey: pass the tag key to match as well.');
    if (typeof tagValue !== 'string' || tagValue.length > 256) throw new ValidationError('tagValue', 'must be a string of at most 256 characters.');
  }
  const stages = await controlPlane.listStages(signal === undefined ? undefined : { signal });
  return stages.filter((stage) => {
    if (stage.activeSessionId) return true;
    if (tagKey === undefined || !Object.hasOwn(stage.tags, tagKey)) return false;
    return tagValue === undefined || stage.tags[tagKey] === tagValue;
  });
}
