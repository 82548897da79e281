// The Python side of the workspace index (SPEC §10): pynenc task decorators and
// calls, and module-level classes, as the same located facts the TypeScript
// index gives (`TaskSource`). Files are read one by one (pre-filter, line scan
// or parse); names are resolved across files lazily and cached until a change
// to something they read. Open documents are re-parsed incrementally.
import type { Tree } from '@lezer/common';
import { ExceptionClass } from '../../resolver';
import { TaskSource, TaskSourceQueries } from '../taskSource';
import { ClassFact, ExceptionRefFact, TaskDefinition, TypeScriptFileFacts } from '../typescriptFacts';
import { pythonBuiltinException } from './builtins';
import { diffEdit, readPythonFile, scanRecord, TextEdit } from './fileReader';
import { ModuleTable, PythonNameResolver, PythonValue, qualifiedNameOf } from './nameResolver';
import { PythonAnalysisDepth } from './prefilter';
import { emptyRecord, FileRecord, resolutionKeyOf, TaskRecord } from './records';
import { isIgnoredPythonPath, moduleUnderRoots, normaliseRoot, PythonModule } from './roots';

export interface PythonIndexOptions {
  /**
   * Python roots, workspace-relative (`''` is the workspace folder): what
   * `pythonRootsFor(files, setting)` gives. Default `['']`.
   */
  readonly roots?: readonly string[];
  /** Called with what went wrong when reading or resolving a file fails (the file then contributes nothing). */
  readonly onInternalError?: (error: unknown, file: string) => void;
  /** How many files keep their syntax tree for incremental re-parses (the most recently updated). Default 64. */
  readonly treeCacheSize?: number;
}

export interface PythonIndexStats {
  readonly files: number;
  readonly parsed: number;
  readonly scanned: number;
  readonly skipped: number;
}

interface DeclaredClass {
  readonly qualifiedName: string;
  readonly fact: ClassFact;
  readonly line: number;
  /** Each positional base: its qualified name, or its text when it is not a name. */
  readonly bases: readonly { readonly name: string; readonly value: PythonValue | undefined }[];
}

interface CachedFacts {
  readonly facts: TypeScriptFileFacts;
  /** Grows when the lazy `imports` map is first read. */
  readonly deps: Set<string>;
  readonly declaredClasses: readonly DeclaredClass[];
}

interface ClassTable {
  readonly byName: ReadonlyMap<string, DeclaredClass>;
  readonly exceptions: readonly ExceptionClass[];
}

const EMPTY_FACTS_IMPORTS: ReadonlyMap<string, string> = new Map();

/**
 * Every Python file of the workspace, read into facts, with names resolved
 * across files. Never throws: a file that fails to read contributes nothing.
 */
export class PythonIndex extends TaskSourceQueries implements TaskSource, ModuleTable {
  readonly language = 'python' as const;
  private roots: readonly string[];
  private readonly onInternalError: ((error: unknown, file: string) => void) | undefined;
  private readonly treeCacheSize: number;
  private readonly records = new Map<string, FileRecord>();
  private readonly texts = new Map<string, string>();
  /** Most recently updated last. */
  private readonly trees = new Map<string, Tree>();
  private readonly moduleFiles = new Map<string, string[]>();
  /** Module or package name → how many workspace modules are it or below it. */
  private readonly known = new Map<string, number>();
  private changeCount = 0;
  private readonly resolver = new PythonNameResolver(this);
  private readonly finalFacts = new Map<string, CachedFacts>();
  private classTable: ClassTable | undefined;

  constructor(options: PythonIndexOptions = {}) {
    super();
    this.roots = (options.roots ?? ['']).map(normaliseRoot);
    this.onInternalError = options.onInternalError;
    this.treeCacheSize = options.treeCacheSize ?? 64;
  }

  get version(): number {
    return this.changeCount;
  }

  /** The roots module names are computed from. */
  get pythonRoots(): readonly string[] {
    return this.roots;
  }

