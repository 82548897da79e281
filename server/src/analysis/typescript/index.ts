// The TypeScript side of the workspace index (SPEC §2, §3, §6): every TypeScript
// file read into located facts — recognised `task()` calls and class
// declarations — with names resolved across files, so that the rest of Tasklens
// only ever sees fully qualified names.
//
// Speed shapes the design: a text pre-scan (`prescan.ts`) keeps most files from
// being parsed at all; the parser (`parse.ts`, the only module that loads
// TypeScript's compiler) is loaded on the first file that needs it; cross-file
// resolution (`names.ts`, `classes.ts`) is done lazily and cached until
// something it depends on changes.
import { moduleForFile } from '../../resolver';
import { TaskSource, TaskSourceQueries } from '../taskSource';
import { TypeScriptFileFacts } from '../typescriptFacts';
import { ClassTable, classTable, DeclaredClass, declaredClass } from './classes';
import { AnalysisDepth, FileRecord, fileRecord, TypeScriptAnalysisOptions } from './fileRecord';
import { Dependencies, importPathsNaming, NameResolver, resolutionKeyOf, resolvedFacts } from './names';
import type * as Parser from './parse';
import { analysisDepth, scanClasses } from './prescan';

export { AnalysisDepth, TypeScriptAnalysisOptions } from './fileRecord';
export { analysisDepth } from './prescan';

/** Counts of how files were read, for benchmarks and tests. */
export interface TypeScriptIndexStats {
  readonly files: number;
  readonly parsed: number;
  readonly classScanned: number;
  readonly skipped: number;
}

let parser: typeof Parser | undefined;

/** The parser, loaded on first use: with it TypeScript's compiler (~50 MB), which files the pre-scan skips never need. */
function loadParser(): typeof Parser {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  parser ??= require('./parse') as typeof Parser;
  return parser;
}

/** TypeScript's script kind for a file name (loads the compiler). */
export function scriptKindFor(file: string): ReturnType<typeof Parser.scriptKindFor> {
  return loadParser().scriptKindFor(file);
}

/**
 * Runs `read` for `file`; when it fails (a bug in Tasklens, never the user's
 * code), tells `options.onInternalError` and answers `fallback()` instead: one
 * odd file must not take the language server down with it.
 */
function guarded<T>(file: string, options: TypeScriptAnalysisOptions, read: () => T, fallback: () => T): T {
  try {
    return read();
  } catch (error) {
    options.onInternalError?.(error, file);
    return fallback();
  }
}

/** Reads one file's record, as deep as the pre-scan says (imports not yet followed into other files). */
function readFileRecord(file: string, text: string, options: TypeScriptAnalysisOptions): FileRecord {
  let depth: AnalysisDepth = 'skip';
  let module: string | undefined;
  const read = (): FileRecord => {
    depth = analysisDepth(text, options.taskFunctionNames);
    module = depth === 'skip' ? undefined : moduleForFile(file, options.moduleRoot);
    // A file outside the module root has no module, so neither its tasks nor its classes can be named.
    if (depth === 'skip' || module === undefined) return fileRecord(file, module, 'skip');
    if (depth === 'classScan') return scanClasses(file, module, text);
    return loadParser().parseFile(file, module, text, options.taskFunctionNames);
  };
  return guarded(file, options, read, () => fileRecord(file, module, depth));
}

/** The record's facts with names resolved; empty facts when resolving fails. */
function resolveFacts(record: FileRecord, resolver: NameResolver, options: TypeScriptAnalysisOptions): TypeScriptFileFacts {
  return guarded(record.file, options, () => resolvedFacts(record, resolver), () => ({ file: record.file, tasks: [], classes: [], imports: new Map() }));
}

/**
 * The facts of one file on its own: imports of other workspace files are
 * assumed to name `<path>.ts` (the index knows better). Never throws.
 */
export function analyzeTypeScriptFile(file: string, text: string, options: TypeScriptAnalysisOptions): TypeScriptFileFacts {
  const record = readFileRecord(file, text, options);
  return resolveFacts(record, new NameResolver(new Map([[file, record]]), options.moduleRoot), options);
}

interface CachedFacts {
  readonly facts: TypeScriptFileFacts;
  readonly deps: Dependencies;
  /** Made once: the class table is rebuilt from them on every change to a class. */
  readonly declaredClasses: readonly DeclaredClass[];
}

/**
 * Every TypeScript file of the workspace, read into facts, with names resolved
 * across files. Updates are per file; queries are computed lazily and cached;
 * a change drops only the cached resolutions that read the changed file.
 */
export class TypeScriptIndex extends TaskSourceQueries implements TaskSource {
  readonly language = 'typescript' as const;
  private analysisOptions: TypeScriptAnalysisOptions;
  private readonly records = new Map<string, FileRecord>();
  /** Kept so that new settings can re-read every file without asking for it again. */
  private readonly texts = new Map<string, string>();
  private changeCount = 0;
  private resolver: NameResolver;
  private readonly finalFacts = new Map<string, CachedFacts>();
  private classTableCache: ClassTable | undefined;

  constructor(options: TypeScriptAnalysisOptions) {
    super();
    this.analysisOptions = copyOptions(options);
    this.resolver = new NameResolver(this.records, this.analysisOptions.moduleRoot);
  }

  /** Increments on every change to the index. */
  get version(): number {
    return this.changeCount;
  }

