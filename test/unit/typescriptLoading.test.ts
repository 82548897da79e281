// TypeScript's compiler (~50 MB) is loaded only when a file needs a full parse:
// a workspace whose files the pre-scan skips or line-scans never pays for it.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
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
