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
import * as ts from 'typescript';
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
  /**
   * Everything other files' name resolution may depend on. When an edit leaves it
   * unchanged, cached resolutions of other files stay valid.
   */
  readonly resolutionKey: string;
}

const BUILTIN_ERRORS: ReadonlySet<string> = new Set(BUILTIN_ERROR_NAMES);
const TASKLENS_PACKAGE = 'tasklens';
const RETRY_ERROR_NAME = RETRY_ERROR.slice(RETRY_ERROR.lastIndexOf('.') + 1);

function emptyRecord(file: string, module: string | undefined, depth: AnalysisDepth): FileRecord {
  return recordWith({ file, module, depth, tasks: [], classes: [], bindings: new Map(), exportLinks: [], starSources: [], shadowedBuiltins: new Set() });
}

function recordWith(parts: Omit<FileRecord, 'resolutionKey'>): FileRecord {
  const resolutionKey = JSON.stringify([
    parts.module,
    parts.classes.map((c) => [c.name, c.extendsRef, c.extendsText]),
    [...parts.bindings],
    parts.exportLinks,
    parts.starSources,
    [...parts.shadowedBuiltins],
  ]);
  return { ...parts, resolutionKey };
}

// ---------------------------------------------------------------------------
// The pre-check: most files of an application mention neither `task(` nor a
// class that extends something, and reading them is the bulk of the work.

