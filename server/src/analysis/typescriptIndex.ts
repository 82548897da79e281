// The TypeScript side of the workspace index (SPEC §2, §3, §6). Each file is read
// into located facts — recognised `task()` calls and class declarations — and
// the index resolves names across files (imports, re-exports, `extends` chains)
// so that the rest of Tasklens only ever sees fully qualified names.
//
// Speed shapes the design: only the parser is used (no Program, no type
// checker), a textual pre-check keeps most files from being parsed at all, and
// cross-file resolution is done lazily and cached until something it depends
// on changes.
import * as path from 'path';
// `import =` rather than `import * as`: the interop wrapper turns every `ts.isX` into a getter call, measurably slower here.
import ts = require('typescript');
import {
  BUILTIN_ERROR_NAMES,
  ConcurrencyControlType,
  ConfigNode,
  ExceptionClass,
  Loc,
  MapEntry,
  MapNode,
  mapNode,
  moduleForFile,
  RETRY_ERROR,
  taskIdToString,
} from '../resolver';
import { TaskSource } from './taskSource';
import { ClassFact, ExceptionRefFact, OffsetRange, TaskDefinition, TypeScriptFileFacts } from './typescriptFacts';

export interface TypeScriptAnalysisOptions {
  /** Workspace-relative, `/`-separated; `''` is the workspace folder itself. */
  readonly moduleRoot: string;
  /** Callee names recognised as `task` (setting `tasklens.taskFunctionNames`). */
  readonly taskFunctionNames: readonly string[];
}

/**
 * How much of a file must be read: `skip` (nothing Tasklens cares about),
 * `classScan` (only classes without `extends`, found by a line scan), `parse`.
 */
export type AnalysisDepth = 'skip' | 'classScan' | 'parse';

/** Counts of how files were read, for benchmarks and tests. */
export interface TypeScriptIndexStats {
  readonly files: number;
  readonly parsed: number;
  readonly classScanned: number;
  readonly skipped: number;
}

// ---------------------------------------------------------------------------
// Internal records: what one file contributes, before cross-file resolution.

/** Where an import points: a workspace path (without guessing its extension) or a package. */
type ModuleSource = { readonly kind: 'workspace'; readonly path: string } | { readonly kind: 'package'; readonly specifier: string };

interface ImportBinding {
  readonly kind: 'named' | 'default' | 'namespace';
  readonly source: ModuleSource;
  /** The name exported by the source (`default` for a default import, `*` for a namespace). */
  readonly importedName: string;
}

/** A name as written: `X`, or `ns.X` read through a namespace import. */
interface NameRef {
  readonly head: string;
  readonly member?: string;
}

/** `export { local as exported }`, `export { a as b } from './x'`, `export default X`. */
interface ExportLink {
  readonly exportedName: string;
  /** The local name, or the name exported by `source` when there is one. */
  readonly localName: string;
  readonly source?: ModuleSource;
}

interface ClassRecord {
  /** `default` for an anonymous `export default class`. */
  readonly name: string;
  readonly nameRange: OffsetRange;
  readonly line: number;
  readonly extendsRef: NameRef | undefined;
  readonly extendsText: string | undefined;
}

/** A `retry_for` item that names a class; its qualified name is filled in by the index. */
interface PendingExceptionRef {
  readonly ref: NameRef;
  readonly identifier: string;
  readonly range: OffsetRange;
  /** Index of the item in the `retry_for` list. */
  readonly itemIndex: number;
}

interface TaskRecord {
  /** Complete except for `retry_for` class items, which still hold their bare identifiers. */
  readonly definition: TaskDefinition;
  readonly pendingRefs: readonly PendingExceptionRef[];
}

interface FileRecord {
  readonly file: string;
  readonly module: string | undefined;
  readonly depth: AnalysisDepth;
  readonly tasks: readonly TaskRecord[];
  readonly classes: readonly ClassRecord[];
  readonly bindings: ReadonlyMap<string, ImportBinding>;
  readonly exportLinks: readonly ExportLink[];
  readonly starSources: readonly ModuleSource[];
  /** Top-level non-class declarations named like a built-in error: they shadow it. */
  readonly shadowedBuiltins: ReadonlySet<string>;
}

const BUILTIN_ERRORS: ReadonlySet<string> = new Set(BUILTIN_ERROR_NAMES);
const TASKLENS_PACKAGE = 'tasklens';
const RETRY_ERROR_NAME = RETRY_ERROR.slice(RETRY_ERROR.lastIndexOf('.') + 1);
const NO_BINDINGS: ReadonlyMap<string, ImportBinding> = new Map();
const NO_NAMES: ReadonlySet<string> = new Set();

function emptyRecord(file: string, module: string | undefined, depth: AnalysisDepth): FileRecord {
  return { file, module, depth, tasks: [], classes: [], bindings: NO_BINDINGS, exportLinks: [], starSources: [], shadowedBuiltins: NO_NAMES };
}

const resolutionKeys = new WeakMap<FileRecord, string>();

/**
 * Everything other files' name resolution may read from `record`. When an edit
 * leaves it unchanged, other files' cached resolutions stay valid. Computed
 * only when a file is edited, not on the first read.
 */
function resolutionKeyOf(record: FileRecord): string {
  let key = resolutionKeys.get(record);
  if (key === undefined) {
    key = JSON.stringify([
      record.module,
      record.classes.map((c) => [c.name, c.extendsRef, c.extendsText]),
      [...record.bindings],
      record.exportLinks,
      record.starSources,
      [...record.shadowedBuiltins],
    ]);
    resolutionKeys.set(record, key);
  }
  return key;
}

// ---------------------------------------------------------------------------
// The pre-check: most files of an application mention neither `task(` nor a
// class that extends something, and reading them is the bulk of the work. It
// runs on every file, so it is written with indexOf rather than regular
// expressions that would try a match at every offset.

function isIdentifierChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 36 || code > 127;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** The next offset at or after `from` where `word` stands as a whole word; -1 when none. */
function nextWord(text: string, word: string, from: number): number {
  for (let i = text.indexOf(word, from); i !== -1; i = text.indexOf(word, i + word.length)) {
    if ((i === 0 || !isIdentifierChar(text.charCodeAt(i - 1))) && !isIdentifierChar(text.charCodeAt(i + word.length))) return i;
  }
  return -1;
}

