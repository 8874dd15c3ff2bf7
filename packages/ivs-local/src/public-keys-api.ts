/**
 * IVS Real-Time public-key operations (service `ivs`), for self-signed participant tokens:
 * ImportPublicKey, GetPublicKey, DeletePublicKey, ListPublicKeys.
 */
import { randomUUID } from 'node:crypto';
import { AwsServiceError } from './aws-error';
import type { OperationContext, OperationHandler } from './operations';
import { paginate, seqKey } from './pagination';
import { parsePublicKeyMaterial, PUBLIC_KEY_ARN_PATTERN, type PublicKeyRecord } from './public-keys';
import { assertNoAwsTagKeys, listMax } from './realtime-api';
import { NAME_RULE, NEXT_TOKEN_RULE, TAGS_RULE, type RequiredStringRule } from './validate';

const PUBLIC_KEY_ARN_RULE: RequiredStringRule = {
  required: true,
  min: 1,
  max: 128,
  pattern: PUBLIC_KEY_ARN_PATTERN,
  patternText: 'arn:aws:ivs:[a-z0-9-]+:[0-9]+:public-key/[a-zA-Z0-9-]+',
};

function publicKeyOutput(key: PublicKeyRecord): Record<string, unknown> {
  return { arn: key.arn, name: key.name, publicKeyMaterial: key.publicKeyMaterial, fingerprint: key.fingerprint, tags: { ...key.tags } };
}

function requirePublicKey(ctx: OperationContext, arn: string): PublicKeyRecord {
  const key = ctx.state.publicKeys.get(arn);
  if (!key) {
    const advice = 'Import it with ImportPublicKey, or check the ARN (region and account must match this ivs-local).';
    throw AwsServiceError.notFound('RESOURCE', arn.split('/').pop() ?? arn, `Public key not found: ${arn}. ${advice}`);
  }
  return key;
}

export const publicKeyOperations: Record<string, OperationHandler> = {
  ImportPublicKey(ctx) {
    const f = ctx.input;
    const material = f.string('publicKeyMaterial', { required: true });
    const name = f.string('name', NAME_RULE) ?? '';
    const tags = f.stringMap('tags', TAGS_RULE) ?? {};
    assertNoAwsTagKeys(tags);
    const { key, fingerprint } = parsePublicKeyMaterial(material);
    for (const existing of ctx.state.publicKeys.values()) {
      if (existing.fingerprint === fingerprint) {
        throw AwsServiceError.conflict(`This public key is already imported as ${existing.arn} (fingerprint ${fingerprint}). Use that ARN, or delete it first.`);
      }
    }
    const id = randomUUID();
    const record: PublicKeyRecord = { seq: ctx.state.nextSeq(), id, arn: ctx.state.publicKeyArn(id), name, publicKeyMaterial: material, fingerprint, tags };
    ctx.state.addPublicKey(record, key);
    ctx.state.changed();
    return { body: { publicKey: publicKeyOutput(record) } };
  },

  GetPublicKey(ctx) {
    const arn = ctx.input.string('arn', PUBLIC_KEY_ARN_RULE);
    return { body: { publicKey: publicKeyOutput(requirePublicKey(ctx, arn)) } };
  },

  DeletePublicKey(ctx) {
    const arn = ctx.input.string('arn', PUBLIC_KEY_ARN_RULE);
    requirePublicKey(ctx, arn);
    ctx.state.deletePublicKey(arn);
    ctx.state.changed();
    return { body: {} };
  },

  ListPublicKeys(ctx) {
    const f = ctx.input;
    const nextToken = f.string('nextToken', NEXT_TOKEN_RULE);
    const maxResults = listMax(f);
    const keys = [...ctx.state.publicKeys.values()].sort((a, b) => a.seq - b.seq);
    const page = paginate(keys, { keyOf: (k) => seqKey(k.seq), scope: 'ListPublicKeys', nextToken, maxResults });
    return {
      body: {
        publicKeys: page.items.map((k) => ({ arn: k.arn, name: k.name, tags: { ...k.tags } })),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      },
    };
  },
};
