#!/usr/bin/env node
/**
 * Structure checks of `src/` and `packages/ivs-local/src/`, run by `npm test` (scripts/test-all.sh) as counted steps:
 *
 *   node scripts/check-structure.mjs circles      no import circle between files (type-only imports
 *                                                 and `export … from` included), via the TypeScript parser
 *   node scripts/check-structure.mjs size         no file over 400 lines
 *   node scripts/check-structure.mjs duplicates   no repeated logic: no run of ≥ 50 identical tokens
 *                                                 spanning ≥ 5 lines in two places (import/export lists
 *                                                 aside), a copy-paste detector in the manner of jscpd
 *
 * Each prints what it found and exits 1 on a violation not in ALLOWED below.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const srcDirs = [join(root, 'src'), join(root, 'packages/ivs-local/src')];

/**
 * Known violations, each with the reason it is tolerated for now. Each entry names the file(s) of one
 * finding; a stale entry is reported so that the list only shrinks.
 */
const ALLOWED = {
  circles: [],
  size: [],
  duplicates: [],
};

const MAX_LINES = 400;
const MIN_TOKENS = 50;
const MIN_LINES = 5;

function sourceFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (/\.(ts|mts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(path);
  }
  return files.sort();
}

const rel = (path) => relative(root, path).split('\\').join('/');
const parse = (path) => ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);

/** Relative module specifiers of a file: imports, `import type`, `export … from`, `import()`, `typeof import()`. */
function specifiersOf(sourceFile) {
  const found = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      found.push(node.arguments[0].text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found.filter((s) => s.startsWith('.'));
}

function resolveImport(from, specifier, known) {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts'), base.replace(/\.js$/, '.ts')]) if (known.has(candidate)) return candidate;
  return undefined;
}

/** Strongly connected components with more than one file (Tarjan), each as sorted relative paths. */
function circles(files) {
  const known = new Set(files);
  const edges = new Map(files.map((f) => [f, [...new Set(specifiersOf(parse(f)).map((s) => resolveImport(f, s, known)).filter(Boolean))]]));
  let index = 0;
  const indices = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const strongConnect = (v) => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)) {
      if (!indices.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v), indices.get(w)));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.map(rel).sort());
    }
  };
  for (const f of files) if (!indices.has(f)) strongConnect(f);
  return components.map((c) => c.join(' ↔ '));
}

function oversized(files) {
  return files
    // Generated data (e.g. the bots' pre-encoded media, made by scripts/make-bot-assets.sh) is not code.
    .filter((f) => !f.endsWith('.generated.ts'))
    .map((f) => ({ file: rel(f), lines: readFileSync(f, 'utf8').split('\n').length - 1 }))
    .filter(({ lines }) => lines > MAX_LINES)
    .map(({ file, lines }) => ({ key: file, text: `${file}: ${lines} lines (at most ${MAX_LINES})` }));
}

/** Tokens of a file outside import/export lists: `{ text, line }`. */
function tokensOf(path) {
  const sourceFile = parse(path);
  const skipped = [];
  for (const statement of sourceFile.statements) {
    const list =
      ts.isImportDeclaration(statement) ||
      ts.isImportEqualsDeclaration(statement) ||
      (ts.isExportDeclaration(statement) && (statement.moduleSpecifier !== undefined || statement.exportClause !== undefined));
    if (list) skipped.push([statement.getStart(sourceFile), statement.end]);
  }
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, sourceFile.text);
  const tokens = [];
  let s = 0;
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    const pos = scanner.getTokenStart();
    while (s < skipped.length && skipped[s][1] <= pos) s++;
    if (s < skipped.length && skipped[s][0] <= pos) continue;
    tokens.push({ text: scanner.getTokenText(), line: sourceFile.getLineAndCharacterOfPosition(pos).line + 1 });
  }
  return tokens;
}

/** Runs of ≥ MIN_TOKENS identical tokens (≥ MIN_LINES lines) found in two places. */
function duplicates(files) {
  const all = files.map((f) => ({ file: rel(f), tokens: tokensOf(f) }));
  const windows = new Map();
  const found = new Map();
  for (const [fi, { tokens }] of all.entries()) {
    for (let i = 0; i + MIN_TOKENS <= tokens.length; i++) {
      const key = tokens
        .slice(i, i + MIN_TOKENS)
        .map((t) => t.text)
        .join('\u0000');
      const first = windows.get(key);
      if (!first) {
        windows.set(key, [fi, i]);
        continue;
      }
      const [fj, j] = first;
      if (fj === fi && i - j < MIN_TOKENS) continue; // Overlapping repetition within one run.
      const a = all[fj];
      const b = all[fi];
      const aLines = [a.tokens[j].line, a.tokens[j + MIN_TOKENS - 1].line];
      const bLines = [b.tokens[i].line, b.tokens[i + MIN_TOKENS - 1].line];
      if (aLines[1] - aLines[0] + 1 < MIN_LINES && bLines[1] - bLines[0] + 1 < MIN_LINES) continue;
      const pair = `${a.file} ~ ${b.file}`;
      const previous = found.get(pair);
      // Merge consecutive windows of one pair into one finding.
      if (previous && previous.aEnd >= aLines[0] - 1 && previous.bEnd >= bLines[0] - 1) {
        previous.aEnd = Math.max(previous.aEnd, aLines[1]);
        previous.bEnd = Math.max(previous.bEnd, bLines[1]);
      } else if (!previous) {
        found.set(pair, { pair, aStart: aLines[0], aEnd: aLines[1], bStart: bLines[0], bEnd: bLines[1], a: a.file, b: b.file });
      }
    }
  }
  return [...found.values()].map((d) => ({ key: d.pair, text: `${d.a}:${d.aStart}-${d.aEnd} ~ ${d.b}:${d.bStart}-${d.bEnd}` }));
}

const check = process.argv[2];
const files = srcDirs.flatMap((dir) => sourceFiles(dir));
let findings;
if (check === 'circles') findings = circles(files).map((c) => ({ key: c, text: c }));
else if (check === 'size') findings = oversized(files);
else if (check === 'duplicates') findings = duplicates(files);
else {
  console.error('usage: node scripts/check-structure.mjs circles|size|duplicates');
  process.exit(2);
}

const allowed = ALLOWED[check];
const violations = findings.filter((f) => !allowed.includes(f.key));
const tolerated = findings.filter((f) => allowed.includes(f.key));
for (const f of tolerated) console.log(`allowed (being reworked elsewhere): ${f.text}`);
for (const f of violations) console.log(`VIOLATION: ${f.text}`);
const stale = allowed.filter((key) => !findings.some((f) => f.key === key));
for (const key of stale) console.log(`note: the allowlist entry "${key}" no longer matches anything; remove it.`);
console.log(`${check}: ${files.length} files, ${violations.length} violation(s), ${tolerated.length} allowed`);
process.exit(violations.length === 0 ? 0 : 1);
