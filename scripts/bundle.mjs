// Bundles the client, the language server and the CLI with esbuild, so the
// extension and the bins run without node_modules beside them. TypeScript's
// compiler is a bundle of its own (server/out/typescript.js), loaded only when a
// workspace has TypeScript files: a YAML-only workspace does not pay for it. The
// Python parser likewise (server/out/python.js).
import { build } from 'esbuild';
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';

// ESM entry points first: jsonc-parser's UMD build requires files a bundle does not have.
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', mainFields: ['module', 'main'] };

/** `require('typescript')` in the server and CLI becomes `require('./typescript.js')` beside them. */
const typescriptBeside = {
  name: 'typescript-beside',
  setup(b) {
    b.onResolve({ filter: /^typescript$/ }, () => ({ path: './typescript.js', external: true }));
  },
};

/**
 * The Python parser (`@lezer/python`) is a bundle of its own too (server/out/python.js), loaded
 * on the first Python file that needs parsing: `require('./lezer')` in server/src/analysis/python/
 * becomes `require('./python.js')` beside the server and CLI bundles.
 */
const pythonParserBeside = {
  name: 'python-parser-beside',
  setup(b) {
    b.onResolve({ filter: /^\.\/lezer$/ }, (args) => (/[\\/]analysis[\\/]python$/.test(args.resolveDir) ? { path: './python.js', external: true } : undefined));
  },
};

/**
 * TypeScript's compiler, minified: a second of bundling on every build for a file that changes only
 * with the `typescript` package (or this script), so it is kept while newer than both.
 */
const TYPESCRIPT_IN = 'node_modules/typescript/lib/typescript.js';
const TYPESCRIPT_OUT = 'server/out/typescript.js';
const mtime = (file) => fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -Infinity;
const typescriptCurrent = mtime(TYPESCRIPT_OUT) > Math.max(mtime(TYPESCRIPT_IN), mtime(new URL(import.meta.url)));

await Promise.all([
  build({ ...common, minify: true, sourcemap: false, entryPoints: ['server/src/analysis/python/lezer.ts'], outfile: 'server/out/python.js' }),
  typescriptCurrent ? undefined : build({ ...common, minify: true, sourcemap: false, entryPoints: [TYPESCRIPT_IN], outfile: TYPESCRIPT_OUT }),
  build({ ...common, minify: !process.env.TASKLENS_NO_MINIFY, entryPoints: ['server/src/server.ts'], outfile: 'server/out/server.js', banner: { js: '#!/usr/bin/env node' }, plugins: [typescriptBeside, pythonParserBeside] }),
  // The worker that parses TypeScript files for the first index of a large workspace (server/src/analysis/typescript/parseWorker.ts).
  build({ ...common, minify: true, sourcemap: false, entryPoints: ['server/src/analysis/typescript/parseWorkerMain.ts'], outfile: 'server/out/typescriptWorker.js', plugins: [typescriptBeside] }),
  // A shell line first, so that Node never parses Tasklens's options (Node 20 takes `--env-file` from anywhere).
  build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'server/out/cli.js', banner: { js: '#!/bin/sh\n":" //# ; exec /usr/bin/env node "$0" -- "$@"' }, plugins: [typescriptBeside, pythonParserBeside] }),
  build({ ...common, minify: true, entryPoints: ['client/src/extension.ts'], outfile: 'client/out/extension.js', external: ['vscode'] }),
]);

await writeCompilerCache();

/**
 * V8's code cache of TypeScript's compiler bundle, for this Node (server/src/analysis/typescript/compiler.ts
 * loads the compiler with it): the compiler is run as the server runs it, then made to parse this
 * repository's own sources, so that the parser's functions are in the cache compiled.
 */
async function writeCompilerCache() {
  const require = createRequire(import.meta.url);
  const { COMPILER_CACHE_FILE, COMPILER_FILE, compilerCacheBytes, runCompiler } = require('../build/server/src/analysis/typescript/compiler.js');
  const file = path.resolve('server/out', COMPILER_FILE);
  const source = fs.readFileSync(file);
  const { script, module } = runCompiler(file, source);
  const ts = module.exports;
  const options = { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone };
  const walk = (sf, node) => {
    node.getStart(sf);
    sf.getLineAndCharacterOfPosition(node.end);
    ts.forEachChild(node, (child) => walk(sf, child));
  };
  for (const dir of ['server/src', 'client/src']) {
    for (const name of fs.readdirSync(dir, { recursive: true })) {
      if (!/\.ts$/.test(name)) continue;
      const sf = ts.createSourceFile(name, fs.readFileSync(path.join(dir, name), 'utf8'), options, false, ts.ScriptKind.TS);
      walk(sf, sf);
    }
  }
  fs.writeFileSync(path.resolve('server/out', COMPILER_CACHE_FILE), compilerCacheBytes(source, script.createCachedData()));
}

// The bins run as programs (`tasklens`, `tasklens-language-server`), not only through `node`.
for (const bin of ['server/out/cli.js', 'server/out/server.js']) fs.chmodSync(bin, 0o755);