  /**
   * (Re-)reads one file; `file` is workspace-relative with `/`. The same text
   * again is no change. `edit` (offsets into the old and new text) helps the
   * incremental re-parse; without it the changed span is found by comparing texts.
   */
  update(file: string, text: string, edit?: TextEdit): void {
    const oldText = this.texts.get(file);
    if (oldText === text) return;
    const old = this.records.get(file);
    const tree = this.trees.get(file);
    const previous = tree !== undefined && oldText !== undefined ? { tree, edits: [edit ?? diffEdit(oldText, text)] } : undefined;
    const record = this.read(file, text, previous, old === undefined);
    this.texts.set(file, text);
    this.store(file, record, old);
    this.invalidate(file, old === undefined ? 'added' : resolutionKeyOf(old) === resolutionKeyOf(record) ? 'body' : 'names', old);
    this.changeCount++;
  }

  remove(file: string): void {
    const old = this.records.get(file);
    if (old === undefined) return;
    this.records.delete(file);
    this.texts.delete(file);
    this.trees.delete(file);
    this.unregisterModule(file, old.module);
    this.invalidate(file, 'removed', old);
    this.changeCount++;
  }

  rename(oldFile: string, newFile: string, text: string): void {
    this.remove(oldFile);
    this.update(newFile, text);
  }

  /** New roots change every module name: every file is read again from the texts the index keeps. */
  setRoots(roots: readonly string[]): void {
    const normalised = roots.map(normaliseRoot);
    if (normalised.length === this.roots.length && normalised.every((r, i) => r === this.roots[i])) return;
    this.roots = normalised;
    this.records.clear();
    this.moduleFiles.clear();
    this.known.clear();
    this.trees.clear();
    for (const [file, text] of this.texts) this.store(file, this.read(file, text, undefined, true), undefined);
    this.resolver.clear();
    this.finalFacts.clear();
    this.allTasksCache = undefined;
    this.tasksByIdCache = undefined;
    this.classTable = undefined;
    this.changeCount++;
  }

  files(): string[] {
    return [...this.records.keys()];
  }

  has(file: string): boolean {
    return this.records.has(file);
  }

  /** The module of a file and the root that gave it (for hovers), whether or not it declares anything. */
  moduleOf(file: string): PythonModule | undefined {
    return isIgnoredPythonPath(file) ? undefined : moduleUnderRoots(file, this.roots);
  }

  /** The workspace file that is module `module`, if any. */
  fileOfModule(module: string): string | undefined {
    return this.moduleFiles.get(module)?.[0];
  }

  /** How each file was read: parsed, line-scanned or skipped, for benchmarks and tests. */
  depthOf(file: string): PythonAnalysisDepth | undefined {
    return this.records.get(file)?.depth;
  }






  stats(): PythonIndexStats {
    let parsed = 0;
    let scanned = 0;
    for (const record of this.records.values()) {
      if (record.depth === 'parse') parsed++;
      else if (record.depth === 'scan') scanned++;
    }
    return { files: this.records.size, parsed, scanned, skipped: this.records.size - parsed - scanned };
  }

  // -- ModuleTable (for the resolver) -------------------------------------------------

  recordOf(module: string): FileRecord | undefined {
    const files = this.moduleFiles.get(module);
    return files === undefined ? undefined : this.scanned(files[0]);
  }

  isKnown(module: string): boolean {
    return this.known.has(module);
  }

  /** The file's record, scanned first if it was left for later. */
  private scanned(file: string): FileRecord | undefined {
    const record = this.records.get(file);
    if (record?.lazy !== true) return record;
    const mod = this.moduleOf(record.file);
    const text = this.texts.get(record.file);
    let scanned: FileRecord;
    try {
      scanned = mod === undefined || text === undefined ? { ...record, lazy: undefined } : scanRecord(record.file, text, mod);
    } catch (error) {
      this.onInternalError?.(error, record.file);
      scanned = emptyRecord(record.file, record.module, record.moduleRoot, record.isPackage, 'scan');
    }
    this.records.set(record.file, scanned);
    return scanned;
  }

  // -- reading ------------------------------------------------------------------------

  /** `firstRead`: the file is new to the index (no document is being edited), so no tree is kept. */
  private read(file: string, text: string, previous: { tree: Tree; edits: readonly TextEdit[] } | undefined, firstRead: boolean): FileRecord {
    const mod = this.moduleOf(file);
    try {
      const { record, tree } = readPythonFile(file, text, mod, previous, firstRead);
      if (tree !== undefined) this.keepTree(file, tree);
      else this.trees.delete(file);
      return record;
    } catch (error) {
      this.trees.delete(file);
      this.onInternalError?.(error, file);
      return emptyRecord(file, mod?.module, mod?.root, mod?.isPackage ?? false, 'skip');
    }
  }