function skipSpaces(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/**
 * Offsets of `task(`, `app.task (`, `task<T>(` for any of the names, in order;
 * `limit` stops early when only their existence matters.
 */
function taskCallOffsets(text: string, names: readonly string[], limit = Infinity): number[] {
  const offsets: number[] = [];
  for (const name of names) {
    if (name === '') continue;
    for (let i = nextWord(text, name, 0); i !== -1 && offsets.length < limit; i = nextWord(text, name, i + name.length)) {
      const next = text.charCodeAt(skipSpaces(text, i + name.length));
      if (next === 40 /* ( */ || next === 60 /* < */) offsets.push(i);
    }
  }
  return names.length > 1 ? offsets.sort((a, b) => a - b) : offsets;
}

function hasTaskCall(text: string, names: readonly string[]): boolean {
  return taskCallOffsets(text, names, 1).length > 0;
}

/** `class X extends`, `class X<T> extends`: `extends` before the class body starts. `firstClass` is the first `class` word. */
function hasClassExtends(text: string, firstClass: number): boolean {
  for (let i = firstClass; i !== -1; i = nextWord(text, 'class', i + 5)) {
    const extendsAt = nextWord(text, 'extends', i + 5);
    if (extendsAt === -1) return false;
    const brace = text.indexOf('{', i);
    const semicolon = text.indexOf(';', i);
    const bodyStart = Math.min(brace === -1 ? text.length : brace, semicolon === -1 ? text.length : semicolon);
    if (extendsAt < bodyStart) return true;
  }
  return false;
}

/** Which `export` forms the file uses that the line scan cannot follow. */
function exportForms(text: string): { reexports: boolean; exportList: boolean } {
  let exportList = false;
  for (let i = nextWord(text, 'export', 0); i !== -1; i = nextWord(text, 'export', i + 6)) {
    const at = skipSpaces(text, i + 6);
    const next = text.charCodeAt(at);
    // `export * from` and `export { X } from` (barrels) carry re-exports that resolution follows.
    if (next === 42 /* * */) return { reexports: true, exportList: true };
    if (next === 123 /* { */) {
      exportList = true;
      const close = text.indexOf('}', at);
      if (close !== -1 && text.startsWith('from', skipSpaces(text, close + 1))) return { reexports: true, exportList: true };
    }
  }
  return { reexports: false, exportList };
}

/**
 * How much of `text` must be read to get all its facts; conservative (never too
 * little). Each check is a pass over the text, so there are as few as can be.
 */
export function analysisDepth(text: string, taskFunctionNames: readonly string[]): AnalysisDepth {
  if (hasTaskCall(text, taskFunctionNames)) return 'parse';
  const firstClass = nextWord(text, 'class', 0);
  if (firstClass !== -1 && hasClassExtends(text, firstClass)) return 'parse';
  const exports = exportForms(text);
  if (exports.reexports) return 'parse';
  // A local `export { X as Y }` may rename a class, which the line scan cannot see.
  if (firstClass !== -1) return exports.exportList ? 'parse' : 'classScan';
  return 'skip';
}

const CLASS_MODIFIERS_BEFORE = /^[ \t]*(?:(?:export|default|declare|abstract)[ \t]+)*$/;
const CLASS_NAME_AFTER = /^[ \t]+([A-Za-z_$][\w$]*)/;
const DEFAULT_EXPORT_OF_NAME = /^[ \t]+([A-Za-z_$][\w$]*)[ \t]*;?[ \t]*(?:\r?\n|$)/;

/**
 * Classes of a file without `class ... extends`, so none has a base: a class
 * keyword that starts a line (after modifiers) declares one. Comments and
 * strings rarely look like that.
 */
function scanClasses(file: string, module: string, text: string): FileRecord {
  const classes: ClassRecord[] = [];
  const exportLinks: ExportLink[] = [];
  const lines = new LineCounter(text);
  for (let i = nextWord(text, 'class', 0); i !== -1; i = nextWord(text, 'class', i + 5)) {
    const lineStart = text.lastIndexOf('\n', i) + 1;
    const modifiers = text.slice(lineStart, i);
    if (!CLASS_MODIFIERS_BEFORE.test(modifiers)) continue;
    const isDefault = nextWord(modifiers, 'default', 0) !== -1;
    const name = CLASS_NAME_AFTER.exec(text.slice(i + 5, i + 200))?.[1];
    if (name === undefined && !isDefault) continue;
    const start = name === undefined ? i : text.indexOf(name, i + 5);
    const end = name === undefined ? i + 5 : start + name.length;
    classes.push({ name: name ?? 'default', nameRange: { start, end }, line: lines.lineAt(start), extendsRef: undefined, extendsText: undefined });
    if (isDefault && name !== undefined) exportLinks.push({ exportedName: 'default', localName: name });
  }
  for (let i = text.indexOf('export default'); i !== -1; i = text.indexOf('export default', i + 14)) {
    const name = DEFAULT_EXPORT_OF_NAME.exec(text.slice(i + 14, i + 200))?.[1];
    if (name !== undefined && name !== 'class') exportLinks.push({ exportedName: 'default', localName: name });
  }
  return { file, module, depth: 'classScan', tasks: [], classes, bindings: NO_BINDINGS, exportLinks, starSources: [], shadowedBuiltins: NO_NAMES };
}

/** 1-based lines of increasing offsets, without splitting the text. */
class LineCounter {
  private offset = 0;
  private line = 1;
  constructor(private readonly text: string) {}

  lineAt(offset: number): number {
    if (offset < this.offset) {
      this.offset = 0;
      this.line = 1;
    }
    for (let i = this.text.indexOf('\n', this.offset); i !== -1 && i < offset; i = this.text.indexOf('\n', i + 1)) this.line++;
    this.offset = offset;
    return this.line;
  }
}

// ---------------------------------------------------------------------------
// Parsing one file.

export function scriptKindFor(file: string): ts.ScriptKind {
  if (/\.tsx$/i.test(file)) return ts.ScriptKind.TSX;
  if (/\.jsx$/i.test(file)) return ts.ScriptKind.JSX;
  if (/\.(js|mjs|cjs)$/i.test(file)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** Reads one file's facts (imports not yet followed into other files). */
function analyzeFileRecord(file: string, text: string, options: TypeScriptAnalysisOptions): FileRecord {
  const depth = analysisDepth(text, options.taskFunctionNames);
  const module = depth === 'skip' ? undefined : moduleForFile(file, options.moduleRoot);
  // A file outside the module root has no module, so neither its tasks nor its classes can be named.
  if (depth === 'skip' || module === undefined) return emptyRecord(file, module, 'skip');
  try {
    if (depth === 'classScan') return scanClasses(file, module, text);
    return new ParsedFileReader(file, module, text, options.taskFunctionNames).read();
  } catch {
    // A bug in reading one odd file must not take the language server down with it.
    return emptyRecord(file, module, depth);
  }
}

/** Peels syntax that does not change a value: `(x)`, `x as T`, `x satisfies T`, `<T>x`, `x!`. */
function unwrap(node: ts.Expression): ts.Expression {
  let current = node;
  for (;;) {
    if (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isSatisfiesExpression(current) || ts.isTypeAssertionExpression(current) || ts.isNonNullExpression(current)) {
      current = current.expression;
    } else {
      return current;
    }
  }
}

type FunctionNode = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction;

/** A function declared in the file, as an identifier in `task(handler)` may name it. */
interface LocalFunction {
  readonly fn: FunctionNode;
  /** The declaration's name: `function handler` or `const handler = () => ...`. */
  readonly nameNode: ts.Identifier;
}

interface TaskCallShape {
  /** The node the call's name falls back to when it is unknown. */
  readonly callee: ts.Expression;
  readonly fnArg: ts.Expression | undefined;
  readonly optionsArg: ts.Expression | undefined;
}

interface OptionsReading {
  readonly options: MapNode | undefined;
  readonly optionsRange: OffsetRange | undefined;
  readonly hasSpread: boolean;
  readonly pendingRefs: readonly PendingExceptionRef[];
}

class ParsedFileReader {
  private readonly sf: ts.SourceFile;
  private readonly taskNames: ReadonlySet<string>;
  private readonly bindings = new Map<string, ImportBinding>();
  private readonly classes: ClassRecord[] = [];
  private readonly exportLinks: ExportLink[] = [];
  private readonly starSources: ModuleSource[] = [];
  private readonly shadowedBuiltins = new Set<string>();
  private readonly localFunctions = new Map<string, LocalFunction>();
  /** Variables of the file holding something other than a function (an options object, say). */
  private readonly localValues = new Set<string>();
  /** Whether nested scopes have been searched for functions too (done only when needed). */
  private nestedFunctionsCollected = false;
  private readonly calls: ts.CallExpression[] = [];
  /** Where `task(` may be written: only the subtrees holding one are walked. */
  private readonly callOffsets: readonly number[];

  constructor(
    private readonly file: string,
    private readonly module: string,
    text: string,
    taskFunctionNames: readonly string[],
  ) {
    this.sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, /* setParentNodes */ true, scriptKindFor(file));
    this.taskNames = new Set(taskFunctionNames);
    this.callOffsets = taskCallOffsets(text, taskFunctionNames);
  }

  read(): FileRecord {
    // Declarations first: a task may name a function declared below it.
    for (const statement of this.sf.statements) {
      this.readTopLevel(statement);
      this.collectFunctions(statement, false);
    }
    this.collectCalls(this.sf);
    const tasks: TaskRecord[] = [];
    for (const call of this.calls) {
      const task = this.readTaskCall(call);
      if (task !== undefined) tasks.push(task);
    }
    return {
      file: this.file,
      module: this.module,
      depth: 'parse',
      tasks,
      classes: this.classes,
      bindings: this.bindings,
      exportLinks: this.exportLinks,
      starSources: this.starSources,
      shadowedBuiltins: this.shadowedBuiltins,
    };
  }

  // -- top-level declarations ------------------------------------------------

  private readTopLevel(statement: ts.Statement): void {
    if (ts.isImportDeclaration(statement)) this.readImport(statement);
    else if (ts.isImportEqualsDeclaration(statement)) this.readImportEquals(statement);
    else if (ts.isExportDeclaration(statement)) this.readExportDeclaration(statement);
    else if (ts.isExportAssignment(statement)) this.readExportAssignment(statement);
    else if (ts.isClassDeclaration(statement)) this.readClassDeclaration(statement);
    else if (ts.isVariableStatement(statement)) this.readVariableStatement(statement);
    else if (ts.isFunctionDeclaration(statement) || ts.isEnumDeclaration(statement) || ts.isModuleDeclaration(statement)) {
      if (statement.name !== undefined && ts.isIdentifier(statement.name)) this.declareOther(statement.name.text);
    }
  }

  private readImport(node: ts.ImportDeclaration): void {
    const source = this.moduleSource(node.moduleSpecifier);
    const clause = node.importClause;
    if (source === undefined || clause === undefined) return;
    if (clause.name !== undefined) this.bindings.set(clause.name.text, { kind: 'default', source, importedName: 'default' });
    const named = clause.namedBindings;
    if (named === undefined) return;
    if (ts.isNamespaceImport(named)) {
      this.bindings.set(named.name.text, { kind: 'namespace', source, importedName: '*' });
      return;
    }
    for (const element of named.elements) {
      const importedName = (element.propertyName ?? element.name).text;
      const kind = importedName === 'default' ? 'default' : 'named';
      this.bindings.set(element.name.text, { kind, source, importedName });
    }
  }

  /** `import errors = require('./errors')` behaves as a namespace import. */
  private readImportEquals(node: ts.ImportEqualsDeclaration): void {
    const reference = node.moduleReference;
    if (!ts.isExternalModuleReference(reference)) return;
    const source = this.moduleSource(reference.expression);
    if (source !== undefined) this.bindings.set(node.name.text, { kind: 'namespace', source, importedName: '*' });
  }

  private readExportDeclaration(node: ts.ExportDeclaration): void {
    const source = node.moduleSpecifier === undefined ? undefined : this.moduleSource(node.moduleSpecifier);
    if (node.moduleSpecifier !== undefined && source === undefined) return;
    const clause = node.exportClause;
    if (clause === undefined) {
      if (source !== undefined) this.starSources.push(source);
      return;
    }
    // `export * as ns from` re-exports a namespace, not a class: nothing to follow.
    if (!ts.isNamedExports(clause)) return;
    for (const element of clause.elements) {
      this.exportLinks.push({ exportedName: element.name.text, localName: (element.propertyName ?? element.name).text, source });
    }
  }

  private readExportAssignment(node: ts.ExportAssignment): void {
    const expression = unwrap(node.expression);
    if (!node.isExportEquals && ts.isIdentifier(expression)) this.exportLinks.push({ exportedName: 'default', localName: expression.text });
    if (ts.isClassExpression(expression)) this.addClass(expression, expression.name, true);
  }

  private readClassDeclaration(node: ts.ClassDeclaration): void {
    const isDefault = node.modifiers?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword) ?? false;
    this.addClass(node, node.name, isDefault);
  }

  /** `const NetworkError = class extends Error {}` declares a class too. */
  private readVariableStatement(node: ts.VariableStatement): void {
    for (const declaration of node.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name)) continue;
      const initializer = declaration.initializer === undefined ? undefined : unwrap(declaration.initializer);
      if (initializer !== undefined && ts.isClassExpression(initializer)) this.addClass(initializer, declaration.name, false);
      else this.declareOther(declaration.name.text);
    }
  }

  private declareOther(name: string): void {
    if (BUILTIN_ERRORS.has(name)) this.shadowedBuiltins.add(name);
  }

  private addClass(node: ts.ClassLikeDeclaration, nameNode: ts.Identifier | undefined, isDefault: boolean): void {
    if (nameNode === undefined && !isDefault) return;
    const base = extendsExpression(node);
    const nameRange = nameNode !== undefined ? this.range(nameNode) : { start: node.getStart(this.sf), end: node.getStart(this.sf) };
    const name = nameNode?.text ?? 'default';
    this.classes.push({
      name,
      nameRange,
      line: this.lineOf(nameRange.start),
      extendsRef: base === undefined ? undefined : nameRefOf(base),
      extendsText: base?.getText(this.sf),
    });
    if (isDefault && nameNode !== undefined) this.exportLinks.push({ exportedName: 'default', localName: name });
  }

  /** Relative specifiers become workspace paths; anything else is a package. */
  private moduleSource(specifier: ts.Expression): ModuleSource | undefined {
    if (!ts.isStringLiteralLike(specifier)) return undefined;
    const text = specifier.text;
    if (!text.startsWith('./') && !text.startsWith('../') && text !== '.' && text !== '..') return { kind: 'package', specifier: text };
    const joined = joinRelative(this.file, text);
    return joined === undefined ? undefined : { kind: 'workspace', path: joined };
  }

  // -- calls and functions ---------------------------------------------------

  /** Task calls are found by walking only the subtrees that contain a `task(` offset. */
  private collectCalls(node: ts.Node): void {
    if (ts.isCallExpression(node)) this.calls.push(node);
    ts.forEachChild(node, (child) => {
      if (this.holdsCallOffset(child)) this.collectCalls(child);
    });
  }

  private holdsCallOffset(node: ts.Node): boolean {
    const offsets = this.callOffsets;
    // The first offset at or after the node's start (binary search), then whether it is inside.
    let lo = 0;
    let hi = offsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (offsets[mid] < node.pos) lo = mid + 1;
      else hi = mid;
    }
    return lo < offsets.length && offsets[lo] < node.end;
  }

  /** Functions and other variables declared by `node`; inside nested scopes only when `deep`. */
  private collectFunctions(node: ts.Node, deep: boolean): void {
    if (ts.isFunctionDeclaration(node) && node.name !== undefined) this.addLocalFunction(node.name, node);
    else if (ts.isVariableStatement(node)) for (const declaration of node.declarationList.declarations) this.collectFunctions(declaration, deep);
    else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined) {
      const initializer = unwrap(node.initializer);
      if (ts.isArrowFunction(initializer) || ts.isFunctionExpression(initializer)) this.addLocalFunction(node.name, initializer);
      else this.localValues.add(node.name.text);
    }
    if (deep) ts.forEachChild(node, (child) => this.collectFunctions(child, true));
  }

  /** A function declared in the file by that name; nested scopes are searched on first need. */
  private localFunction(name: string): LocalFunction | undefined {
    if (!this.localFunctions.has(name) && !this.nestedFunctionsCollected) {
      this.nestedFunctionsCollected = true;
      this.collectFunctions(this.sf, true);
    }
    return this.localFunctions.get(name);
  }

  /** The outermost declaration of a name wins (it is met first in document order). */
  private addLocalFunction(nameNode: ts.Identifier, fn: FunctionNode): void {
    if (!this.localFunctions.has(nameNode.text)) this.localFunctions.set(nameNode.text, { fn, nameNode });
  }

  private isTaskCallee(expression: ts.Expression): boolean {
    if (ts.isIdentifier(expression)) return this.taskNames.has(expression.text);
    if (ts.isPropertyAccessExpression(expression)) return this.taskNames.has(expression.name.text);
    return false;
  }

  /** A function expression, an arrow, or an identifier naming a function of this file. */
  private isFunctionArgument(arg: ts.Expression | undefined): boolean {
    if (arg === undefined) return false;
    const node = unwrap(arg);
    return ts.isArrowFunction(node) || ts.isFunctionExpression(node) || (ts.isIdentifier(node) && node.text !== '' && this.localFunction(node.text) !== undefined);
  }

  private isLocalValue(arg: ts.Expression): boolean {
    const node = unwrap(arg);
    return ts.isIdentifier(node) && this.localValues.has(node.text) && this.localFunction(node.text) === undefined;
  }

  /**
   * `task(options)(fn)`: the outer call is the task call. Told apart from calling
   * a task at once (`task(fn)(1)`) by which side holds the function.
   */
  private isCurriedForm(outer: ts.CallExpression): outer is ts.CallExpression & { readonly expression: ts.CallExpression } {
    const inner = outer.expression;
    if (!ts.isCallExpression(inner) || !this.isTaskCallee(inner.expression) || inner.arguments.length !== 1) return false;
    const [options] = inner.arguments;
    if (this.isFunctionArgument(options)) return false;
    return ts.isObjectLiteralExpression(unwrap(options)) || this.isFunctionArgument(outer.arguments[0]);
  }

  private taskCallShape(call: ts.CallExpression): TaskCallShape | undefined {
    if (this.isCurriedForm(call)) {
      return { callee: call.expression.expression, fnArg: call.arguments[0], optionsArg: call.expression.arguments[0] };
    }
    if (!this.isTaskCallee(call.expression)) return undefined;
    if (ts.isCallExpression(call.parent) && call.parent.expression === call && this.isCurriedForm(call.parent)) return undefined;
    const [first, second] = call.arguments;
    if (first === undefined) return undefined;
    // `task(retryOptions)`, an options variable alone, makes a decorator like `task({...})`.
    if (second === undefined && this.isLocalValue(first)) return undefined;
    const optionsFirst = ts.isObjectLiteralExpression(unwrap(first)) || (!this.isFunctionArgument(first) && this.isFunctionArgument(second));
    if (!optionsFirst) return { callee: call.expression, fnArg: first, optionsArg: second };
    // `task(options)` alone makes a decorator, not a task.
    if (second === undefined) return undefined;
    return { callee: call.expression, fnArg: second, optionsArg: first };
  }

  private readTaskCall(call: ts.CallExpression): TaskRecord | undefined {
    const shape = this.taskCallShape(call);
    if (shape === undefined) return undefined;
    const fnNode = shape.fnArg === undefined ? undefined : unwrap(shape.fnArg);
    const nameNode = this.taskNameNode(call, fnNode);
    const options = this.readOptions(shape.optionsArg);
    const definition: TaskDefinition = {
      file: this.file,
      module: this.module,
      func: nameNode === undefined ? undefined : this.taskName(nameNode),
      callRange: this.range(call),
      nameRange: this.range(nameNode ?? shape.callee),
      options: options.options,
      optionsRange: options.optionsRange,
      optionsHaveSpread: options.hasSpread,
      exceptionRefs: options.pendingRefs.map((p) => ({ identifier: p.identifier, range: p.range, qualifiedName: undefined })),
      parameters: this.parametersOf(fnNode),
    };
    return { definition, pendingRefs: options.pendingRefs };
  }

  /**
   * Where the task's name is written: the function's own name, else the
   * variable its `task(...)` result is assigned to (SPEC §2).
   */
  private taskNameNode(call: ts.CallExpression, fnNode: ts.Expression | undefined): ts.Identifier | undefined {
    if (fnNode !== undefined && ts.isFunctionExpression(fnNode) && fnNode.name !== undefined) return fnNode.name;
    if (fnNode !== undefined && ts.isIdentifier(fnNode) && fnNode.text !== '') return this.localFunction(fnNode.text)?.nameNode ?? fnNode;
    return assignedName(call);
  }

  /** An imported handler's own name is the one it was exported under. */
  private taskName(nameNode: ts.Identifier): string {
    const binding = this.bindings.get(nameNode.text);
    return binding?.kind === 'named' && isIdentifierArgument(nameNode) ? binding.importedName : nameNode.text;
  }

  private parametersOf(fnNode: ts.Expression | undefined): readonly string[] | undefined {
    if (fnNode === undefined) return undefined;
    let fn: FunctionNode | undefined;
    if (ts.isArrowFunction(fnNode) || ts.isFunctionExpression(fnNode)) fn = fnNode;
    else if (ts.isIdentifier(fnNode) && fnNode.text !== '') fn = this.localFunction(fnNode.text)?.fn;
    if (fn === undefined) return undefined;
    // Destructured parameters have no name a caller could pass by, and `this` is not a parameter.
    return fn.parameters.flatMap((p) => (ts.isIdentifier(p.name) && p.name.text !== 'this' ? [p.name.text] : []));
  }

  // -- options ----------------------------------------------------------------

  private readOptions(arg: ts.Expression | undefined): OptionsReading {
    const node = arg === undefined ? undefined : unwrap(arg);
    if (node === undefined || node.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(node) && (node.text === 'undefined' || node.text === ''))) {
      return { options: undefined, optionsRange: undefined, hasSpread: false, pendingRefs: [] };
    }
    if (!ts.isObjectLiteralExpression(node)) {
      // Options built elsewhere (`task(fn, defaults)`): present, but no key is known.
      return { options: mapNode([], this.loc(node)), optionsRange: undefined, hasSpread: true, pendingRefs: [] };
    }
    const reading = this.readObject(node, true);
    return { options: reading.map, optionsRange: this.range(node), hasSpread: reading.hasSpread, pendingRefs: reading.pendingRefs };
  }

  private readObject(node: ts.ObjectLiteralExpression, isOptions: boolean): { map: MapNode; hasSpread: boolean; pendingRefs: PendingExceptionRef[] } {
    const entries: MapEntry[] = [];
    let hasSpread = false;
    let pendingRefs: PendingExceptionRef[] = [];
    for (const property of node.properties) {
      const key = property.name === undefined ? undefined : propertyKey(property.name);
      if (ts.isSpreadAssignment(property) || property.name === undefined || key === undefined) {
        // A spread or a computed key: the set of keys is unknown.
        hasSpread = true;
        continue;
      }
      const keyLoc = this.loc(property.name);
      if (ts.isPropertyAssignment(property)) {
        const isRetryFor = isOptions && key === 'retry_for';
        const refs: PendingExceptionRef[] = [];
        entries.push({ key, keyLoc, value: this.readValue(property.initializer, isRetryFor ? refs : undefined) });
        // A repeated key keeps its last value (mapNode does the same), so only the last retry_for's refs count.
        if (isRetryFor) pendingRefs = refs;
      } else if (ts.isShorthandPropertyAssignment(property)) {
        entries.push({ key, keyLoc, value: this.computed(property.name) });
      } else {
        entries.push({ key, keyLoc, value: this.computed(property) });
      }
    }
    return { map: mapNode(entries, this.loc(node)), hasSpread, pendingRefs };
  }

  /** A value as a located node; `exceptionRefs` is given inside `retry_for` to collect class items. */
  private readValue(expression: ts.Expression, exceptionRefs?: PendingExceptionRef[]): ConfigNode {
    const node = unwrap(expression);
    const loc = this.loc(node);
    // The source text, not `.text`: TypeScript normalises `1.0` to `1`, and the user's spelling decides int or float.
    if (ts.isNumericLiteral(node) || ts.isBigIntLiteral(node)) return numberNode(node.getText(this.sf), 1, loc);
    if (ts.isPrefixUnaryExpression(node) && (node.operator === ts.SyntaxKind.MinusToken || node.operator === ts.SyntaxKind.PlusToken)) {
      const operand = unwrap(node.operand);
      if (ts.isNumericLiteral(operand)) return numberNode(operand.getText(this.sf), node.operator === ts.SyntaxKind.MinusToken ? -1 : 1, loc);
    }
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return { type: 'string', value: node.text, loc };
    if (node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword) return { type: 'bool', value: node.kind === ts.SyntaxKind.TrueKeyword, loc };
    if (node.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(node) && node.text === 'undefined')) return { type: 'null', loc };
    if (ts.isArrayLiteralExpression(node)) return this.readArray(node, loc, exceptionRefs);
    if (ts.isObjectLiteralExpression(node)) {
      const nested = this.readObject(node, false);
      return nested.hasSpread ? this.computed(node) : nested.map;
    }
    const member = concurrencyMember(node);
    if (member !== undefined) return { type: 'string', value: ConcurrencyControlType[member], loc };
    return this.computed(node);
  }

  private readArray(node: ts.ArrayLiteralExpression, loc: Loc, exceptionRefs: PendingExceptionRef[] | undefined): ConfigNode {
    // A spread or a hole makes the list's length, and so its value, unknown.
    if (node.elements.some((e) => ts.isSpreadElement(e) || ts.isOmittedExpression(e))) return this.computed(node);
    const items = node.elements.map((element, index) => {
      const ref = exceptionRefs === undefined ? undefined : this.exceptionRef(element, index);
      if (ref === undefined) return this.readValue(element);
      exceptionRefs?.push(ref);
      // The bare identifier until the index fills in the qualified name.
      return { type: 'string', value: ref.identifier, loc: this.loc(unwrap(element)) } as const;
    });
    return { type: 'list', items, loc };
  }

  /** `NetworkError`, or `errors.NetworkError` through a namespace import. */
  private exceptionRef(element: ts.Expression, itemIndex: number): PendingExceptionRef | undefined {
    const node = unwrap(element);
    const ref = nameRefOf(node);
    if (ref === undefined || ref.head === 'undefined' || ref.head === '') return undefined;
    if (ref.member !== undefined && this.bindings.get(ref.head)?.kind !== 'namespace') return undefined;
    const identifier = ref.member === undefined ? ref.head : `${ref.head}.${ref.member}`;
    return { ref, identifier, range: this.range(node), itemIndex };
  }

  // -- locations ---------------------------------------------------------------

  private computed(node: ts.Node): ConfigNode {
    return { type: 'computed', text: node.getText(this.sf), loc: this.loc(node) };
  }

  private range(node: ts.Node): OffsetRange {
    return { start: node.getStart(this.sf), end: node.getEnd() };
  }

  private loc(node: ts.Node): Loc {
    const start = node.getStart(this.sf);
    return { line: this.lineOf(start), start, end: node.getEnd() };
  }

  private lineOf(offset: number): number {
    return this.sf.getLineAndCharacterOfPosition(offset).line + 1;
  }
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

