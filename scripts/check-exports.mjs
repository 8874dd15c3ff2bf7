#!/usr/bin/env node
// Post-build checks:
// 1. every path named in package.json `exports` and `bin` exists;
// 2. the `.` entry and every chunk it can load contain no `@aws-sdk` code and no static import of
//    `amazon-ivs-web-broadcast` or `amazon-ivs-chat-messaging` (they must load on first use);
// 3. importing `.` in plain Node (no window/navigator/document) succeeds: SSR-safe.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const failures = [];
// The build checks its staging folder before swapping it in as dist/ (DIST_DIR).
const distDir = process.env.DIST_DIR ?? 'dist';
const inDist = (file) => file.replace(/^\.\/dist\//, `./${distDir}/`);

const paths = [];
for (const [subpath, target] of Object.entries(pkg.exports)) {
  if (typeof target === 'string') paths.push([subpath, target]);
  else for (const [cond, file] of Object.entries(target)) paths.push([`${subpath} (${cond})`, file]);
}
for (const [name, file] of Object.entries(pkg.bin ?? {})) paths.push([`bin ${name}`, file]);
for (const [what, file] of paths) if (!existsSync(inDist(file))) failures.push(`${what}: ${file} does not exist`);

// Walk the static import graph of the browser entry (dynamic imports are allowed to reach heavy deps).
const staticImport = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;
const dynamicImport = /import\(\s*['"]([^'"]+)['"]\s*\)/g;
function walk(file, seen, dynamicSeen) {
  if (seen.has(file)) return;
  seen.add(file);
  const code = readFileSync(file, 'utf8');
  for (const m of code.matchAll(staticImport)) {
    const spec = m[1] ?? m[2];
    if (spec.startsWith('.')) walk(resolve(dirname(file), spec), seen, dynamicSeen);
    else if (/^(@aws-sdk\/|@smithy\/|amazon-ivs-web-broadcast|amazon-ivs-chat-messaging)/.test(spec))
      failures.push(`${file} statically imports ${spec}; the "." entry must load it lazily or not at all`);
  }
  for (const m of code.matchAll(dynamicImport)) {
    if (m[1].startsWith('.')) dynamicSeen.add(resolve(dirname(file), m[1]));
  }
  if (/@aws-sdk\//.test(code) && !/import\(\s*['"]@aws-sdk/.test(code)) {
    if (/from\s*['"]@aws-sdk\//.test(code)) failures.push(`${file} contains @aws-sdk code`);
  }
}
const seen = new Set();
const lazy = new Set();
walk(resolve(distDir, 'index.js'), seen, lazy);
// Lazily loaded chunks must not pull the AWS SDK either.
for (const file of [...lazy]) {
  if (!existsSync(file)) {
    failures.push(`${file} is imported lazily by "." but is not in the build`);
    continue;
  }
  const code = readFileSync(file, 'utf8');
  if (/from\s*['"]@aws-sdk\//.test(code)) failures.push(`${file} (lazy chunk of ".") imports @aws-sdk`);
}

// What each entry can ever load (static and dynamic imports, followed through the chunks): the
// stage-only and chat-only entries must not reach the other peer SDK (a bundler would need it
// installed), and none of the browser entries nor the server handler may reach the AWS SDK.
function reach(entry) {
  const files = new Set();
  const packages = new Set();
  const visit = (file) => {
    if (files.has(file)) return;
    files.add(file);
    const code = readFileSync(file, 'utf8');
    for (const m of [...code.matchAll(staticImport), ...code.matchAll(dynamicImport)]) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else packages.add(spec);
    }
  };
  visit(resolve(distDir, entry));
  return packages;
}
const mustNotReach = {
  'entries/stage.js': [/^amazon-ivs-chat-messaging/, /^@aws-sdk\//, /^@smithy\//],
  'entries/chat.js': [/^amazon-ivs-web-broadcast/, /^@aws-sdk\//, /^@smithy\//],
  'index.js': [/^@aws-sdk\//, /^@smithy\//],
  'server.js': [/^@aws-sdk\//, /^@smithy\//, /^amazon-ivs-/],
  'protocol.js': [/^@aws-sdk\//, /^@smithy\//, /^amazon-ivs-/],
};
for (const [entry, patterns] of Object.entries(mustNotReach)) {
  if (!existsSync(resolve(distDir, entry))) continue; // reported above as a missing export path
  for (const spec of reach(entry)) {
    if (patterns.some((pattern) => pattern.test(spec))) failures.push(`${entry} can load ${spec}, which it must never reach`);
  }
}

// SSR safety: import the entry with no DOM globals.
for (const g of ['window', 'document', 'navigator']) {
  if (g in globalThis && g !== 'navigator') failures.push(`unexpected global ${g} in the check process`);
}
try {
  await import(pathToFileURL(join(process.cwd(), distDir, 'index.js')).href);
} catch (error) {
  failures.push(`importing ${distDir}/index.js without a DOM failed: ${error instanceof Error ? error.message : error}`);
}

if (failures.length) {
  console.error(`check-exports: ${failures.length} problem(s)\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log(`check-exports: ${paths.length} export paths exist; "." reaches ${seen.size} module(s) statically, no @aws-sdk code, no static media/chat SDK import; imports without a DOM; /stage never reaches the chat SDK, /chat never the stage SDK, /server no AWS SDK.`);
