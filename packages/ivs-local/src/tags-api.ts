/**
 * TagResource / UntagResource / ListTagsForResource for both services (`/tags/{resourceArn}`).
 * The service is the request's credential scope; the ARN must name one of its resources.
 */
import { AwsServiceError, type ServiceName } from './aws-error';
import type { OperationContext, OperationResult } from './operations';
import { assertNoAwsTagKeys } from './realtime-api';
import { Fields, TAGS_RULE } from './validate';

// The model writes the resource type as `[a-z-]` (one character), which no real ARN matches, not
// even as a substring (`...:123456789012:stage/...`); AWS evidently accepts `stage/` and `room/`
// ARNs, so the resource type is matched as `[a-z-]+`.
const RESOURCE_ARN_PATTERN: Record<ServiceName, RegExp> = {
  ivs: /^arn:aws:ivs:[a-z0-9-]+:[0-9]+:[a-z-]+\/[a-zA-Z0-9-]+$/,
  ivschat: /^arn:aws:ivschat:[a-z0-9-]+:[0-9]+:[a-z-]+\/[a-zA-Z0-9-]+$/,
};

function taggedResource(ctx: OperationContext, service: ServiceName): { tags: Record<string, string> } {
  const arn = new Fields({ resourceArn: ctx.resourceArn }).string('resourceArn', {
    required: true,
    min: 1,
    max: 128,
    pattern: RESOURCE_ARN_PATTERN[service],
    patternText: `arn:aws:${service}:[a-z0-9-]+:[0-9]+:[a-z-]/[a-zA-Z0-9-]+`,
  });
  const resource = service === 'ivs' ? (ctx.state.stages.get(arn) ?? ctx.state.publicKeys.get(arn)) : ctx.state.rooms.get(arn);
  if (!resource) {
    throw AwsServiceError.notFound(service === 'ivs' ? 'RESOURCE' : 'ROOM', arn.split('/').pop() ?? arn, `Resource not found: ${arn}.`);
  }
  return resource;
}

export function tagOperation(ctx: OperationContext, service: ServiceName, method: string): OperationResult {
  if (method === 'GET') {
    return { body: { tags: { ...taggedResource(ctx, service).tags } } };
  }
  if (method === 'POST') {
    const tags = ctx.input.stringMap('tags', { ...TAGS_RULE, required: true })!;
    assertNoAwsTagKeys(tags);
    const resource = taggedResource(ctx, service);
    // Spread, not Object.assign: a tag key such as "__proto__" must stay an ordinary key.
    const merged = { ...resource.tags, ...tags };
    if (Object.keys(merged).length > 50) {
      throw AwsServiceError.field('tags', tags, 'A resource can have at most 50 tags (existing and new keys together)');
    }
    resource.tags = merged;
    ctx.state.changed();
    return { body: {} };
  }
  // DELETE
  if (!ctx.query.has('tagKeys')) throw AwsServiceError.field('tagKeys', undefined, 'Member must not be null');
  const keys = ctx.query.getAll('tagKeys');
  const checked = new Fields({ tagKeys: keys }).stringList('tagKeys', { min: 0, max: 50, item: { min: 1, max: 128 } }) ?? [];
  const resource = taggedResource(ctx, service);
  const remaining = { ...resource.tags };
  for (const key of checked) delete remaining[key];
  resource.tags = remaining;
  ctx.state.changed();
  return { body: {} };
}
