#!/usr/bin/env node
// Every type a public signature of the built declarations uses must be exported by the entry that
// exposes the signature: a user who needs to name it (to write a custom StageDriver, wrap a
// ChatRoom, pass options around) must be able to import it.
//
// Walks, with the TypeScript checker, every declaration each `exports` entry of package.json
// exports (classes, interfaces, type aliases, functions, variables), following the types their
// public members, parameters, return types and heritage clauses reference. A referenced type
// declared in this package's declaration files but not exported by the entry is reported, with
// the exported declaration that led to it. Private and `#private` members are not public.
//
//   node scripts/check-public-types.mjs [<package dir>]      (default: the SDK, its dist/)
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const pkgDir = resolve(process.argv[2] ?? '.');
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const distDir = join(pkgDir, 'dist');
const entries = Object.entries(pkg.exports)
  .filter(([, target]) => typeof target === 'object' && target.types)
  .map(([subpath, target]) => [subpath, join(pkgDir, target.types)]);

const program = ts.createProgram(
  entries.map(([, file]) => file),
  { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'], strict: true, noEmit: true, types: ['node'], typeRoots: [resolve('node_modules/@types')] },
);
const checker = program.getTypeChecker();
const inPackage = (node) => resolve(node.getSourceFile().fileName).startsWith(distDir);
const resolveAlias = (symbol) => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
const isPrivate = (node) =>
  (node.name && ts.isPrivateIdentifier(node.name)) ||
  (ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.PrivateKeyword));

const problems = [];
for (const [subpath, file] of entries) {
  const source = program.getSourceFile(file);
  if (!source) {
    problems.push(`${subpath}: ${file} not found`);
    continue;
  }
  const moduleSymbol = checker.getSymbolAtLocation(source);
  const exported = new Set();
  const exportedNames = new Set();
  const queue = [];
  for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
    const target = resolveAlias(symbol);
    exported.add(target);
    exportedNames.add(symbol.name);
    for (const declaration of target.declarations ?? []) queue.push([declaration, symbol.name]);
  }
  const seen = new Set();
  const reported = new Set();
  while (queue.length) {
    const [declaration, via] = queue.pop();
    if (seen.has(declaration)) continue;
    seen.add(declaration);
    const visit = (node) => {
      if (node !== declaration && isPrivate(node)) return;
      // Function and method bodies do not exist in declarations; initializers are not signatures.
      let name;
      if (ts.isTypeReferenceNode(node)) name = node.typeName;
      else if (ts.isExpressionWithTypeArguments(node)) name = node.expression;
      else if (ts.isTypeQueryNode(node)) name = node.exprName;
      if (name) {
        const symbol = checker.getSymbolAtLocation(ts.isQualifiedName(name) ? name.right : ts.isPropertyAccessExpression(name) ? name.name : name);
        const target = symbol && resolveAlias(symbol);
        if (target && !(target.flags & ts.SymbolFlags.TypeParameter)) {
          for (const decl of target.declarations ?? []) {
            if (!inPackage(decl)) continue;
            // Exported, a member of something exported, or re-exported under its own name (e.g. a
            // class re-exported as a constant plus a type of the same name).
            if (!exported.has(target) && !(target.parent && exported.has(target.parent)) && !exportedNames.has(target.name)) {
              const key = `${target.name}`;
              if (!reported.has(key)) {
                reported.add(key);
                problems.push(`${subpath}: ${target.name} (declared in ${decl.getSourceFile().fileName.slice(distDir.length + 1)}) is used by the public ${via} but not exported`);
              }
            }
            queue.push([decl, via]);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(declaration);
  }
}

if (problems.length) {
  console.error(`check-public-types: ${problems.length} type(s) used in public signatures are not exported\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(`check-public-types: every type used by a public signature of ${entries.map(([s]) => s).join(', ')} is exported`);