  /** (Re-)reads one file; `file` is workspace-relative with `/`. The same text again is no change. */
  update(file: string, text: string): void {
    if (this.texts.get(file) === text) return;
    const old = this.records.get(file);
    const record = readFileRecord(file, text, this.analysisOptions);
    this.texts.set(file, text);
    this.records.set(file, record);
    if (old === undefined) this.invalidate(file, 'added');
    else this.invalidate(file, resolutionKeyOf(old) === resolutionKeyOf(record) ? 'body' : 'names', old);
    this.changeCount++;
  }

  remove(file: string): void {
    const old = this.records.get(file);
    if (old === undefined) return;
    this.records.delete(file);
    this.texts.delete(file);
    this.invalidate(file, 'removed', old);
    this.changeCount++;
  }

  rename(oldFile: string, newFile: string, text: string): void {
    const old = this.records.get(oldFile);
    this.records.delete(oldFile);
    this.texts.delete(oldFile);
    if (old !== undefined) this.invalidate(oldFile, 'removed', old);
    const replaced = this.records.get(newFile);
    this.texts.set(newFile, text);
    this.records.set(newFile, readFileRecord(newFile, text, this.analysisOptions));
    this.invalidate(newFile, replaced === undefined ? 'added' : 'names', replaced);
    this.changeCount++;
  }

  /**
   * New settings change every module and every recognised call: all files are
   * read again, from the texts the index keeps (so the caller need not supply them).
   */
  setOptions(options: TypeScriptAnalysisOptions): void {
    this.analysisOptions = copyOptions(options);
    for (const [file, text] of this.texts) this.records.set(file, readFileRecord(file, text, this.analysisOptions));
    this.resolver = new NameResolver(this.records, this.analysisOptions.moduleRoot);
    this.finalFacts.clear();
    this.dropQueryCaches(true, true);
    this.changeCount++;
  }

  files(): string[] {
    return [...this.records.keys()];
  }






  stats(): TypeScriptIndexStats {
    let parsed = 0;
    let classScanned = 0;
    for (const record of this.records.values()) {
      if (record.depth === 'parse') parsed++;
      else if (record.depth === 'classScan') classScanned++;
    }
    return { files: this.records.size, parsed, classScanned, skipped: this.records.size - parsed - classScanned };
  }

  // -- caching ------------------------------------------------------------------

  /**
   * Drops what a change to `file` can make stale: always its own facts; when the
   * names it offers changed (`names`), the resolutions that read it; when it
   * appeared or disappeared, also those that looked up an import path naming it.
   * The common case, typing inside a task file, is a `body` change.
   */
  private invalidate(file: string, change: 'body' | 'names' | 'added' | 'removed', old?: FileRecord): void {
    const current = this.records.get(file);
    let classesChanged = (old?.classes.length ?? 0) > 0 || (current?.classes.length ?? 0) > 0;
    let tasksChanged = (old?.tasks.length ?? 0) > 0 || (current?.tasks.length ?? 0) > 0;
    this.finalFacts.delete(file);
    // While the workspace is first read nothing is resolved yet: skip the bookkeeping.
    if (change !== 'body' && !(this.resolver.isEmpty && this.finalFacts.size === 0)) {
      const importPaths = change === 'names' ? [] : importPathsNaming(file);
      this.resolver.forget(file, importPaths);
      for (const [other, cached] of this.finalFacts) {
        if (!cached.deps.touches(file, importPaths)) continue;
        this.finalFacts.delete(other);
        if (cached.facts.classes.length > 0) classesChanged = true;
        if (cached.facts.tasks.length > 0) tasksChanged = true;
      }
    }
    this.dropQueryCaches(tasksChanged, classesChanged);
  }

  private dropQueryCaches(tasksChanged: boolean, classesChanged: boolean): void {
    if (tasksChanged) {
      this.allTasksCache = undefined;
      this.tasksByIdCache = undefined;
    }
    if (classesChanged) this.classTableCache = undefined;
  }

  protected cachedFacts(file: string): CachedFacts | undefined {
    const cached = this.finalFacts.get(file);
    if (cached !== undefined) return cached;
    const record = this.records.get(file);
    if (record === undefined) return undefined;
    const { value: facts, deps } = this.resolver.tracked(() => resolveFacts(record, this.resolver, this.analysisOptions));
    const entry = { facts, deps, declaredClasses: facts.classes.map((fact, i) => declaredClass(fact, record.classes[i].line)) };
    this.finalFacts.set(file, entry);
    return entry;
  }

  /** The files whose records hold at least one task. */
  protected filesWithTasks(): string[] {
    return [...this.records.values()].filter((r) => r.tasks.length > 0).map((r) => r.file);
  }

  protected cachedClassTable(): ClassTable {
    this.classTableCache ??= classTable(this.declaredClasses());
    return this.classTableCache;
  }

  private *declaredClasses(): Iterable<DeclaredClass> {
    for (const record of this.records.values()) {
      if (record.module === undefined || record.classes.length === 0) continue;
      yield* this.cachedFacts(record.file)?.declaredClasses ?? [];
    }
  }
}

function copyOptions(options: TypeScriptAnalysisOptions): TypeScriptAnalysisOptions {
  return { moduleRoot: options.moduleRoot, taskFunctionNames: [...options.taskFunctionNames], onInternalError: options.onInternalError };
}