const CLASS_EXTENDS = /\bclass\b[^{;]*?\bextends\b/;
const CLASS_WORD = /\bclass\b/;
/** Barrels (`export * from`, `export { X } from`) carry re-exports that resolution follows. */
const EXPORT_FROM = /\bexport\s*(?:\*|\{[^}]*\}\s*from\b)/;
/** A local `export { X as Y }` may rename a class, which the line scan cannot see. */
const EXPORT_LIST = /\bexport\s*\{/;
/** A class declaration at the start of a line; comments and strings rarely look like this. */
const CLASS_DECLARATION_LINE = /^([ \t]*)((?:(?:export|default|declare|abstract)[ \t]+)*)class\b(?:[ \t]+([A-Za-z_$][\w$]*))?/gm;
const EXPORT_DEFAULT_IDENTIFIER = /^[ \t]*export[ \t]+default[ \t]+([A-Za-z_$][\w$]*)[ \t]*;?[ \t]*$/gm;

const taskCallPatterns = new Map<string, RegExp | undefined>();

/** `task(`, `app.task (`, `task<T>(` for any of the names; undefined when there are none. */
function taskCallPattern(names: readonly string[]): RegExp | undefined {
  const key = names.join('\n');
  if (!taskCallPatterns.has(key)) {
    const alternatives = names.filter((n) => n !== '').map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    taskCallPatterns.set(key, alternatives.length === 0 ? undefined : new RegExp(`(?<![\\w$])(?:${alternatives.join('|')})\\s*[(<]`));
  }
  return taskCallPatterns.get(key);
}

/** How much of `text` must be read to get all its facts; conservative (never too little). */
export function analysisDepth(text: string, taskFunctionNames: readonly string[]): AnalysisDepth {
  if (taskCallPattern(taskFunctionNames)?.test(text)) return 'parse';
  if (CLASS_EXTENDS.test(text) || EXPORT_FROM.test(text)) return 'parse';
  if (CLASS_WORD.test(text)) return EXPORT_LIST.test(text) ? 'parse' : 'classScan';
  return 'skip';
}

/** Classes of a file without `class ... extends`: every class there has no base. */
function scanClasses(file: string, module: string, text: string): FileRecord {
  const classes: ClassRecord[] = [];
  const exportLinks: ExportLink[] = [];
  const lines = new LineCounter(text);
  for (const match of text.matchAll(CLASS_DECLARATION_LINE)) {
    const [whole, indent, modifiers, name] = match;
    const isDefault = /\bdefault\b/.test(modifiers);
    if (name === undefined && !isDefault) continue;
    const keywordStart = (match.index ?? 0) + indent.length + modifiers.length;
    const start = name === undefined ? keywordStart : (match.index ?? 0) + whole.length - name.length;
    const end = name === undefined ? keywordStart + 'class'.length : start + name.length;
    classes.push({ name: name ?? 'default', nameRange: { start, end }, line: lines.lineAt(start), extendsRef: undefined, extendsText: undefined });
    if (isDefault && name !== undefined) exportLinks.push({ exportedName: 'default', localName: name });
  }
  for (const match of text.matchAll(EXPORT_DEFAULT_IDENTIFIER)) exportLinks.push({ exportedName: 'default', localName: match[1] });
  return recordWith({ file, module, depth: 'classScan', tasks: [], classes, bindings: new Map(), exportLinks, starSources: [], shadowedBuiltins: new Set() });
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
  const module = moduleForFile(file, options.moduleRoot);
  // A file outside the module root has no module, so neither its tasks nor its classes can be named.
  if (module === undefined) return emptyRecord(file, undefined, 'skip');
  const depth = analysisDepth(text, options.taskFunctionNames);
  if (depth === 'skip') return emptyRecord(file, module, 'skip');
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
  private readonly calls: ts.CallExpression[] = [];

  constructor(
    private readonly file: string,
    private readonly module: string,
    text: string,
    taskFunctionNames: readonly string[],
  ) {
    this.sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, /* setParentNodes */ true, scriptKindFor(file));
    this.taskNames = new Set(taskFunctionNames);
  }

  read(): FileRecord {
    for (const statement of this.sf.statements) this.readTopLevel(statement);
    // Calls and functions are collected before any call is read: a task may name a function declared below it.
    this.collect(this.sf);
    const tasks: TaskRecord[] = [];
    for (const call of this.calls) {
      const task = this.readTaskCall(call);
      if (task !== undefined) tasks.push(task);
    }
    return recordWith({
      file: this.file,
      module: this.module,
      depth: 'parse',
      tasks,
      classes: this.classes,
      bindings: this.bindings,
      exportLinks: this.exportLinks,
      starSources: this.starSources,
      shadowedBuiltins: this.shadowedBuiltins,
    });
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
    const joined = path.posix.normalize(path.posix.join(path.posix.dirname(this.file), text));
    // Above the workspace folder: nothing the index can know about.
    if (joined === '..' || joined.startsWith('../')) return undefined;
    return { kind: 'workspace', path: joined.replace(/\/$/, '') };
  }

  // -- calls and functions ---------------------------------------------------

  private collect(node: ts.Node): void {
    if (ts.isCallExpression(node)) this.calls.push(node);
    else if (ts.isFunctionDeclaration(node) && node.name !== undefined) this.addLocalFunction(node.name, node);
    else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined) {
      const initializer = unwrap(node.initializer);
      if (ts.isArrowFunction(initializer) || ts.isFunctionExpression(initializer)) this.addLocalFunction(node.name, initializer);
    }
    ts.forEachChild(node, (child) => this.collect(child));
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
    return ts.isArrowFunction(node) || ts.isFunctionExpression(node) || (ts.isIdentifier(node) && this.localFunctions.has(node.text));
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
    if (fnNode !== undefined && ts.isIdentifier(fnNode) && fnNode.text !== '') return this.localFunctions.get(fnNode.text)?.nameNode ?? fnNode;
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
    else if (ts.isIdentifier(fnNode)) fn = this.localFunctions.get(fnNode.text)?.fn;
    if (fn === undefined) return undefined;
    // Destructured parameters have no name a caller could pass by, and `this` is not a parameter.
    return fn.parameters.filter((p) => ts.isIdentifier(p.name) && p.name.text !== 'this').map((p) => (p.name as ts.Identifier).text);
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
  return Object.prototype.hasOwnProperty.call(ConcurrencyControlType, member) ? (member as ConcurrencyMember) : undefined;
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
 * Resolves names against a set of file records. Memoised: build a new one
 * whenever a record's `resolutionKey` or the set of files changes.
 */
class NameResolver {
  private readonly fileMemo = new Map<string, FileRecord | null>();
  private readonly exportMemo = new Map<string, string | null>();
  private readonly inProgress = new Set<string>();

  constructor(
    private readonly records: ReadonlyMap<string, FileRecord>,
    private readonly moduleRoot: string,
  ) {}

  /** The qualified name of `X` or `ns.X` as written in `record`'s file. */
  resolveRef(record: FileRecord, ref: NameRef): string | undefined {
    if (ref.member === undefined) return this.resolveIdentifier(record, ref.head);
    const binding = record.bindings.get(ref.head);
    return binding?.kind === 'namespace' ? this.resolveExport(binding.source, ref.member) : undefined;
  }

  resolveIdentifier(record: FileRecord, name: string): string | undefined {
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
    if (target === undefined) {
      const module = this.naiveModule(source.path);
      return module === undefined ? undefined : `${module}.${name}`;
    }
    if (target.module === undefined) return undefined;
    return this.findExport(target, name) ?? `${target.module}.${name}`;
  }

  /** The module a workspace import path names, whether or not the file is known. */
  moduleOfSource(source: ModuleSource): string | undefined {
    if (source.kind === 'package') return undefined;
    const target = this.lookupFile(source.path);
    return target === undefined ? this.naiveModule(source.path) : target.module;
  }

  /** Follows local classes, export lists, `export default X` and `export *`; undefined when not declared. */
  private findExport(record: FileRecord, name: string): string | undefined {
    const key = `${record.file}\0${name}`;
    const memo = this.exportMemo.get(key);
    if (memo !== undefined) return memo ?? undefined;
    // Re-export cycles (`a` re-exports `b` re-exports `a`) end here instead of looping.
    if (this.inProgress.has(key)) return undefined;
    this.inProgress.add(key);
    try {
      const found = this.findExportUncached(record, name);
      this.exportMemo.set(key, found ?? null);
      return found;
    } finally {
      this.inProgress.delete(key);
    }
  }

  private findExportUncached(record: FileRecord, name: string): string | undefined {
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
    const memo = this.fileMemo.get(importPath);
    if (memo !== undefined) return memo ?? undefined;
    const found = this.candidates(importPath).map((c) => this.records.get(c)).find((r) => r !== undefined);
    this.fileMemo.set(importPath, found ?? null);
    return found;
  }

  private candidates(importPath: string): string[] {
    const extension = path.posix.extname(importPath);
    const stem = importPath.slice(0, importPath.length - extension.length);
    const direct = [importPath, ...(JS_TO_TS[extension] ?? []).map((e) => stem + e)];
    return [...direct, ...SOURCE_EXTENSIONS.map((e) => importPath + e), ...SOURCE_EXTENSIONS.map((e) => `${importPath}/index${e}`)];
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
      const item = items[p.itemIndex];
      items[p.itemIndex] = { type: 'string', value: qualified[i] ?? p.identifier, loc: item.loc };
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
  const imports = new Map<string, string>();
  for (const [local, binding] of record.bindings) {
    const qualified = binding.kind === 'namespace' ? resolver.moduleOfSource(binding.source) : resolver.resolveExport(binding.source, binding.importedName);
    if (qualified !== undefined) imports.set(local, qualified);
  }
  return imports;
}

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
  readonly byName: ReadonlyMap<string, ClassFact>;
  readonly exceptions: readonly ExceptionClass[];
}

/**
 * Every TypeScript file of the workspace, read into facts, with names resolved
 * across files. Updates are per file; queries are computed lazily and cached
 * until the next change that can affect them.
 */
export class TypeScriptIndex {
  private analysisOptions: TypeScriptAnalysisOptions;
  private readonly records = new Map<string, FileRecord>();
  /** Kept so that new settings can re-read every file without asking for it again. */
  private readonly texts = new Map<string, string>();
  private changeCount = 0;
  // Caches. `resolver` and `finalFacts` are dropped whenever cross-file resolution may change.
  private resolver: NameResolver | undefined;
  private readonly finalFacts = new Map<string, TypeScriptFileFacts>();
  private allTasks: readonly TaskDefinition[] | undefined;
  private tasksByIdMap: ReadonlyMap<string, readonly TaskDefinition[]> | undefined;
  private classTable: ClassTable | undefined;

  constructor(options: TypeScriptAnalysisOptions) {
    this.analysisOptions = copyOptions(options);
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
    this.texts.set(file, text);
    this.store(analyzeFileRecord(file, text, this.analysisOptions));
    this.changeCount++;
  }

  remove(file: string): void {
    if (!this.records.has(file)) return;
    this.records.delete(file);
    this.texts.delete(file);
    this.invalidateResolution();
    this.changeCount++;
  }

  rename(oldFile: string, newFile: string, text: string): void {
    this.records.delete(oldFile);
    this.texts.delete(oldFile);
    this.texts.set(newFile, text);
    this.records.set(newFile, analyzeFileRecord(newFile, text, this.analysisOptions));
    this.invalidateResolution();
    this.changeCount++;
  }

  /**
   * New settings change every module and every recognised call: all files are
   * read again, from the texts the index keeps (so the caller need not supply them).
   */
  setOptions(options: TypeScriptAnalysisOptions): void {
    this.analysisOptions = copyOptions(options);
    for (const [file, text] of this.texts) this.records.set(file, analyzeFileRecord(file, text, this.analysisOptions));
    this.invalidateResolution();
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
    const record = this.records.get(file);
    if (record === undefined) return undefined;
    let facts = this.finalFacts.get(file);
    if (facts === undefined) {
      facts = finaliseFacts(record, this.currentResolver());
      this.finalFacts.set(file, facts);
    }
    return facts;
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
    return this.cachedClassTable().byName.get(name);
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
   * Keeps other files' resolutions when the edit cannot affect them: the common
   * case of typing inside a task file only re-finalises that file.
   */
  private store(record: FileRecord): void {
    const old = this.records.get(record.file);
    this.records.set(record.file, record);
    if (old === undefined || old.resolutionKey !== record.resolutionKey) {
      this.invalidateResolution();
      return;
    }
    this.finalFacts.delete(record.file);
    this.allTasks = undefined;
    this.tasksByIdMap = undefined;
    if (old.classes.length > 0 || record.classes.length > 0) this.classTable = undefined;
  }

  private invalidateResolution(): void {
    this.resolver = undefined;
    this.finalFacts.clear();
    this.allTasks = undefined;
    this.tasksByIdMap = undefined;
    this.classTable = undefined;
  }

  private currentResolver(): NameResolver {
    this.resolver ??= new NameResolver(this.records, this.analysisOptions.moduleRoot);
    return this.resolver;
  }

  private cachedTasks(): readonly TaskDefinition[] {
    if (this.allTasks === undefined) {
      const all: TaskDefinition[] = [];
      for (const record of this.records.values()) {
        if (record.tasks.length > 0) all.push(...(this.facts(record.file)?.tasks ?? []));
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
    const byName = new Map<string, ClassFact>();
    const lines = new Map<ClassFact, number>();
    for (const record of this.records.values()) {
      if (record.module === undefined || record.classes.length === 0) continue;
      const facts = this.facts(record.file);
      facts?.classes.forEach((cls, i) => {
        const name = `${cls.module}.${cls.name}`;
        if (byName.has(name)) return;
        byName.set(name, cls);
        lines.set(cls, record.classes[i].line);
      });
    }
    const exceptions = [...byName.values()].map((cls) => exceptionClassOf(cls, lines.get(cls), byName));
    return { byName, exceptions };
  }
}

function copyOptions(options: TypeScriptAnalysisOptions): TypeScriptAnalysisOptions {
  return { moduleRoot: options.moduleRoot, taskFunctionNames: [...options.taskFunctionNames] };
}

/** Walks the `extends` chain, nearest base first, until a built-in error, an unknown class or a cycle. */
function exceptionClassOf(cls: ClassFact, line: number | undefined, byName: ReadonlyMap<string, ClassFact>): ExceptionClass {
  const bases: string[] = [];
  const seen = new Set<string>([`${cls.module}.${cls.name}`]);
  let extendsError = false;
  let current = cls.extendsName;
  while (current !== undefined && !seen.has(current)) {
    seen.add(current);
    bases.push(current);
    if (isBuiltinError(current) || current === RETRY_ERROR) {
      extendsError = true;
      if (current !== 'builtins.Error') bases.push('builtins.Error');
      break;
    }
    current = byName.get(current)?.extendsName;
  }
  return { module: cls.module, name: cls.name, extendsError, file: cls.file, line, bases };
}

function isBuiltinError(qualifiedName: string): boolean {
  return qualifiedName.startsWith('builtins.') && BUILTIN_ERRORS.has(qualifiedName.slice('builtins.'.length));
}
