// TypeScript's compiler from V8's code cache. The build writes the cache of the
// bundled compiler (`server/out/typescript.js`) beside it (`typescript.cache`):
// with it the compiler loads in a third of the time, its parser already compiled
// (a large workspace's first index waits on that load in the parsing child).
// `preloadCompiler` puts the compiler so loaded in Node's module cache, where
// `parse.ts`'s `require` finds it. A cache made of another compiler file, or
// damaged (V8 checks neither in a release build: the file starts with both
// digests), is not used; one this Node's V8 refuses (another version, Electron's)
// is ignored; with neither, or run from the compiled sources (tests),
// `require` loads the compiler as usual. Reads Tasklens's own files only.
import { createHash } from 'crypto';
import * as fs from 'fs';
import Module = require('module');
import * as path from 'path';
import * as vm from 'vm';

/** What `preloadCompiler` did: loaded the compiler with the cache; found none, or one not of this compiler or damaged; V8 refused it; the compiler was loaded already. */
export type CompilerCache = 'used' | 'none' | 'stale' | 'refused' | 'loaded';

export const COMPILER_FILE = 'typescript.js';
export const COMPILER_CACHE_FILE = 'typescript.cache';
const DIGEST_BYTES = 20;

/** The cache file's contents: the compiler file's digest and V8's data's, then the data. */
export function compilerCacheBytes(compilerSource: Buffer, v8Data: Buffer): Buffer {
  return Buffer.concat([digest(compilerSource), digest(v8Data), v8Data]);
}

/**
 * Compiles and runs the compiler file `file` as Node runs a CommonJS module
 * (a cache is of exactly this wrapped text), with V8's `cachedData` when given.
 */
export function runCompiler(file: string, source: Buffer, cachedData?: Buffer): { readonly script: vm.Script; readonly module: Module } {
  const script = new vm.Script(Module.wrap(source.toString('utf8')), { filename: file, cachedData });
  const compiled = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  const module = new Module(file);
  module.filename = file;
  compiled.call(module.exports, module.exports, Module.createRequire(file), module, file, path.dirname(file));
  module.loaded = true;
  return { script, module };
}

function digest(bytes: Buffer): Buffer {
  return createHash('sha1').update(bytes).digest();
}

/**
 * Loads `dir`'s compiler with its cache into Node's module cache, once; never
 * throws (whatever fails leaves the compiler to `require`).
 */
export function preloadCompiler(dir = __dirname): CompilerCache {
  const file = path.join(dir, COMPILER_FILE);
  if (require.cache[file] !== undefined) return 'loaded';
  let source: Buffer;
  let cache: Buffer;
  try {
    cache = fs.readFileSync(path.join(dir, COMPILER_CACHE_FILE));
    source = fs.readFileSync(file);
  } catch {
    return 'none';
  }
  const data = cache.subarray(2 * DIGEST_BYTES);
  if (data.length === 0 || !digest(source).equals(cache.subarray(0, DIGEST_BYTES)) || !digest(data).equals(cache.subarray(DIGEST_BYTES, 2 * DIGEST_BYTES))) return 'stale';
  try {
    const { script, module } = runCompiler(file, source, data);
    require.cache[file] = module;
    return script.cachedDataRejected === true ? 'refused' : 'used';
  } catch {
    return 'none';
  }
}