  private keepTree(file: string, tree: Tree): void {
    this.trees.delete(file);
    this.trees.set(file, tree);
    if (this.trees.size > this.treeCacheSize) this.trees.delete(this.trees.keys().next().value as string);
  }

  private store(file: string, record: FileRecord, old: FileRecord | undefined): void {
    this.records.set(file, record);
    if (old?.module === record.module) return;
    if (old !== undefined) this.unregisterModule(file, old.module);
    if (record.module === undefined) return;
    const files = this.moduleFiles.get(record.module);
    if (files === undefined) this.moduleFiles.set(record.module, [file]);
    else files.push(file);
    for (const prefix of prefixes(record.module)) this.known.set(prefix, (this.known.get(prefix) ?? 0) + 1);
  }

  private unregisterModule(file: string, module: string | undefined): void {
    if (module === undefined) return;
    const files = this.moduleFiles.get(module);
    if (files === undefined || !files.includes(file)) return;
    if (files.length === 1) this.moduleFiles.delete(module);
    else files.splice(files.indexOf(file), 1);
    for (const prefix of prefixes(module)) {
      const count = (this.known.get(prefix) ?? 1) - 1;
      if (count <= 0) this.known.delete(prefix);
      else this.known.set(prefix, count);
    }
  }

  // -- caching ------------------------------------------------------------------------

  /**
   * Drops what a change to `file` can make stale: its own facts; when the names
   * it offers changed, or it appeared or went, every cached resolution that read
   * its module (or a package above it). Typing inside a task is a `body` change.
   */
  private invalidate(file: string, change: 'body' | 'names' | 'added' | 'removed', old: FileRecord | undefined): void {
    const current = this.records.get(file);
    let classesChanged = (old?.classes.length ?? 0) > 0 || (current?.classes.length ?? 0) > 0;
    let tasksChanged = (old?.tasks.length ?? 0) > 0 || (current?.tasks.length ?? 0) > 0;
    this.finalFacts.delete(file);
    if (change !== 'body' && !(this.resolver.isEmpty && this.finalFacts.size === 0)) {
      const modules = new Set<string>();
      for (const module of [old?.module, current?.module]) {
        if (module === undefined) continue;
        if (change === 'names') modules.add(module);
        else for (const prefix of prefixes(module)) modules.add(prefix);
      }
      this.resolver.forget(modules);
      for (const [other, cached] of this.finalFacts) {
        if (![...cached.deps].some((d) => modules.has(d))) continue;
        this.finalFacts.delete(other);
        const record = this.records.get(other);
        if ((record?.classes.length ?? 0) > 0) classesChanged = true;
        if ((record?.tasks.length ?? 0) > 0) tasksChanged = true;
      }
    }
    if (tasksChanged) {
      this.allTasksCache = undefined;
      this.tasksByIdCache = undefined;
    }
    if (classesChanged) this.classTable = undefined;
  }

  protected cachedFacts(file: string): CachedFacts | undefined {
    const cached = this.finalFacts.get(file);
    if (cached !== undefined) return cached;
    const record = this.scanned(file);
    if (record === undefined) return undefined;
    let entry: CachedFacts;
    try {
      const { value, deps } = this.resolver.tracked(() => this.finalise(record));
      const depSet = new Set(deps);
      // Resolving every import can mean scanning every imported file: done when someone asks.
      const imports = new LazyImports(() => {
        try {
          const found = this.resolver.tracked(() => this.resolveImports(record));
          for (const d of found.deps) depSet.add(d);
          return found.value;
        } catch (error) {
          this.onInternalError?.(error, file);
          return new Map();
        }
      });
      entry = { facts: { ...value.facts, imports }, declaredClasses: value.declaredClasses, deps: depSet };
    } catch (error) {
      this.onInternalError?.(error, file);
      entry = { facts: { file, tasks: [], classes: [], imports: EMPTY_FACTS_IMPORTS }, deps: new Set(), declaredClasses: [] };
    }
    this.finalFacts.set(file, entry);
    return entry;
  }

  /** The files whose records hold at least one task. */
  protected filesWithTasks(): string[] {
    return [...this.records.values()].filter((r) => r.tasks.length > 0).map((r) => r.file);
  }

