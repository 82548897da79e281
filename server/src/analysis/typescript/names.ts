// Names across files: where an import points, what a module exports (through
// export lists, `export default` and `export *` barrels), the module a source
// names, and a file's facts with every name resolved. Resolutions are memoised
// with what they read, so that a change drops only what it can make stale.
import * as path from 'path';
import { BUILTIN_ERROR_NAMES, BUILTIN_EXCEPTIONS, moduleForFile, qualifiedName } from '../../resolver';
import { ClassFact, ExceptionRefFact, TaskDefinition, TypeScriptFileFacts } from '../typescriptFacts';
import { keyPerRecord, withRetryForItems } from '../sourceIndex';
import { Tracked, TrackedResolver } from '../trackedResolver';
import { ClassRecord, FileRecord, ModuleSource, NameRef, TaskRecord } from './fileRecord';

const BUILTIN_ERRORS: ReadonlySet<string> = new Set(BUILTIN_ERROR_NAMES);

/** Whether `name` is a global built-in error (`TypeError`), which a file may shadow. */
export function isBuiltinErrorName(name: string): boolean {
  return BUILTIN_ERRORS.has(name);
}

/**
 * Package exports whose qualified name is known: the library's own exceptions
 * (`import { RetryError } from 'tasklens'` is `tasklens.RetryError`, SPEC §6).
 */
const PACKAGE_EXCEPTIONS: ReadonlySet<string> = new Set(BUILTIN_EXCEPTIONS.filter((cls) => cls.module !== 'builtins').map(qualifiedName));

/** Relative specifiers (`./x`, `..`) become workspace paths; anything else is a package. */
export function moduleSourceOf(file: string, specifier: string): ModuleSource | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../') && specifier !== '.' && specifier !== '..') return { kind: 'package', specifier };
  const joined = joinRelative(file, specifier);
  return joined === undefined ? undefined : { kind: 'workspace', path: joined };
}

/**
 * `specifier` (`./x`, `../y/z`) resolved against the directory of `file`, as a
 * workspace path; undefined above the workspace folder. (path.posix.join and
 * normalize do the same, several times slower, for every import of every file.)
 */
