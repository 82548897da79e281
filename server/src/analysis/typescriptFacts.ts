// What the TypeScript side of a workspace tells the rest of Tasklens: the
// recognised `task()` calls and the classes that may be exceptions, as located
// facts. Produced by `typescriptIndex.ts`; read by the workspace and features.
import { MapNode } from '../resolver';

/** A 0-based offset range in one file. */
export interface OffsetRange {
  readonly start: number;
  readonly end: number;
}

/** One recognised `task(...)` call (SPEC §3). */
export interface TaskDefinition {
  /** Workspace-relative path with `/` separators. */
  readonly file: string;
  /** `module` per SPEC §2; `func` is undefined when the name cannot be determined (TL020). */
  readonly module: string;
  readonly func: string | undefined;
  /** The whole call expression. */
  readonly callRange: OffsetRange;
  /** Where the task's name is written (function name or variable name); the callee when unknown. */
  readonly nameRange: OffsetRange;
  /**
   * The options object as a located value tree: keys with `keyLoc` (line + offsets),
   * values with `loc`. Literals become their values; `ConcurrencyControlType.KEYS`
   * becomes the string `keys`; an exception identifier inside `retry_for` becomes
   * the string of its qualified name (resolved through imports) or, when it cannot
   * be resolved, of its bare identifier; anything else is `{type: 'computed'}`.
   * `null`/`undefined` values are kept as `{type: 'null'}` (the resolver drops them).
   * Undefined when the call has no options object.
   */
  readonly options: MapNode | undefined;
  /** The options object literal's range, when there is one. */
  readonly optionsRange: OffsetRange | undefined;
  /** True when the options object contains a spread: its key set is unknown. */
  readonly optionsHaveSpread: boolean;
  /** Exception identifiers used in `retry_for`, with how they resolved. */
  readonly exceptionRefs: readonly ExceptionRefFact[];
  /** The task function's parameter names, in order; undefined when unknown. */
  readonly parameters: readonly string[] | undefined;

  // -- Python tasks (SPEC §10). All optional and absent for TypeScript tasks. ----------
  // For a Python task `callRange` is the decorator from `@` to its `)` (or the
  // `app.task(f, ...)` call), `nameRange` the `def` name, `optionsRange` the
  // argument list with its parentheses (undefined for a bare `@app.task`).

  /** The language the task is declared in; absent means TypeScript. */
  readonly language?: 'typescript' | 'python';
  /** The Python root (workspace-relative, `''` = the workspace folder) the module name was computed from, for hovers. */
  readonly moduleRoot?: string;
  /** `task`, `direct_task` or `workflow`: the pynenc method that declares it. */
  readonly pythonDecorator?: 'task' | 'direct_task' | 'workflow';
  /**
   * Why the runtime refuses the task at import: TL023 (the function is not at
   * module level: a method or a nested `def`), TL024 (its module is or contains `__main__`).
   */
  readonly refusal?: { readonly code: 'TL023' | 'TL024'; readonly message: string };
  /**
   * `retry_for=ValueError`: one class instead of a tuple (TL025). `range` and
   * `text` are the name as written, `fixText` its replacement (`(ValueError,)`).
   * The option's value is then `computed` (its text), never a list.
   */
  readonly singleExceptionRetryFor?: { readonly range: OffsetRange; readonly text: string; readonly fixText: string };
  /**
   * Options written as a parenthesised single string, `key_arguments=("user_id")`:
   * the value is the string (TL013); `range` covers the parentheses and
   * `fixText` is the one-item tuple (`("user_id",)`).
   */
  readonly missingTupleCommas?: readonly { readonly key: string; readonly range: OffsetRange; readonly fixText: string }[];
  /**
   * Keywords pynenc accepts that are not ConfigTask fields (`triggers`,
   * `parallel_func`, `aggregate_func`): kept out of `options` (so no TL002), listed here.
   */
  readonly nonFieldKeywords?: readonly { readonly key: string; readonly keyRange: OffsetRange; readonly valueRange: OffsetRange }[];
}

export interface ExceptionRefFact {
  /** The identifier as written. */
  readonly identifier: string;
  readonly range: OffsetRange;
  /** The qualified name it resolves to (`builtins.TypeError`, `src.errors.NetworkError`), if any. */
  readonly qualifiedName: string | undefined;
}

/** A class declared in a TypeScript file. */
export interface ClassFact {
  readonly file: string;
  readonly module: string;
  readonly name: string;
  readonly nameRange: OffsetRange;
  /**
   * The `extends` clause resolved to a qualified name where possible
   * (`builtins.Error` for the global `Error` and other built-in errors,
   * `src.errors.BaseError` through an import), else the text as written.
   */
  readonly extendsName: string | undefined;
}

/** The facts of one TypeScript file. */
export interface TypeScriptFileFacts {
  readonly file: string;
  readonly tasks: readonly TaskDefinition[];
  readonly classes: readonly ClassFact[];
  /** Local name → qualified name, for identifiers imported from other workspace modules. */
  readonly imports: ReadonlyMap<string, string>;
}