  protected cachedClassTable(): ClassTable {
    if (this.classTable === undefined) {
      try {
        this.classTable = this.buildClassTable();
      } catch (error) {
        this.onInternalError?.(error, '(class table)');
        this.classTable = { byName: new Map(), exceptions: [] };
      }
    }
    return this.classTable;
  }

  // -- resolution -----------------------------------------------------------------------

  private finalise(record: FileRecord): { facts: TypeScriptFileFacts; declaredClasses: DeclaredClass[] } {
    const tasks: TaskDefinition[] = [];
    for (const task of record.tasks) {
      const definition = this.finaliseTask(record, task);
      if (definition !== undefined) tasks.push(definition);
    }
    const declaredClasses = record.classes.map((cls): DeclaredClass => {
      const bases = cls.bases.map((parts, i) => {
        const value = parts === undefined ? undefined : this.resolver.resolveRef(record, parts);
        return { name: qualifiedNameOf(value) ?? cls.baseTexts[i], value };
      });
      const module = record.module ?? '';
      const fact: ClassFact = { file: record.file, module, name: cls.name, nameRange: cls.nameRange, extendsName: bases[0]?.name };
      return { qualifiedName: `${module}.${cls.name}`, fact, line: cls.line, bases };
    });
    return { facts: { file: record.file, tasks, classes: declaredClasses.map((d) => d.fact), imports: EMPTY_FACTS_IMPORTS }, declaredClasses };
  }

  /** Local name → qualified name (or module) of every import of the file. */
  private resolveImports(record: FileRecord): Map<string, string> {
    const imports = new Map<string, string>();
    for (const [local] of record.bindings) {
      const value = this.resolver.resolveName(record, local);
      const qualified = value === undefined ? undefined : value.kind === 'module' ? value.module : value.qname;
      if (qualified !== undefined) imports.set(local, qualified);
    }
    return imports;
  }

  /** The task, with its exception names resolved; undefined when its receiver is not a pynenc app. */
  private finaliseTask(record: FileRecord, task: TaskRecord): TaskDefinition | undefined {
    if (!record.importsPynenc && this.resolver.resolveRef(record, task.receiver)?.kind !== 'app') return undefined;
    if (task.pendingRefs.length === 0) return task.definition;
    const exceptionRefs: ExceptionRefFact[] = [];
    const qualified = new Map<number, string | undefined>();
    let single: TaskDefinition['singleExceptionRetryFor'];
    for (const ref of task.pendingRefs) {
      const value = this.resolver.resolveRef(record, ref.parts);
      const qualifiedName = qualifiedNameOf(value);
      if (ref.itemIndex === -1) {
        // `retry_for=X`: one class, not a tuple (TL025) — unless `X` names a tuple defined elsewhere.
        if (!looksLikeClass(value, ref.parts)) continue;
        const written = task.singleRetryFor!;
        single = { range: written.range, text: written.text, fixText: `(${written.text},)` };
      } else qualified.set(ref.itemIndex, qualifiedName);
      exceptionRefs.push({ identifier: ref.identifier, range: ref.range, qualifiedName });
    }
    const options = task.definition.options;
    const withOptions =
      options === undefined || qualified.size === 0
        ? options
        : {
            ...options,
            entries: options.entries.map((entry) => {
              if (entry.key !== 'retry_for' || entry.value.type !== 'list') return entry;
              const items = entry.value.items.map((item, i) => (qualified.has(i) && item.type === 'string' ? { ...item, value: qualified.get(i) ?? item.value } : item));
              return { ...entry, value: { ...entry.value, items } };
            }),
          };
    return { ...task.definition, options: withOptions, exceptionRefs, ...(single === undefined ? {} : { singleExceptionRetryFor: single }) };
  }

  private buildClassTable(): ClassTable {
    const byName = new Map<string, DeclaredClass>();
    for (const record of this.records.values()) {
      if (record.module === undefined || record.classes.length === 0) continue;
      for (const declared of this.cachedFacts(record.file)?.declaredClasses ?? []) {
        if (!byName.has(declared.qualifiedName)) byName.set(declared.qualifiedName, declared);
      }
    }
    const chains = new ClassChains(byName);
    const exceptions: ExceptionClass[] = [];
    for (const declared of byName.values()) {
      const chain = chains.of(declared.qualifiedName);
      exceptions.push({ module: declared.fact.module, name: declared.fact.name, extendsError: chain.extendsError, file: declared.fact.file, line: declared.line, bases: chain.bases });
    }
    return { byName, exceptions };
  }
}