/** True when the identifier is the function argument of a call (not a declaration name). */
function isIdentifierArgument(node: ts.Identifier): boolean {
  let current: ts.Node = node;
  while (ts.isParenthesizedExpression(current.parent) || ts.isAsExpression(current.parent) || ts.isSatisfiesExpression(current.parent) || ts.isNonNullExpression(current.parent)) current = current.parent;
  return ts.isCallExpression(current.parent) && current.parent.arguments.some((a) => a === current);
}

/** The variable (or plain identifier) a call's result is assigned to. */
function assignedName(call: ts.CallExpression): ts.Identifier | undefined {
  let node: ts.Node = call;
  while (ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent) || ts.isSatisfiesExpression(node.parent) || ts.isNonNullExpression(node.parent) || ts.isTypeAssertionExpression(node.parent)) {
    node = node.parent;
  }
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && parent.initializer === node && ts.isIdentifier(parent.name)) return parent.name;
  if (ts.isBinaryExpression(parent) && parent.right === node && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(parent.left)) return parent.left;
  return undefined;
}

function extendsExpression(node: ts.ClassLikeDeclaration): ts.Expression | undefined {
  const clause = node.heritageClauses?.find((c) => c.token === ts.SyntaxKind.ExtendsKeyword);
  return clause?.types[0]?.expression;
}

