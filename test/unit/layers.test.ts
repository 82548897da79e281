// The layering of ARCHITECTURE.md, checked on the source: each layer imports
// only the layers below it, and the resolver imports no editor package.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../paths';

const LAYERS = ['resolver', 'analysis', 'features', 'glue'] as const;
type Layer = (typeof LAYERS)[number];

function layerOf(file: string): Layer | undefined {
  const rel = path.relative(path.join(REPO_ROOT, 'server', 'src'), file).replace(/\\/g, '/');
  if (rel.startsWith('..')) return undefined;
  const top = rel.split('/')[0];
  if (top === 'resolver' || top === 'analysis' || top === 'features') return top;
  return rel === 'protocol.ts' ? undefined : 'glue';
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+'([^']+)'|require\('([^']+)'\)/g)].map((m) => m[1] ?? m[2]);
}

test('each server layer imports only the layers below it', () => {
  const problems: string[] = [];
  for (const file of sourceFiles(path.join(REPO_ROOT, 'server', 'src'))) {
    const own = layerOf(file);
    if (own === undefined) continue;
    for (const spec of imports(file)) {
      if (!spec.startsWith('.')) continue;
      const target = layerOf(path.resolve(path.dirname(file), spec));
      if (target !== undefined && LAYERS.indexOf(target) > LAYERS.indexOf(own)) problems.push(`${path.relative(REPO_ROOT, file)} (${own}) imports ${spec} (${target})`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the resolver imports no editor, LSP or TypeScript package, and no file system', () => {
  const allowed = new Set(['yaml', 'smol-toml', 'jsonc-parser']);
  const problems: string[] = [];
  for (const file of sourceFiles(path.join(REPO_ROOT, 'server', 'src', 'resolver'))) {
    for (const spec of imports(file)) if (!spec.startsWith('.') && !allowed.has(spec)) problems.push(`${path.relative(REPO_ROOT, file)} imports ${spec}`);
  }
  assert.deepEqual(problems, []);
});

test('features know nothing of the LSP connection', () => {
  const problems: string[] = [];
  for (const file of sourceFiles(path.join(REPO_ROOT, 'server', 'src', 'features'))) {
    for (const spec of imports(file)) if (spec.startsWith('vscode-languageserver') && spec !== 'vscode-languageserver-types') problems.push(`${path.relative(REPO_ROOT, file)} imports ${spec}`);
  }
  assert.deepEqual(problems, []);
});

test('the client shares only the protocol file with the server', () => {
  const problems: string[] = [];
  for (const file of sourceFiles(path.join(REPO_ROOT, 'client', 'src'))) {
    for (const spec of imports(file)) {
      if (!spec.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), spec);
      if (target.startsWith(path.join(REPO_ROOT, 'server')) && !target.endsWith(path.join('server', 'src', 'protocol'))) problems.push(`${path.relative(REPO_ROOT, file)} imports ${spec}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the server and the CLI reach features only through the facade, features/index.ts', () => {
  const problems: string[] = [];
  for (const glue of ['server.ts', 'cli.ts']) {
    const file = path.join(REPO_ROOT, 'server', 'src', glue);
    for (const spec of imports(file)) if (spec.startsWith('./features/')) problems.push(`${glue} imports ${spec}`);
  }
  assert.deepEqual(problems, []);
});

// The workspace is read through diskHost.ts alone; typescript/compiler.ts reads Tasklens's own
// compiler bundle and its code cache beside it, never a workspace file.
test('only analysis/diskHost.ts (and the compiler loader) touches the file system among the analysis, features and resolver layers', () => {
  const problems: string[] = [];
  for (const layer of ['resolver', 'analysis', 'features']) {
    for (const file of sourceFiles(path.join(REPO_ROOT, 'server', 'src', layer))) {
      if (file.endsWith(path.join('analysis', 'diskHost.ts')) || file.endsWith(path.join('analysis', 'typescript', 'compiler.ts'))) continue;
      for (const spec of imports(file)) if (spec === 'fs' || spec === 'node:fs' || spec === 'fs/promises' || spec === 'node:fs/promises') problems.push(`${path.relative(REPO_ROOT, file)} imports ${spec}`);
    }
  }
  assert.deepEqual(problems, []);
});
