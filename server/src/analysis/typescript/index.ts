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
import { FileChange, guarded, TaskSourceIndex } from '../sourceIndex';
import { TaskSource } from '../taskSource';
import { TypeScriptFileFacts } from '../typescriptFacts';
import { ClassTable, classTable, DeclaredClass, declaredClass } from './classes';
import { preloadCompiler } from './compiler';
import { AnalysisDepth, FileRecord, fileRecord, TypeScriptAnalysisOptions } from './fileRecord';
import { Dependencies, importPathsNaming, NameResolver, resolutionKeyOf, resolvedFacts } from './names';
import type * as Parser from './parse';
import { analysisDepth, scanClasses } from './prescan';

export { AnalysisDepth, FileRecord, TypeScriptAnalysisOptions } from './fileRecord';
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
  if (parser === undefined) {
    // Beside the bundles, from its code cache (`compiler.ts`).
    preloadCompiler();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    parser = require('./parse') as typeof Parser;
  }
  return parser;
}

/** Loads the parser (and TypeScript's compiler) ahead of the first parse that needs it. */
export function loadTypeScriptParser(): void {
  loadParser();
}

/** TypeScript's script kind for a file name (loads the compiler). */
export function scriptKindFor(file: string): ReturnType<typeof Parser.scriptKindFor> {
  return loadParser().scriptKindFor(file);
}

/**
 * What reading one file takes: its record, read here (skipped, or scanned for
 * classes), or a parse of it as module `parseAs`, which loads TypeScript's
 * compiler (a child process may do it: `parseWorker.ts`).
 */
type PlannedRead = { readonly record: FileRecord; readonly parseAs?: undefined } | { readonly record?: undefined; readonly parseAs: string };

/** As deep as the pre-scan says; never throws. */
function planRead(file: string, text: string, options: TypeScriptAnalysisOptions): PlannedRead {
  let depth: AnalysisDepth = 'skip';
  let module: string | undefined;
  const plan = (): PlannedRead => {
    depth = analysisDepth(text, options.taskFunctionNames);
    module = depth === 'skip' ? undefined : moduleForFile(file, options.moduleRoot);
    // A file outside the module root has no module, so neither its tasks nor its classes can be named.
    if (depth === 'skip' || module === undefined) return { record: fileRecord(file, module, 'skip') };
    if (depth === 'classScan') return { record: scanClasses(file, module, text) };
    return { parseAs: module };
  };
  return guarded(file, options.onInternalError, plan, () => ({ record: fileRecord(file, module, depth) }));
}

/** Reads one file's record, as deep as the pre-scan says (imports not yet followed into other files). */
function readFileRecord(file: string, text: string, options: TypeScriptAnalysisOptions): FileRecord {
  const planned = planRead(file, text, options);
  if (planned.record) return planned.record;
  const module = planned.parseAs;
  return guarded(file, options.onInternalError, () => loadParser().parseFile(file, module, text, options.taskFunctionNames), () => fileRecord(file, module, 'parse'));
}

/** The record's facts with names resolved; empty facts when resolving fails. */
function resolveFacts(record: FileRecord, resolver: NameResolver, options: TypeScriptAnalysisOptions): TypeScriptFileFacts {
  return guarded(record.file, options.onInternalError, () => resolvedFacts(record, resolver), () => ({ file: record.file, tasks: [], classes: [], imports: new Map() }));
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
export class TypeScriptIndex extends TaskSourceIndex<FileRecord, DeclaredClass, CachedFacts, ClassTable> implements TaskSource {
  readonly language = 'typescript' as const;
  private analysisOptions: TypeScriptAnalysisOptions;
  private resolver: NameResolver;

  constructor(options: TypeScriptAnalysisOptions) {
    super();
    this.analysisOptions = copyOptions(options);
    this.resolver = new NameResolver(this.records, this.analysisOptions.moduleRoot);
  }

  /** (Re-)reads one file; `file` is workspace-relative with `/`. The same text again is no change. */
  update(file: string, text: string): void {
    this.replaceText(file, text, () => readFileRecord(file, text, this.analysisOptions));
  }

  /**
   * For reading many files with the parsing done elsewhere (a child process): the
   * module to parse `text` as, when it needs a parse and is not the text the
   * index has; otherwise the file is read here, now, and the answer is undefined.
   */
  planUpdate(file: string, text: string): string | undefined {
    if (this.texts.get(file) === text) return undefined;
    const planned = planRead(file, text, this.analysisOptions);
    if (planned.record) this.replaceText(file, text, () => planned.record);
    return planned.parseAs;
  }

  /** Takes the record `parseFile` made of `text` elsewhere, for the module `planUpdate` named. */
  updateParsed(file: string, text: string, record: FileRecord): void {
    this.replaceText(file, text, () => record);
  }

  /** What files are read with; new settings replace the object (so a parse made with the old one is stale). */
  get readingOptions(): TypeScriptAnalysisOptions {
    return this.analysisOptions;
  }

  rename(oldFile: string, newFile: string, text: string): void {
    const old = this.records.get(oldFile);
    this.records.delete(oldFile);
    this.texts.delete(oldFile);
    if (old !== undefined) this.invalidate(oldFile, 'removed', old);
    const replaced = this.records.get(newFile);
    this.texts.set(newFile, text);
    this.store(newFile, readFileRecord(newFile, text, this.analysisOptions), replaced);
    this.invalidate(newFile, replaced === undefined ? 'added' : 'names', replaced);
    this.noteChange();
  }

  /**
   * New settings change every module and every recognised call: all files are
   * read again, from the texts the index keeps (so the caller need not supply them).
   */
  setOptions(options: TypeScriptAnalysisOptions): void {
    this.analysisOptions = copyOptions(options);
    this.resolver = new NameResolver(this.records, this.analysisOptions.moduleRoot);
    this.readAllAgain((file, text) => readFileRecord(file, text, this.analysisOptions));
  }

  stats(): TypeScriptIndexStats {
    const byDepth = this.filesByDepth();
    return { files: this.records.size, parsed: byDepth.get('parse') ?? 0, classScanned: byDepth.get('classScan') ?? 0, skipped: byDepth.get('skip') ?? 0 };
  }

  // -- what TaskSourceIndex asks of a language -------------------------------------

  protected resolutionKey(record: FileRecord): string {
    return resolutionKeyOf(record);
  }

  protected get resolverIsEmpty(): boolean {
    return this.resolver.isEmpty;
  }

  /** A file's names changed: what read it; it appeared or went: also what looked up an import path naming it. */
  protected forgetReadsOf(file: string, change: Exclude<FileChange, 'body'>): (cached: CachedFacts) => boolean {
    const importPaths = change === 'names' ? [] : importPathsNaming(file);
    this.resolver.forget(file, importPaths);
    return (cached) => cached.deps.touches(file, importPaths);
  }

  protected resolve(record: FileRecord): CachedFacts {
    const { value: facts, deps } = this.resolver.tracked(() => resolveFacts(record, this.resolver, this.analysisOptions));
    return { facts, deps, declaredClasses: facts.classes.map((fact, i) => declaredClass(fact, record.classes[i].line)) };
  }

  protected buildClassTable(): ClassTable {
    return classTable(this.declaredClasses());
  }
}

function copyOptions(options: TypeScriptAnalysisOptions): TypeScriptAnalysisOptions {
  return { moduleRoot: options.moduleRoot, taskFunctionNames: [...options.taskFunctionNames], onInternalError: options.onInternalError };
}