function nameRefOf(node: ts.Expression): NameRef | undefined {
  if (ts.isIdentifier(node)) return { head: node.text };
  if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && ts.isIdentifier(node.name)) return { head: node.expression.text, member: node.name.text };
  return undefined;
}

function propertyKey(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isComputedPropertyName(name)) {
    const expression = unwrap(name.expression);
    if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression)) return expression.text;
  }
  return undefined;
}

type ConcurrencyMember = keyof typeof ConcurrencyControlType;

function concurrencyMember(node: ts.Expression): ConcurrencyMember | undefined {
  if (!ts.isPropertyAccessExpression(node) || !ts.isIdentifier(node.expression) || node.expression.text !== 'ConcurrencyControlType') return undefined;
  const member = node.name.text;
  return isConcurrencyMember(member) ? member : undefined;
}

function isConcurrencyMember(name: string): name is ConcurrencyMember {
  return Object.prototype.hasOwnProperty.call(ConcurrencyControlType, name);
}

/** A number as written: `1.0` and `1e3` are floats (the user wrote a float), `0x10` and `3` ints. */
function numberNode(text: string, sign: 1 | -1, loc: Loc): ConfigNode {
  const digits = text.replace(/_/g, '').replace(/n$/, '');
  const value = sign * Number(digits);
  const isFloat = !/^0[xob]/i.test(digits) && /[.e]/i.test(digits);
  return isFloat ? { type: 'float', value, loc } : { type: 'int', value, loc };
}

