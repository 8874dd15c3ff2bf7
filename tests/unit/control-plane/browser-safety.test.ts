import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src');

/** Every module specifier reachable from `entry` through relative imports. */
function reachableImports(entry: string): { files: string[]; bare: string[] } {
  const files = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const specifier = match[1] ?? match[2] ?? '';
      if (specifier.startsWith('.')) visit(resolve(dirname(file), `${specifier}.ts`));
      else bare.add(specifier);
    }
  };
  visit(entry);
  return { files: [...files], bare: [...bare] };
}

describe('browser safety of the main-entry control plane', () => {
  it('HttpControlPlane, listLiveStages and validation import no AWS SDK and no Node module', () => {
    const { files, bare } = reachableImports(resolve(root, 'control-plane/index.ts'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    expect(bare.filter((s) => s.startsWith('node:') || s.startsWith('@aws-sdk/') || s.startsWith('@smithy/') || s === 'ws')).toEqual([]);
  });

  it('the server handler itself is fetch-standard (only the Node adapter touches node:)', () => {
    const { bare } = reachableImports(resolve(root, 'server/handler.ts'));
    expect(bare).toEqual([]);
  });
});
