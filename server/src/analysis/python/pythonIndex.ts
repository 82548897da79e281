// The Python side of the workspace index (SPEC §10): pynenc task decorators and
// calls, and module-level classes, as the same located facts the TypeScript
// index gives (`TaskSource`). Files are read one by one (pre-filter, line scan
// or parse); names are resolved across files lazily and cached until a change
// to something they read. Open documents are re-parsed incrementally.
import type { Tree } from '@lezer/common';
import { ExceptionClass } from '../../resolver';
import { FileChange, guarded, TaskSourceIndex, withRetryForItems } from '../sourceIndex';
import { TaskSource } from '../taskSource';
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
export class PythonIndex extends TaskSourceIndex<FileRecord, DeclaredClass, CachedFacts, ClassTable> implements TaskSource, ModuleTable {
  readonly language = 'python' as const;
  private roots: readonly string[];
  private readonly onInternalError: ((error: unknown, file: string) => void) | undefined;
  private readonly treeCacheSize: number;
  /** Most recently updated last. */
  private readonly trees = new Map<string, Tree>();
  private readonly moduleFiles = new Map<string, string[]>();
  /** Module or package name → how many workspace modules are it or below it. */
  private readonly known = new Map<string, number>();
  private readonly resolver = new PythonNameResolver(this);

  constructor(options: PythonIndexOptions = {}) {
    super();
    this.roots = (options.roots ?? ['']).map(normaliseRoot);
    this.onInternalError = options.onInternalError;
    this.treeCacheSize = options.treeCacheSize ?? 64;
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
    this.replaceText(file, text, (oldText) => {
      const tree = this.trees.get(file);
      const previous = tree !== undefined && oldText !== undefined ? { tree, edits: [edit ?? diffEdit(oldText, text)] } : undefined;
      return this.read(file, text, previous, !this.records.has(file));
    });
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
    this.moduleFiles.clear();
    this.known.clear();
    this.trees.clear();
    this.resolver.clear();
    this.readAllAgain((file, text) => this.read(file, text, undefined, true));
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
    const byDepth = this.filesByDepth();
    return { files: this.records.size, parsed: byDepth.get('parse') ?? 0, scanned: byDepth.get('scan') ?? 0, skipped: byDepth.get('skip') ?? 0 };
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
    const scanned = guarded(
      record.file,
      this.onInternalError,
      () => (mod === undefined || text === undefined ? { ...record, lazy: undefined } : scanRecord(record.file, text, mod)),
      () => emptyRecord(record.file, record.module, record.moduleRoot, record.isPackage, 'scan'),
    );
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

  protected store(file: string, record: FileRecord, old: FileRecord | undefined): void {
    this.records.set(file, record);
    if (old?.module === record.module) return;
    if (old !== undefined) this.unregisterModule(file, old.module);
    if (record.module === undefined) return;
    const files = this.moduleFiles.get(record.module);
    if (files === undefined) this.moduleFiles.set(record.module, [file]);
    else files.push(file);
    for (const prefix of prefixes(record.module)) this.known.set(prefix, (this.known.get(prefix) ?? 0) + 1);
  }

  protected dropFile(file: string, old: FileRecord): void {
    this.trees.delete(file);
    this.unregisterModule(file, old.module);
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

  // -- what TaskSourceIndex asks of a language ------------------------------------------

  protected resolutionKey(record: FileRecord): string {
    return resolutionKeyOf(record);
  }

  protected get resolverIsEmpty(): boolean {
    return this.resolver.isEmpty;
  }

  /** Every cached resolution that read the file's module (or, when it appeared or went, a package above it). */
  protected forgetReadsOf(_file: string, change: Exclude<FileChange, 'body'>, old: FileRecord | undefined, current: FileRecord | undefined): (cached: CachedFacts) => boolean {
    const modules = new Set<string>();
    for (const module of [old?.module, current?.module]) {
      if (module === undefined) continue;
      if (change === 'names') modules.add(module);
      else for (const prefix of prefixes(module)) modules.add(prefix);
    }
    this.resolver.forget(modules);
    return (cached) => [...cached.deps].some((d) => modules.has(d));
  }

  /** Lazy records are scanned first. */
  protected recordToResolve(file: string): FileRecord | undefined {
    return this.scanned(file);
  }

  protected resolve(record: FileRecord): CachedFacts {
    const file = record.file;
    const resolved = (): CachedFacts => {
      const { value, deps } = this.resolver.tracked(() => this.finalise(record));
      const depSet = new Set(deps);
      // Resolving every import can mean scanning every imported file: done when someone asks.
      const imports = new LazyImports(() =>
        guarded(
          file,
          this.onInternalError,
          () => {
            const found = this.resolver.tracked(() => this.resolveImports(record));
            for (const d of found.deps) depSet.add(d);
            return found.value;
          },
          () => new Map(),
        ),
      );
      return { facts: { ...value.facts, imports }, declaredClasses: value.declaredClasses, deps: depSet };
    };
    return guarded(file, this.onInternalError, resolved, () => ({ facts: { file, tasks: [], classes: [], imports: EMPTY_FACTS_IMPORTS }, deps: new Set(), declaredClasses: [] }));
  }

  protected buildClassTable(): ClassTable {
    return guarded('(class table)', this.onInternalError, () => this.readClassTable(), () => ({ byName: new Map(), exceptions: [] }));
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
        : withRetryForItems(options, (written) => written.map((item, i) => (qualified.has(i) && item.type === 'string' ? { ...item, value: qualified.get(i) ?? item.value } : item)));
    return { ...task.definition, options: withOptions, exceptionRefs, ...(single === undefined ? {} : { singleExceptionRetryFor: single }) };
  }

  private readClassTable(): ClassTable {
    const byName = new Map<string, DeclaredClass>();
    for (const declared of this.declaredClasses()) if (!byName.has(declared.qualifiedName)) byName.set(declared.qualifiedName, declared);
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