// ---------------------------------------------------------------------------
// Cross-file resolution.

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
function importPathsNaming(file: string): string[] {
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
class Dependencies {
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
class NameResolver {
  /** Import path → the file it names (a name: records are replaced on every update). */
  private readonly fileMemo = new Map<string, string | null>();
  private readonly exportMemo = new Map<string, { readonly value: string | undefined; readonly deps: Dependencies }>();
  private readonly inProgress = new Set<string>();
  /** A file's module depends only on its path and the module root, so this never goes stale. */
  private readonly skippedModules = new Map<string, string | undefined>();
  /** Where reads are recorded while `tracked` runs. */
  private deps: Dependencies | undefined;

  constructor(
    private readonly records: ReadonlyMap<string, FileRecord>,
    private readonly moduleRoot: string,
  ) {}

  /** Runs `read`, returning its result and everything it read (also added to an enclosing `tracked`). */
  tracked<T>(read: () => T): { value: T; deps: Dependencies } {
    const outer = this.deps;
    const deps = new Dependencies();
    this.deps = deps;
    try {
      return { value: read(), deps };
    } finally {
      this.deps = outer;
      outer?.addAll(deps);
    }
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
    if (BUILTIN_ERRORS.has(name) && !record.shadowedBuiltins.has(name)) return `builtins.${name}`;
    return undefined;
  }

  /** The qualified name of what `source` exports as `name`; module-qualified when not found there. */
  resolveExport(source: ModuleSource, name: string): string | undefined {
    if (source.kind === 'package') {
      // The library's own RetryError is the one package export whose qualified name is known (SPEC §6).
      return source.specifier === TASKLENS_PACKAGE && name === RETRY_ERROR_NAME ? RETRY_ERROR : undefined;
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
    if (memo !== undefined) {
      this.deps?.addAll(memo.deps);
      return memo.value;
    }
    // Re-export cycles (`a` re-exports `b` re-exports `a`) end here instead of looping.
    if (this.inProgress.has(key)) return undefined;
    this.inProgress.add(key);
    try {
      const found = this.tracked(() => this.findExportUncached(record, name));
      this.exportMemo.set(key, found);
      return found.value;
    } finally {
      this.inProgress.delete(key);
    }
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
    const file = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/.test(importPath) ? importPath : `${importPath}.ts`;
    return moduleForFile(file, this.moduleRoot);
  }
}

/** A file's facts with every name resolved through `resolver`. */
function finaliseFacts(record: FileRecord, resolver: NameResolver): TypeScriptFileFacts {
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
  const entries = options.entries.map((entry) => {
    if (entry.key !== 'retry_for' || entry.value.type !== 'list') return entry;
    const items = [...entry.value.items];
    task.pendingRefs.forEach((p, i) => {
      items[p.itemIndex] = { type: 'string', value: qualified[i] ?? p.identifier, loc: items[p.itemIndex].loc };
    });
    return { ...entry, value: { ...entry.value, items } };
  });
  return { ...task.definition, options: { ...options, entries }, exceptionRefs };
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

function emptyFacts(file: string): TypeScriptFileFacts {
  return { file, tasks: [], classes: [], imports: new Map() };
}

/**
 * The facts of one file on its own: imports of other workspace files are
 * assumed to name `<path>.ts` (the index knows better). Never throws.
 */
export function analyzeTypeScriptFile(file: string, text: string, options: TypeScriptAnalysisOptions): TypeScriptFileFacts {
  try {
    const record = analyzeFileRecord(file, text, options);
    return finaliseFacts(record, new NameResolver(new Map([[file, record]]), options.moduleRoot));
  } catch {
    return emptyFacts(file);
  }
}

// ---------------------------------------------------------------------------
// The index.

interface ClassTable {
  readonly byName: ReadonlyMap<string, DeclaredClass>;
  readonly exceptions: readonly ExceptionClass[];
}

/** A class as the class table needs it, made once per finalised file. */
interface DeclaredClass {
  readonly qualifiedName: string;
  readonly fact: ClassFact;
  readonly line: number;
  /** Ready-made for a class without `extends` (most classes), which needs no chain. */
  readonly withoutBase: ExceptionClass | undefined;
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
export class TypeScriptIndex implements TaskSource {
  readonly language = 'typescript' as const;
  private analysisOptions: TypeScriptAnalysisOptions;
  private readonly records = new Map<string, FileRecord>();
  /** Kept so that new settings can re-read every file without asking for it again. */
  private readonly texts = new Map<string, string>();
  private changeCount = 0;
  private resolver: NameResolver;
  private readonly finalFacts = new Map<string, CachedFacts>();
  private allTasks: readonly TaskDefinition[] | undefined;
  private tasksByIdMap: ReadonlyMap<string, readonly TaskDefinition[]> | undefined;
  private classTable: ClassTable | undefined;

  constructor(options: TypeScriptAnalysisOptions) {
    this.analysisOptions = copyOptions(options);
    this.resolver = new NameResolver(this.records, this.analysisOptions.moduleRoot);
  }

  /** Increments on every change to the index. */
  get version(): number {
    return this.changeCount;
  }

  get options(): TypeScriptAnalysisOptions {
    return this.analysisOptions;
  }

  /** (Re-)reads one file; `file` is workspace-relative with `/`. The same text again is no change. */
  update(file: string, text: string): void {
    if (this.texts.get(file) === text) return;
    const old = this.records.get(file);
    const record = analyzeFileRecord(file, text, this.analysisOptions);
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
    this.records.set(newFile, analyzeFileRecord(newFile, text, this.analysisOptions));
    this.invalidate(newFile, replaced === undefined ? 'added' : 'names', replaced);
    this.changeCount++;
  }

  /**
   * New settings change every module and every recognised call: all files are
   * read again, from the texts the index keeps (so the caller need not supply them).
   */
  setOptions(options: TypeScriptAnalysisOptions): void {
    this.analysisOptions = copyOptions(options);
    for (const [file, text] of this.texts) this.records.set(file, analyzeFileRecord(file, text, this.analysisOptions));
    this.resolver = new NameResolver(this.records, this.analysisOptions.moduleRoot);
    this.finalFacts.clear();
    this.dropQueryCaches(true, true);
    this.changeCount++;
  }

  files(): string[] {
    return [...this.records.keys()];
  }

  has(file: string): boolean {
    return this.records.has(file);
  }

  /** The file's facts with names resolved across the workspace; undefined for an unknown file. */
  facts(file: string): TypeScriptFileFacts | undefined {
    return this.cachedFacts(file)?.facts;
  }

  /** Every recognised task call of the workspace, in file order. */
  tasks(): TaskDefinition[] {
    return [...this.cachedTasks()];
  }

  /** The tasks whose id (`<module>.<func>`) is `id`; more than one is a duplicate. */
  tasksById(id: string): TaskDefinition[] {
    if (this.tasksByIdMap === undefined) {
      const byId = new Map<string, TaskDefinition[]>();
      for (const task of this.cachedTasks()) {
        if (task.func === undefined) continue;
        const key = taskIdToString({ module: task.module, func: task.func });
        const list = byId.get(key);
        if (list === undefined) byId.set(key, [task]);
        else list.push(task);
      }
      this.tasksByIdMap = byId;
    }
    return [...(this.tasksByIdMap.get(id) ?? [])];
  }

  /** Every workspace class, with whether its `extends` chain reaches a built-in error. */
  exceptionClasses(): ExceptionClass[] {
    return [...this.cachedClassTable().exceptions];
  }

  /** The class declared as `<module>.<Name>` (the first one, if several files share a module). */
  classByQualifiedName(name: string): ClassFact | undefined {
    return this.cachedClassTable().byName.get(name)?.fact;
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
      this.allTasks = undefined;
      this.tasksByIdMap = undefined;
    }
    if (classesChanged) this.classTable = undefined;
  }

  private cachedFacts(file: string): CachedFacts | undefined {
    const cached = this.finalFacts.get(file);
    if (cached !== undefined) return cached;
    const record = this.records.get(file);
    if (record === undefined) return undefined;
    const { value: facts, deps } = this.resolver.tracked(() => finaliseFacts(record, this.resolver));
    const entry = { facts, deps, declaredClasses: facts.classes.map((fact, i) => declaredClass(fact, record.classes[i].line)) };
    this.finalFacts.set(file, entry);
    return entry;
  }

  private cachedTasks(): readonly TaskDefinition[] {
    if (this.allTasks === undefined) {
      const all: TaskDefinition[] = [];
      for (const record of this.records.values()) {
        if (record.tasks.length === 0) continue;
        for (const task of this.facts(record.file)?.tasks ?? []) all.push(task);
      }
      this.allTasks = all;
    }
    return this.allTasks;
  }

  private cachedClassTable(): ClassTable {
    if (this.classTable === undefined) this.classTable = this.buildClassTable();
    return this.classTable;
  }

  private buildClassTable(): ClassTable {
    const byName = new Map<string, DeclaredClass>();
    for (const record of this.records.values()) {
      if (record.module === undefined || record.classes.length === 0) continue;
      for (const declared of this.cachedFacts(record.file)?.declaredClasses ?? []) {
        if (!byName.has(declared.qualifiedName)) byName.set(declared.qualifiedName, declared);
      }
    }
    const chains = new ExtendsChains(byName);
    const exceptions: ExceptionClass[] = [];
    for (const declared of byName.values()) {
      if (declared.withoutBase !== undefined) {
        exceptions.push(declared.withoutBase);
        continue;
      }
      const { fact, line } = declared;
      const { extendsError, bases } = chains.of(declared.qualifiedName, fact.extendsName);
      exceptions.push({ module: fact.module, name: fact.name, extendsError, file: fact.file, line, bases });
    }
    return { byName, exceptions };
  }
}

function declaredClass(fact: ClassFact, line: number): DeclaredClass {
  const withoutBase = fact.extendsName === undefined ? { module: fact.module, name: fact.name, extendsError: false, file: fact.file, line, bases: [] } : undefined;
  return { qualifiedName: `${fact.module}.${fact.name}`, fact, line, withoutBase };
}

interface ExtendsChain {
  readonly extendsError: boolean;
  /** Nearest first. Shared between classes with the same base, hence readonly. */
  readonly bases: readonly string[];
}

const NO_CHAIN: ExtendsChain = { extendsError: false, bases: [] };

/**
 * `extends` chains, followed across files down to a built-in error, an unknown
 * class or a cycle. Memoised by base, since many classes share their bases.
 */
class ExtendsChains {
  private readonly memo = new Map<string, ExtendsChain>();

  constructor(private readonly declared: ReadonlyMap<string, DeclaredClass>) {}

  of(qualifiedName: string, base: string | undefined): ExtendsChain {
    return base === undefined ? NO_CHAIN : this.from(base, new Set([qualifiedName])).chain;
  }

  /** `visiting` holds the classes on the current path; a chain cut by a cycle depends on where it started, so it is not memoised. */
  private from(base: string | undefined, visiting: Set<string>): { chain: ExtendsChain; cyclic: boolean } {
    if (base === undefined) return { chain: NO_CHAIN, cyclic: false };
    if (visiting.has(base)) return { chain: NO_CHAIN, cyclic: true };
    const memo = this.memo.get(base);
    if (memo !== undefined) return { chain: memo, cyclic: false };
    const result = this.walk(base, visiting);
    if (!result.cyclic) this.memo.set(base, result.chain);
    return result;
  }

  private walk(base: string, visiting: Set<string>): { chain: ExtendsChain; cyclic: boolean } {
    if (isBuiltinError(base) || base === RETRY_ERROR) {
      return { chain: { extendsError: true, bases: base === 'builtins.Error' ? [base] : [base, 'builtins.Error'] }, cyclic: false };
    }
    const next = this.declared.get(base);
    if (next === undefined) return { chain: { extendsError: false, bases: [base] }, cyclic: false };
    visiting.add(base);
    const rest = this.from(next.fact.extendsName, visiting);
    visiting.delete(base);
    return { chain: { extendsError: rest.chain.extendsError, bases: [base, ...rest.chain.bases] }, cyclic: rest.cyclic };
  }
}

function copyOptions(options: TypeScriptAnalysisOptions): TypeScriptAnalysisOptions {
  return { moduleRoot: options.moduleRoot, taskFunctionNames: [...options.taskFunctionNames] };
}

function isBuiltinError(qualifiedName: string): boolean {
  return qualifiedName.startsWith('builtins.') && BUILTIN_ERRORS.has(qualifiedName.slice('builtins.'.length));
}
