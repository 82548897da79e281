// The per-file bookkeeping both task-source indexes (`typescript/index.ts`,
// `python/pythonIndex.ts`) share around their own readers and name resolvers:
// one record and one text per file, each file's resolved facts cached with what
// they read, and on a change only the cached facts that read the changed file
// dropped. The queries of `TaskSource` are answered here from those caches.
import { ConfigNode, ExceptionClass, FIELDS, MapNode } from '../resolver';
import { groupTasksById, TaskFileFacts } from './taskSource';
import { ClassFact, OffsetRange, TaskDefinition } from './typescriptFacts';

/**
 * What a change to a file can make stale: `body` (what other files read of it
 * is the same: only its own facts), `names` (what it offers other files
 * changed), `added` and `removed` (also every lookup that could name it).
 */
export type FileChange = 'body' | 'names' | 'added' | 'removed';

/** What one file contributes before names are resolved across files: what every language's record holds. */
export interface SourceFileRecord<Depth extends string = string, Task = unknown, Class = unknown> {
  readonly file: string;
  /** Undefined when the file is outside every module root: it contributes nothing. */
  readonly module: string | undefined;
  /** How much of the file was read (a parse, a scan, a skip). */
  readonly depth: Depth;
  readonly tasks: readonly Task[];
  readonly classes: readonly Class[];
}

/** A `retry_for` item written as a name: its qualified name is filled in once other files are read. */
export interface PendingExceptionName {
  readonly identifier: string;
  readonly range: OffsetRange;
  /** The item of the `retry_for` list it stands for. */
  readonly itemIndex: number;
}

/** A task as its file gives it: complete but for the exception names, which need other files. */
export interface PendingTask<Pending extends PendingExceptionName> {
  readonly definition: TaskDefinition;
  readonly pendingRefs: readonly Pending[];
}

/** A file's facts with names resolved, as the index caches them, and the classes the class table is built from. */
export interface CachedFileFacts<Declared> {
  readonly facts: TaskFileFacts;
  readonly declaredClasses: readonly Declared[];
}

export interface SourceClassTable {
  readonly exceptions: readonly ExceptionClass[];
  readonly byName: ReadonlyMap<string, { readonly fact: ClassFact }>;
}

/**
 * Runs `read` for `file`; when it fails (a bug in Tasklens, never the user's
 * code), tells `onInternalError` and answers `fallback()` instead: one odd file
 * must not take the language server down with it.
 */
export function guarded<T>(file: string, onInternalError: ((error: unknown, file: string) => void) | undefined, read: () => T, fallback: () => T): T {
  try {
    return read();
  } catch (error) {
    onInternalError?.(error, file);
    return fallback();
  }
}

/** The one field whose value is a list of exception classes (`retry_for`). */
const EXCEPTION_LIST_FIELD = FIELDS.find((f) => f.type === 'exceptionList')!.name;

/** Task options with the items of their `retry_for` list replaced by `items(written)`, once names are resolved. */
export function withRetryForItems(options: MapNode, items: (written: readonly ConfigNode[]) => ConfigNode[]): MapNode {
  const entries = options.entries.map((entry) => (entry.key !== EXCEPTION_LIST_FIELD || entry.value.type !== 'list' ? entry : { ...entry, value: { ...entry.value, items: items(entry.value.items) } }));
  return { ...options, entries };
}

/** `key`, computed once per record (records are replaced, never changed, on an update). */
export function keyPerRecord<R extends object>(key: (record: R) => string): (record: R) => string {
  const keys = new WeakMap<R, string>();
  return (record) => {
    let value = keys.get(record);
    if (value === undefined) {
      value = key(record);
      keys.set(record, value);
    }
    return value;
  };
}

/**
 * Every file of one task source read into a record, with facts resolved
 * across files lazily and cached. A language supplies how a file is resolved,
 * what other files may read of a record (`resolutionKey`), what its resolver
 * forgets on a change, and the class table.
 */
export abstract class TaskSourceIndex<R extends SourceFileRecord, Declared, C extends CachedFileFacts<Declared>, T extends SourceClassTable> {
  protected readonly records = new Map<string, R>();
  /** Kept so that new settings can re-read every file without asking for it again. */
  protected readonly texts = new Map<string, string>();
  private readonly finalFacts = new Map<string, C>();
  private changeCount = 0;
  private allTasksCache: readonly TaskDefinition[] | undefined;
  private tasksByIdCache: ReadonlyMap<string, readonly TaskDefinition[]> | undefined;
  private classTableCache: T | undefined;

  /** Everything other files' resolution may read from `record`: an edit that keeps it keeps their caches. */
  protected abstract resolutionKey(record: R): string;
  /** The file's facts with names resolved, and what they read; never throws. */
  protected abstract resolve(record: R): C;
  protected abstract buildClassTable(): T;
  /** True until the resolver memoised anything: then no change can make anything stale. */
  protected abstract get resolverIsEmpty(): boolean;
  /**
   * Drops the resolver's findings that a `change` to `file` (from `old` to
   * `current`) can make stale, and answers which cached facts it makes stale.
   */
  protected abstract forgetReadsOf(file: string, change: Exclude<FileChange, 'body'>, old: R | undefined, current: R | undefined): (cached: C) => boolean;

  /** Keeps `record` as the file's (an index may also file it elsewhere, e.g. under its module). */
  protected store(file: string, record: R, _old: R | undefined): void {
    this.records.set(file, record);
  }

