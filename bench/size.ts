/**
 * Bundle size of the `.` entry's own code (dependencies are external and excluded): the entry plus
 * every chunk it imports statically, gzip level 9. Chunks loaded on first use (the IVS driver glue,
 * the local stage driver, the chat SDK glue) are reported separately.
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface SizeResult {
  entryGzipBytes: number;
  entryRawBytes: number;
  staticModules: string[];
  lazyChunks: { file: string; gzipBytes: number }[];
  budgetBytes: number;
}

const staticImport = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|(?:^|\n)\s*import\s*['"](\.[^'"]+)['"]/g;
const dynamicImport = /import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

const gz = (code: string) => gzipSync(code, { level: 9 }).length;

export function measureEntrySize(entry = 'dist/index.js', budgetBytes = 15 * 1024): SizeResult {
  const seen = new Set<string>();
  const lazy = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const m of code.matchAll(staticImport)) visit(resolve(dirname(file), (m[1] ?? m[2])!));
    for (const m of code.matchAll(dynamicImport)) lazy.add(resolve(dirname(file), m[1]!));
  };
  visit(resolve(entry));
  // Lazy chunks may import further chunks; everything not statically reachable counts as lazy.
  const lazyAll = new Set<string>();
  const visitLazy = (file: string) => {
    if (lazyAll.has(file) || seen.has(file)) return;
    lazyAll.add(file);
    const code = readFileSync(file, 'utf8');
    for (const m of code.matchAll(staticImport)) visitLazy(resolve(dirname(file), (m[1] ?? m[2])!));
    for (const m of code.matchAll(dynamicImport)) visitLazy(resolve(dirname(file), m[1]!));
  };
  for (const file of lazy) visitLazy(file);
  const code = [...seen].map((f) => readFileSync(f, 'utf8')).join('\n');
  return {
    entryGzipBytes: gz(code),
    entryRawBytes: Buffer.byteLength(code),
    staticModules: [...seen].map((f) => relative(process.cwd(), f)),
    lazyChunks: [...lazyAll].map((f) => ({ file: relative(process.cwd(), f), gzipBytes: gz(readFileSync(f, 'utf8')) })),
    budgetBytes,
  };
}