function joinRelative(file: string, specifier: string): string | undefined {
  const segments = file.split('/');
  segments.pop();
  for (const segment of specifier.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment !== '..') segments.push(segment);
    else if (segments.length === 0) return undefined;
    else segments.pop();
  }
  return segments.length === 0 ? '.' : segments.join('/');
}

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.d.ts', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** `import './x.js'` in ESM TypeScript names `x.ts`. */
const JS_TO_TS: Readonly<Record<string, readonly string[]>> = { '.js': ['.ts', '.tsx', '.d.ts'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

/**
 * The first file an import path names among those `exists` knows, trying (like
 * TypeScript) the path itself, `.js` → `.ts`, each extension, then `index`.
 * Tried one by one: nearly every import is found at the first extension.
 */
function findImportedFile(importPath: string, exists: (file: string) => boolean): string | undefined {
  if (exists(importPath)) return importPath;
  const dot = importPath.lastIndexOf('.');
  const extension = dot > importPath.lastIndexOf('/') ? importPath.slice(dot) : '';
  for (const tsExtension of JS_TO_TS[extension] ?? []) {
    const candidate = importPath.slice(0, dot) + tsExtension;
    if (exists(candidate)) return candidate;
  }
  for (const sourceExtension of SOURCE_EXTENSIONS) if (exists(importPath + sourceExtension)) return importPath + sourceExtension;
  const indexBase = importPath === '.' ? 'index' : `${importPath}/index`;
  for (const sourceExtension of SOURCE_EXTENSIONS) if (exists(indexBase + sourceExtension)) return indexBase + sourceExtension;
  return undefined;
}

/** Every import path whose candidates include `file`: what adding or removing it can change. */
export function importPathsNaming(file: string): string[] {
  const paths = [file];
  for (const extension of SOURCE_EXTENSIONS) {
    if (!file.endsWith(extension)) continue;
    const stem = file.slice(0, file.length - extension.length);
    paths.push(stem);
    for (const [jsExtension, tsExtensions] of Object.entries(JS_TO_TS)) if (tsExtensions.includes(extension)) paths.push(stem + jsExtension);
    if (path.posix.basename(stem) === 'index') paths.push(path.posix.dirname(stem));
  }
  return paths;
}

/**
 * What a cached resolution read: the file records it consulted and the import
 * paths it looked up (found or not). A change to a file drops exactly the
 * cached resolutions that read it. The strings are the records' and bindings'
 * own, so recording a read allocates nothing.
 */
export class Dependencies {
  readonly files = new Set<string>();
  readonly importPaths = new Set<string>();

  addAll(other: Dependencies): void {
    for (const file of other.files) this.files.add(file);
    for (const importPath of other.importPaths) this.importPaths.add(importPath);
  }

  /** Whether this read `file` or looked up any of `importPaths`. */
  touches(file: string, importPaths: readonly string[]): boolean {
    return this.files.has(file) || importPaths.some((p) => this.importPaths.has(p));
  }
}

/**
 * Resolves names against the index's file records, memoising what it finds
 * together with what each finding read, so that `forget` can drop only what a
 * change invalidates.
 */
export class NameResolver extends TrackedResolver<Dependencies> {
  /** Import path → the file it names (a name: records are replaced on every update). */
  private readonly fileMemo = new Map<string, string | null>();
  private readonly exportMemo = new Map<string, Tracked<string | undefined, Dependencies>>();
  /** A file's module depends only on its path and the module root, so this never goes stale. */
  private readonly skippedModules = new Map<string, string | undefined>();

  constructor(
    private readonly records: ReadonlyMap<string, FileRecord>,
    private readonly moduleRoot: string,
  ) {
    super();
  }

  protected noReads(): Dependencies {
    return new Dependencies();
  }

  protected addReads(into: Dependencies, reads: Dependencies): void {
    into.addAll(reads);
  }

  /** True until something is resolved: then no change can make anything stale. */
  get isEmpty(): boolean {
    return this.fileMemo.size === 0 && this.exportMemo.size === 0;
  }

  /** Drops memoised findings that read `file` or looked up any of `importPaths`, and those lookups. */
  forget(file: string, importPaths: readonly string[]): void {
    for (const importPath of importPaths) this.fileMemo.delete(importPath);
    for (const [key, entry] of this.exportMemo) if (entry.deps.touches(file, importPaths)) this.exportMemo.delete(key);
  }

  /** The qualified name of `X` or `ns.X` as written in `record`'s file. */
  resolveRef(record: FileRecord, ref: NameRef): string | undefined {
    if (ref.member === undefined) return this.resolveIdentifier(record, ref.head);
    const binding = record.bindings.get(ref.head);
    return binding?.kind === 'namespace' ? this.resolveExport(binding.source, ref.member) : undefined;
  }

  resolveIdentifier(record: FileRecord, name: string): string | undefined {
    this.deps?.files.add(record.file);
    if (record.module === undefined) return undefined;
    if (record.classes.some((c) => c.name === name)) return `${record.module}.${name}`;
    const binding = record.bindings.get(name);
    if (binding !== undefined) return binding.kind === 'namespace' ? undefined : this.resolveExport(binding.source, binding.importedName);
    if (isBuiltinErrorName(name) && !record.shadowedBuiltins.has(name)) return `builtins.${name}`;
    return undefined;
  }

  /** The qualified name of what `source` exports as `name`; module-qualified when not found there. */
  resolveExport(source: ModuleSource, name: string): string | undefined {
    if (source.kind === 'package') {
      const qualified = `${source.specifier}.${name}`;
      return PACKAGE_EXCEPTIONS.has(qualified) ? qualified : undefined;
    }
    const target = this.lookupFile(source.path);
    const module = target === undefined ? this.naiveModule(source.path) : this.moduleOf(target);
    if (module === undefined) return undefined;
    return (target === undefined ? undefined : this.findExport(target, name)) ?? `${module}.${name}`;
  }

  /** The module a workspace import path names, whether or not the file is known. */
  moduleOfSource(source: ModuleSource): string | undefined {
    if (source.kind === 'package') return undefined;
    const target = this.lookupFile(source.path);
    return target === undefined ? this.naiveModule(source.path) : this.moduleOf(target);
  }

  /** Skipped files do not carry their module (computing it for every file costs); derive it here, once. */
  private moduleOf(record: FileRecord): string | undefined {
    if (record.module !== undefined) return record.module;
    if (!this.skippedModules.has(record.file)) this.skippedModules.set(record.file, moduleForFile(record.file, this.moduleRoot));
    return this.skippedModules.get(record.file);
  }

  /** Follows local classes, export lists, `export default X` and `export *`; undefined when not declared. */
  private findExport(record: FileRecord, name: string): string | undefined {
    const key = `${record.file}\0${name}`;
    const memo = this.exportMemo.get(key);
    if (memo !== undefined) return this.recall(memo);
    // Re-export cycles (`a` re-exports `b` re-exports `a`) end here instead of looping.
    const found = this.findOnce(key, () => this.findExportUncached(record, name));
    if (found === undefined) return undefined;
    this.exportMemo.set(key, found);
    return found.value;
  }

  private findExportUncached(record: FileRecord, name: string): string | undefined {
    this.deps?.files.add(record.file);
    if (record.module === undefined) return undefined;
    if (record.classes.some((c) => c.name === name)) return `${record.module}.${name}`;
    for (const link of record.exportLinks) {
      if (link.exportedName !== name) continue;
      if (link.source !== undefined) return this.resolveExport(link.source, link.localName);
      return this.resolveIdentifier(record, link.localName) ?? `${record.module}.${link.localName}`;
    }
    // `export *` never re-exports a default.
    if (name === 'default') return undefined;
    for (const star of record.starSources) {
      const target = star.kind === 'workspace' ? this.lookupFile(star.path) : undefined;
      const found = target === undefined ? undefined : this.findExport(target, name);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  private lookupFile(importPath: string): FileRecord | undefined {
    this.deps?.importPaths.add(importPath);
    let file = this.fileMemo.get(importPath);
    if (file === undefined) {
      file = findImportedFile(importPath, (candidate) => this.records.has(candidate)) ?? null;
      this.fileMemo.set(importPath, file);
    }
    if (file === null) return undefined;
    this.deps?.files.add(file);
    return this.records.get(file);
  }

  /** An import of a file the index does not hold: assume `<path>.ts`. */
  private naiveModule(importPath: string): string | undefined {
    const file = SOURCE_EXTENSIONS.some((extension) => importPath.endsWith(extension)) ? importPath : `${importPath}.ts`;
    return moduleForFile(file, this.moduleRoot);
  }
}

/** A file's facts with every name resolved through `resolver`. */
export function resolvedFacts(record: FileRecord, resolver: NameResolver): TypeScriptFileFacts {
  return {
    file: record.file,
    tasks: record.tasks.map((task) => finaliseTask(record, task, resolver)),
    classes: record.classes.map((cls) => finaliseClass(record, cls, resolver)),
    imports: resolvedImports(record, resolver),
  };
}

function finaliseTask(record: FileRecord, task: TaskRecord, resolver: NameResolver): TaskDefinition {
  if (task.pendingRefs.length === 0) return task.definition;
  const qualified = task.pendingRefs.map((p) => resolver.resolveRef(record, p.ref));
  const exceptionRefs: ExceptionRefFact[] = task.pendingRefs.map((p, i) => ({ identifier: p.identifier, range: p.range, qualifiedName: qualified[i] }));
  const options = task.definition.options;
  if (options === undefined) return { ...task.definition, exceptionRefs };
  const withNames = withRetryForItems(options, (written) => {
    const items = [...written];
    task.pendingRefs.forEach((p, i) => {
      items[p.itemIndex] = { type: 'string', value: qualified[i] ?? p.identifier, loc: items[p.itemIndex].loc };
    });
    return items;
  });
  return { ...task.definition, options: withNames, exceptionRefs };
}

function finaliseClass(record: FileRecord, cls: ClassRecord, resolver: NameResolver): ClassFact {
  const resolved = cls.extendsRef === undefined ? undefined : resolver.resolveRef(record, cls.extendsRef);
  return { file: record.file, module: record.module ?? '', name: cls.name, nameRange: cls.nameRange, extendsName: resolved ?? cls.extendsText };
}

function resolvedImports(record: FileRecord, resolver: NameResolver): ReadonlyMap<string, string> {
  if (record.bindings.size === 0) return NO_IMPORTS;
  const imports = new Map<string, string>();
  for (const [local, binding] of record.bindings) {
    const qualified = binding.kind === 'namespace' ? resolver.moduleOfSource(binding.source) : resolver.resolveExport(binding.source, binding.importedName);
    if (qualified !== undefined) imports.set(local, qualified);
  }
  return imports;
}

const NO_IMPORTS: ReadonlyMap<string, string> = new Map();

/**
 * Everything other files' name resolution may read from `record`. When an edit
 * leaves it unchanged, other files' cached resolutions stay valid. Computed
 * only when a file is edited, not on the first read.
 */
export const resolutionKeyOf = keyPerRecord((record: FileRecord) =>
  JSON.stringify([
    record.module,
    record.classes.map((c) => [c.name, c.extendsRef, c.extendsText]),
    [...record.bindings],
    record.exportLinks,
    record.starSources,
    [...record.shadowedBuiltins],
  ]),
);