  /** Forgets what the index keeps of a removed file beside its record and text. */
  protected dropFile(_file: string, _old: R): void {}

  /** The record `file`'s facts are resolved from. */
  protected recordToResolve(file: string): R | undefined {
    return this.records.get(file);
  }

  /** Moves on every change to the index. */
  get version(): number {
    return this.changeCount;
  }

  files(): string[] {
    return [...this.records.keys()];
  }

  /** (Re-)reads `file` with `read` unless its text is the same; `read` is given the text it had. */
  protected replaceText(file: string, text: string, read: (oldText: string | undefined) => R): void {
    const oldText = this.texts.get(file);
    if (oldText === text) return;
    const old = this.records.get(file);
    const record = read(oldText);
    this.texts.set(file, text);
    this.store(file, record, old);
    this.invalidate(file, old === undefined ? 'added' : this.resolutionKey(old) === this.resolutionKey(record) ? 'body' : 'names', old);
    this.noteChange();
  }

  remove(file: string): void {
    const old = this.records.get(file);
    if (old === undefined) return;
    this.records.delete(file);
    this.texts.delete(file);
    this.dropFile(file, old);
    this.invalidate(file, 'removed', old);
    this.noteChange();
  }

  /** New settings change every module: every file is read again from the texts kept, and every cache dropped. */
  protected readAllAgain(read: (file: string, text: string) => R): void {
    this.records.clear();
    for (const [file, text] of this.texts) this.store(file, read(file, text), undefined);
    this.finalFacts.clear();
    this.dropQueryCaches(true, true);
    this.noteChange();
  }

  protected noteChange(): void {
    this.changeCount++;
  }

  /** How many files were read at each depth. */
  protected filesByDepth(): ReadonlyMap<R['depth'], number> {
    const counts = new Map<R['depth'], number>();
    for (const record of this.records.values()) counts.set(record.depth, (counts.get(record.depth) ?? 0) + 1);
    return counts;
  }

  // -- caching ------------------------------------------------------------------

  /**
   * Drops what a change to `file` can make stale: always its own facts; when
   * the names it offers changed, or it appeared or went, every cached
   * resolution that read it. The common case, typing inside a task, is `body`.
   */
  protected invalidate(file: string, change: FileChange, old: R | undefined): void {
    const current = this.records.get(file);
    let classesChanged = (old?.classes.length ?? 0) > 0 || (current?.classes.length ?? 0) > 0;
    let tasksChanged = (old?.tasks.length ?? 0) > 0 || (current?.tasks.length ?? 0) > 0;
    this.finalFacts.delete(file);
    // While the workspace is first read nothing is resolved yet: skip the bookkeeping.
    if (change !== 'body' && !(this.resolverIsEmpty && this.finalFacts.size === 0)) {
      const isStale = this.forgetReadsOf(file, change, old, current);
      for (const [other, cached] of this.finalFacts) {
        if (!isStale(cached)) continue;
        this.finalFacts.delete(other);
        const record = this.records.get(other);
        if ((record?.classes.length ?? 0) > 0) classesChanged = true;
        if ((record?.tasks.length ?? 0) > 0) tasksChanged = true;
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

  protected cachedFacts(file: string): C | undefined {
    const cached = this.finalFacts.get(file);
    if (cached !== undefined) return cached;
    const record = this.recordToResolve(file);
    if (record === undefined) return undefined;
    const entry = this.resolve(record);
    this.finalFacts.set(file, entry);
    return entry;
  }

  /** The classes of every file that declares some, in file order. */
  protected *declaredClasses(): Iterable<Declared> {
    for (const record of this.records.values()) {
      if (record.module === undefined || record.classes.length === 0) continue;
      yield* this.cachedFacts(record.file)?.declaredClasses ?? [];
    }
  }

  /** Every task, resolved, in file order; kept until a change to a file with tasks. */
  private cachedTasks(): readonly TaskDefinition[] {
    if (this.allTasksCache === undefined) {
      const all: TaskDefinition[] = [];
      for (const record of this.records.values()) {
        if (record.tasks.length > 0) for (const task of this.facts(record.file)?.tasks ?? []) all.push(task);
      }
      this.allTasksCache = all;
    }
    return this.allTasksCache;
  }

  private cachedClassTable(): T {
    this.classTableCache ??= this.buildClassTable();
    return this.classTableCache;
  }

  // -- queries (TaskSource) -------------------------------------------------------

  /** The file's facts with names resolved across the workspace; undefined for an unknown file. */
  facts(file: string): TaskFileFacts | undefined {
    return this.cachedFacts(file)?.facts;
  }

  /** Every recognised task, in file order. */
  tasks(): TaskDefinition[] {
    return [...this.cachedTasks()];
  }

  /** The tasks whose id (`<module>.<func>`) is `id`; more than one is a duplicate. */
  tasksById(id: string): TaskDefinition[] {
    this.tasksByIdCache ??= groupTasksById(this.cachedTasks());
    return [...(this.tasksByIdCache.get(id) ?? [])];
  }

  /** Every workspace class, with whether it is an exception the runtime accepts. */
  exceptionClasses(): ExceptionClass[] {
    return [...this.cachedClassTable().exceptions];
  }

  /** The class declared as `<module>.<Name>` (the first one, if several files share a module). */
  classByQualifiedName(name: string): ClassFact | undefined {
    return this.cachedClassTable().byName.get(name)?.fact;
  }
}
