#!/usr/bin/env node
// Gives every relative import in emitted declaration files its file name as Node resolves it
// (`./core/errors` → `./core/errors.js`, `./media` → `./media/index.js`). tsc copies specifiers
// as written, and the sources use extensionless imports (fine for bundlers); under
// `moduleResolution: node16`/`nodenext` an extensionless relative import does not resolve, and with
// `skipLibCheck` every type from the package would silently become `any`.
//
//   node scripts/fix-dts-extensions.mjs <dir>      (rewrites <dir>/**/*.d.ts in place)
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Rewrites the relative specifiers of one declaration file's text; `file` is its path. */
export function fixSpecifiers(text, file) {
  const fix = (specifier) => {
    if (!specifier.startsWith('./') && !specifier.startsWith('../')) return specifier;
    if (/\.(js|mjs|cjs|json)$/.test(specifier)) return specifier;
    const target = resolve(dirname(file), specifier);
    if (existsSync(`${target}.d.ts`)) return `${specifier}.js`;
    if (existsSync(target) && statSync(target).isDirectory() && existsSync(join(target, 'index.d.ts'))) return `${specifier}/index.js`;
    throw new Error(`${file}: cannot resolve the declaration of "${specifier}"`);
  };
  return text
    .replace(/(\bfrom\s*|\bimport\s*)(['"])([^'"]+)\2/g, (_, head, quote, spec) => `${head}${quote}${fix(spec)}${quote}`)
    .replace(/(\bimport\(\s*)(['"])([^'"]+)\2(\s*\))/g, (_, head, quote, spec, tail) => `${head}${quote}${fix(spec)}${quote}${tail}`);
}

function declarations(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return declarations(path);
    return entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const dir = process.argv[2];
if (!dir) {
  console.error('usage: fix-dts-extensions.mjs <dir>');
  process.exit(2);
}
let changed = 0;
for (const file of declarations(dir)) {
  const text = readFileSync(file, 'utf8');
  const fixed = fixSpecifiers(text, file);
  if (fixed !== text) {
    writeFileSync(file, fixed);
    changed += 1;
  }
}
console.log(`fix-dts-extensions: ${changed} declaration file(s) in ${dir} now import with explicit extensions`);
