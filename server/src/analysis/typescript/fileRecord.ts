// What one TypeScript file contributes to the index before names are resolved
// across files: the record every reader (`prescan.ts`, `parse.ts`) produces and
// `names.ts` and `index.ts` consume. Types only, and no compiler.
import type { PendingExceptionName, PendingTask, SourceFileRecord } from '../sourceIndex';
import { OffsetRange } from '../typescriptFacts';

export interface TypeScriptAnalysisOptions {
  /** Workspace-relative, `/`-separated; `''` is the workspace folder itself. */
  readonly moduleRoot: string;
  /** Callee names recognised as `task` (setting `tasklens.taskFunctionNames`). */
  readonly taskFunctionNames: readonly string[];
  /**
   * Called when reading or resolving one file failed inside Tasklens: analysis
   * never throws (the file's facts are then empty), so this is the only way a
   * bug shows. Tests turn it into a failure.
   */
  readonly onInternalError?: (error: unknown, file: string) => void;
}

/**
 * How much of a file must be read: `skip` (nothing Tasklens cares about),
 * `classScan` (only classes without `extends`, found by a line scan), `parse`.
 */
export type AnalysisDepth = 'skip' | 'classScan' | 'parse';

/** Where an import points: a workspace path (without guessing its extension) or a package. */
export type ModuleSource = { readonly kind: 'workspace'; readonly path: string } | { readonly kind: 'package'; readonly specifier: string };

export interface ImportBinding {
  readonly kind: 'named' | 'default' | 'namespace';
  readonly source: ModuleSource;
  /** The name exported by the source (`default` for a default import, `*` for a namespace). */
  readonly importedName: string;
}

/** A name as written: `X`, or `ns.X` read through a namespace import. */
export interface NameRef {
  readonly head: string;
  readonly member?: string;
}

/** `export { local as exported }`, `export { a as b } from './x'`, `export default X`. */
export interface ExportLink {
  readonly exportedName: string;
  /** The local name, or the name exported by `source` when there is one. */
  readonly localName: string;
  readonly source?: ModuleSource;
}

export interface ClassRecord {
  /** `default` for an anonymous `export default class`. */
  readonly name: string;
  readonly nameRange: OffsetRange;
  readonly line: number;
  readonly extendsRef: NameRef | undefined;
  readonly extendsText: string | undefined;
}

/** A `retry_for` item that names a class (the item still holds its bare identifier). */
export interface PendingExceptionRef extends PendingExceptionName {
  readonly ref: NameRef;
}

export type TaskRecord = PendingTask<PendingExceptionRef>;

export interface FileRecord extends SourceFileRecord<AnalysisDepth, TaskRecord, ClassRecord> {
  readonly bindings: ReadonlyMap<string, ImportBinding>;
  readonly exportLinks: readonly ExportLink[];
  readonly starSources: readonly ModuleSource[];
  /** Top-level non-class declarations named like a built-in error: they shadow it. */
  readonly shadowedBuiltins: ReadonlySet<string>;
}

const NO_BINDINGS: ReadonlyMap<string, ImportBinding> = new Map();
const NO_NAMES: ReadonlySet<string> = new Set();

/** A record with nothing but what `parts` gives (a skipped file, a class-scanned one). */
export function fileRecord(file: string, module: string | undefined, depth: AnalysisDepth, parts: Partial<Pick<FileRecord, 'classes' | 'exportLinks'>> = {}): FileRecord {
  return { file, module, depth, tasks: [], classes: parts.classes ?? [], bindings: NO_BINDINGS, exportLinks: parts.exportLinks ?? [], starSources: [], shadowedBuiltins: NO_NAMES };
}
