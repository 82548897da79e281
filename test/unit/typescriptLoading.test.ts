// TypeScript's compiler (~50 MB) is loaded only when a file needs a full parse:
// a workspace whose files the pre-scan skips or line-scans never pays for it.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from '../paths';

const INDEX_MODULE = path.join(REPO_ROOT, 'build', 'server', 'src', 'analysis', 'typescriptIndex.js');

test('the compiler is loaded on the first file that needs a parse, not before', () => {
  // A fresh process: this test file's own process may have loaded the compiler already.
  const script = `
    const { TypeScriptIndex, analyzeTypeScriptFile } = require(${JSON.stringify(INDEX_MODULE)});
    const compilerLoaded = () => Object.keys(require.cache).some((f) => /[\\\\/]node_modules[\\\\/]typescript[\\\\/]/.test(f));
    const options = { moduleRoot: '', taskFunctionNames: ['task'], onInternalError: (error) => { throw error; } };
    const index = new TypeScriptIndex(options);
    index.update('src/util.ts', 'export function load(tasks: string[]) { return runTask(tasks); }');
    index.update('src/cache.ts', 'export class Cache {}\\nexport default class Store {}');
    const single = analyzeTypeScriptFile('src/other.ts', 'export const x = 1;', options);
    const before = { compilerLoaded: compilerLoaded(), stats: index.stats(), classes: index.exceptionClasses().map((c) => c.name), tasks: index.tasks().length, single: single.tasks.length };
    index.update('src/jobs.ts', 'export const sendEmail = task(() => 1);');
    const after = { compilerLoaded: compilerLoaded(), tasks: index.tasks().map((t) => t.func) };
    console.log(JSON.stringify({ before, after }));
  `;
  const result = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as unknown;
  assert.deepEqual(result, {
    before: { compilerLoaded: false, stats: { files: 2, parsed: 0, classScanned: 1, skipped: 1 }, classes: ['Cache', 'Store'], tasks: 0, single: 0 },
    after: { compilerLoaded: true, tasks: ['sendEmail'] },
  });
});

test("only the TypeScript index's parse.ts imports the compiler", () => {
  const importers: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && /^(?!import type).*(?:from\s+|require\()'typescript'/m.test(fs.readFileSync(full, 'utf8'))) importers.push(path.relative(REPO_ROOT, full).split(path.sep).join('/'));
    }
  };
  walk(path.join(REPO_ROOT, 'server', 'src'));
  assert.deepEqual(importers, ['server/src/analysis/typescript/parse.ts']);
});

const COMPILER_MODULE = path.join(REPO_ROOT, 'build', 'server', 'src', 'analysis', 'typescript', 'compiler.js');
const BUNDLED_COMPILER = path.join(REPO_ROOT, 'server', 'out', 'typescript.js');
const BUNDLED_CACHE = path.join(REPO_ROOT, 'server', 'out', 'typescript.cache');

/** In a fresh process: what `preloadCompiler(dir)` says, and whether the compiler then required from `dir` parses. */
function preloadIn(dir: string): { cache: string; parses: boolean } {
  const script = `
    const cache = require(${JSON.stringify(COMPILER_MODULE)}).preloadCompiler(${JSON.stringify(dir)});
    const ts = require(${JSON.stringify(path.join(dir, 'typescript.js'))});
    const sf = ts.createSourceFile('a.ts', 'export const a = task({ max_retries: 2 }, () => 1);', { languageVersion: ts.ScriptTarget.Latest }, false);
    console.log(JSON.stringify({ cache, parses: sf.statements.length === 1 }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { cache: string; parses: boolean };
}

test('the build writes a code cache of the compiler that this Node uses', () => {
  assert.deepEqual(preloadIn(path.dirname(BUNDLED_COMPILER)), { cache: 'used', parses: true });
});

test('a code cache that is not of this compiler, or that V8 refuses, is not used, and the compiler still loads', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklens-compiler-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const compiler = fs.readFileSync(BUNDLED_COMPILER);
  const cache = fs.readFileSync(BUNDLED_CACHE);
  fs.writeFileSync(path.join(dir, 'typescript.js'), compiler);
  assert.deepEqual(preloadIn(dir), { cache: 'none', parses: true }, 'no cache');
  // Another compiler of the same length (V8 itself would only compare lengths).
  const other = Buffer.from(compiler);
  // (Its last character, a line break, made a space.)
  other[other.length - 1] = other[other.length - 1] === 0x20 ? 0x0a : 0x20;
  fs.writeFileSync(path.join(dir, 'typescript.js'), other);
  fs.writeFileSync(path.join(dir, 'typescript.cache'), cache);
  assert.deepEqual(preloadIn(dir), { cache: 'stale', parses: true }, 'the cache of another compiler');
  fs.writeFileSync(path.join(dir, 'typescript.js'), compiler);
  const damaged = Buffer.from(cache);
  damaged.fill(0x5a, cache.length - 100);
  fs.writeFileSync(path.join(dir, 'typescript.cache'), damaged);
  assert.deepEqual(preloadIn(dir), { cache: 'stale', parses: true }, 'damaged data');
  // Data V8 refuses (of another V8, say), with digests that hold.
  const compilerModule = require(COMPILER_MODULE) as { compilerCacheBytes(source: Buffer, data: Buffer): Buffer };
  fs.writeFileSync(path.join(dir, 'typescript.cache'), compilerModule.compilerCacheBytes(compiler, Buffer.alloc(4096, 0x5a)));
  assert.deepEqual(preloadIn(dir), { cache: 'refused', parses: true }, 'data V8 refuses');
});
