// What one Python file contributes before names are resolved across files.
// Produced by `fileReader.ts`, resolved by `nameResolver.ts`, kept by the index.
import { keyPerRecord, PendingExceptionName, PendingTask, SourceFileRecord } from '../sourceIndex';
import { OffsetRange } from '../typescriptFacts';
import { PythonAnalysisDepth } from './prefilter';

/** A local name bound by an import, with relative imports already made absolute. */
export type Binding =
  /** `import a.b` binds `a` to module `a`; `import a.b as x` binds `x` to module `a.b`. */
  | { readonly kind: 'module'; readonly module: string }
  /** `from m import n [as x]`: attribute `n` of module `m` (a class, a submodule, anything). */
  | { readonly kind: 'from'; readonly module: string; readonly name: string };

export interface ClassRecord {
  readonly name: string;
  readonly nameRange: OffsetRange;
  readonly line: number;
  /** Positional bases as dotted names (`['errors', 'PaymentError']`); undefined for a base that is not a name. */
  readonly bases: readonly (readonly string[] | undefined)[];
  /** The bases as written. */
  readonly baseTexts: readonly string[];
}

/** A name in `retry_for`; `itemIndex` is -1 for `retry_for=ValueError` (a single class). */
export interface PendingExceptionRef extends PendingExceptionName {
  readonly parts: readonly string[];
}

/** Complete except for the exception names of `retry_for` and TL025, which need other files. */
export interface TaskRecord extends PendingTask<PendingExceptionRef> {
  /** The decorator's or call's receiver (`app`, `shop.app`): a task only when it is a pynenc app. */
  readonly receiver: readonly string[];
  /** `retry_for=X` with a bare name: TL025 when `X` turns out to be a class. */
  readonly singleRetryFor: { readonly range: OffsetRange; readonly text: string } | undefined;
}

/** `module` is undefined when no Python root contains the file. */
export interface FileRecord extends SourceFileRecord<PythonAnalysisDepth, TaskRecord, ClassRecord> {
  readonly moduleRoot: string | undefined;
  /** `pkg/__init__.py`. */
  readonly isPackage: boolean;
  readonly bindings: ReadonlyMap<string, Binding>;
  /** Modules of `from m import *`. */
  readonly stars: readonly string[];
  /** Module-level names bound to `Pynenc(...)` or `PynencBuilder()...build()`. */
  readonly appNames: ReadonlySet<string>;
  /** Whether the file imports pynenc (`import pynenc...`, `from pynenc... import`). */
  readonly importsPynenc: boolean;
  /** Other module-level names (functions, variables): they shadow built-ins and are not classes. */
  readonly localNames: ReadonlySet<string>;
  /** A file of imports only, not scanned yet: the index scans it when a name is looked up in it. */
  readonly lazy?: true;
}

export const NO_BINDINGS: ReadonlyMap<string, Binding> = new Map();
export const NO_NAMES: ReadonlySet<string> = new Set();

export function emptyRecord(file: string, module: string | undefined, moduleRoot: string | undefined, isPackage: boolean, depth: PythonAnalysisDepth): FileRecord {
  return { file, module, moduleRoot, isPackage, depth, tasks: [], classes: [], bindings: NO_BINDINGS, stars: [], appNames: NO_NAMES, importsPynenc: false, localNames: NO_NAMES };
}

const readKeyOf = keyPerRecord((record: FileRecord) =>
  JSON.stringify([record.module, record.classes.map((c) => [c.name, c.bases]), [...record.bindings], record.stars, [...record.appNames], [...record.localNames]]),
);

/** Everything other files' resolution may read from `record`: unchanged keys keep their caches. */
export function resolutionKeyOf(record: FileRecord): string {
  // Not read yet: what it offers is unknown, so it never matches (a change to it is a `names` change).
  return record.lazy === true ? `lazy\0${Math.random()}` : readKeyOf(record);
}

/** The package relative imports of `module` start from. */
export function packageOf(module: string, isPackage: boolean): string {
  if (isPackage) return module;
  const dot = module.lastIndexOf('.');
  return dot < 0 ? '' : module.slice(0, dot);
}

/** `from ..x import y` in a module of package `pkg`: the absolute module, undefined above the top. */
export function absoluteModule(pkg: string, level: number, module: string): string | undefined {
  if (level === 0) return module;
  const parts = pkg === '' ? [] : pkg.split('.');
  for (let i = 1; i < level; i++) {
    if (parts.length === 0) return undefined;
    parts.pop();
  }
  if (module !== '') parts.push(...module.split('.'));
  return parts.length === 0 ? undefined : parts.join('.');
}

export function isPynencModule(module: string): boolean {
  return module === 'pynenc' || module.startsWith('pynenc.');
}
