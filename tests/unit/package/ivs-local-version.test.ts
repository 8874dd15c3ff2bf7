import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ivsLocalVersion } from 'ivs-local';

describe('ivs-local version', () => {
  it('is the version in its package.json, and the SDK it depends on is the same version', () => {
    const pkg = JSON.parse(readFileSync('packages/ivs-local/package.json', 'utf8')) as { version: string; dependencies: Record<string, string> };
    const sdk = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(ivsLocalVersion()).toBe(pkg.version);
    expect(pkg.dependencies['aws-ivs-realtime']).toBe(sdk.version);
  });
});