/** A map computed on first use (its contents are private: two unread maps compare equal). */
class LazyImports implements ReadonlyMap<string, string> {
  #map: Map<string, string> | undefined;
  readonly #compute: () => Map<string, string>;

  constructor(compute: () => Map<string, string>) {
    this.#compute = compute;
  }

  get #value(): Map<string, string> {
    this.#map ??= this.#compute();
    return this.#map;
  }

  get size(): number {
    return this.#value.size;
  }
  get(key: string): string | undefined {
    return this.#value.get(key);
  }
  has(key: string): boolean {
    return this.#value.has(key);
  }
  forEach(callback: (value: string, key: string, map: ReadonlyMap<string, string>) => void, thisArg?: unknown): void {
    this.#value.forEach((v, k) => callback.call(thisArg, v, k, this));
  }
  entries(): MapIterator<[string, string]> {
    return this.#value.entries();
  }
  keys(): MapIterator<string> {
    return this.#value.keys();
  }
  values(): MapIterator<string> {
    return this.#value.values();
  }
  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.#value[Symbol.iterator]();
  }
}

/** `X` in `retry_for=X` is taken for a class when it resolves to one, or, outside the workspace, is named like one. */
function looksLikeClass(value: PythonValue | undefined, parts: readonly string[]): boolean {
  if (value === undefined) return false;
  if (value.kind === 'class') return true;
  if (value.kind !== 'external' && value.kind !== 'missing') return false;
  const last = parts[parts.length - 1];
  return /^[A-Z]/.test(last) && last !== last.toUpperCase();
}

function prefixes(module: string): string[] {
  const out: string[] = [];
  for (let i = module.indexOf('.'); i !== -1; i = module.indexOf('.', i + 1)) out.push(module.slice(0, i));
  out.push(module);
  return out;
}

interface Chain {
  readonly extendsError: boolean;
  /** Nearest first, through the base that makes it an exception (else the first base). */
  readonly bases: readonly string[];
}

const NO_CHAIN: Chain = { extendsError: false, bases: [] };
const MAX_BASES = 64;

/**
 * Base chains across files, down to the built-ins. A class counts as an
 * exception when any base derives from `Exception`; a base outside the
 * workspace is unknown and given the benefit of the doubt (never a false TL007).
 */
class ClassChains {
  private readonly memo = new Map<string, Chain>();
  private readonly visiting = new Set<string>();

  constructor(private readonly declared: ReadonlyMap<string, DeclaredClass>) {}

  of(qualifiedName: string): Chain {
    const memo = this.memo.get(qualifiedName);
    if (memo !== undefined) return memo;
    const declared = this.declared.get(qualifiedName);
    if (declared === undefined || this.visiting.has(qualifiedName)) return NO_CHAIN;
    this.visiting.add(qualifiedName);
    let chosen: { name: string; chain: Chain } | undefined;
    for (const base of declared.bases) {
      const chain = this.baseChain(base.name, base.value);
      if (chosen === undefined || (chain.extendsError && !chosen.chain.extendsError)) chosen = { name: base.name, chain };
      if (chain.extendsError) break;
    }
    this.visiting.delete(qualifiedName);
    // Hovers show the nearest bases; a chain thousands of classes long (generated code) is cut, not copied at every step.
    const result: Chain = chosen === undefined ? NO_CHAIN : { extendsError: chosen.chain.extendsError, bases: [chosen.name, ...chosen.chain.bases.slice(0, MAX_BASES - 1)] };
    this.memo.set(qualifiedName, result);
    return result;
  }

  private baseChain(name: string, value: PythonValue | undefined): Chain {
    const builtin = pythonBuiltinException(name);
    if (builtin !== undefined) return { extendsError: builtin.extendsError, bases: builtin.bases ?? [] };
    if (this.declared.has(name)) return this.of(name);
    // Outside the workspace (or not a name at all, like `make_base()`): unknown.
    const unknown = value === undefined || value.kind === 'external' || value.kind === 'missing';
    return { extendsError: unknown, bases: [] };
  }
}
