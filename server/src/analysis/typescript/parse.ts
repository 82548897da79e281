// Parsing one TypeScript file into its record: the recognised `task()` calls
// with their options as located values, its classes, imports and exports. The
// only module that loads TypeScript's compiler (only its parser: no Program, no
// type checker); `index.ts` requires it on the first file that needs a parse.
// `import =` rather than `import * as`: the interop wrapper turns every `ts.isX` into a getter call, measurably slower here.
import ts = require('typescript');
import { ConcurrencyControlType, ConfigNode, Loc, MapEntry, MapNode, mapNode } from '../../resolver';
import { OffsetRange, TaskDefinition } from '../typescriptFacts';
import { ClassRecord, ExportLink, FileRecord, ImportBinding, ModuleSource, NameRef, PendingExceptionRef, TaskRecord } from './fileRecord';
import { isBuiltinErrorName, moduleSourceOf } from './names';
import { taskCallOffsets } from './prescan';

const PARSE_OPTIONS: ts.CreateSourceFileOptions = { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone };

export function scriptKindFor(file: string): ts.ScriptKind {
  if (/\.tsx$/i.test(file)) return ts.ScriptKind.TSX;
  if (/\.jsx$/i.test(file)) return ts.ScriptKind.JSX;
  if (/\.(js|mjs|cjs)$/i.test(file)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** The file's record; `module` is the file's module (the caller knows the module root). */
export function parseFile(file: string, module: string, text: string, taskFunctionNames: readonly string[]): FileRecord {
  return new ParsedFileReader(file, module, text, taskFunctionNames).read();
}

/** Syntax that does not change a value: `(x)`, `x as T`, `x satisfies T`, `<T>x`, `x!`. */
type TransparentExpression = ts.ParenthesizedExpression | ts.AsExpression | ts.SatisfiesExpression | ts.TypeAssertion | ts.NonNullExpression;

function isTransparent(node: ts.Node): node is TransparentExpression {
  return ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isTypeAssertionExpression(node) || ts.isNonNullExpression(node);
}

/** Peels transparent syntax off an expression. */
function unwrap(node: ts.Expression): ts.Expression {
  let current = node;
  while (isTransparent(current)) current = current.expression;
  return current;
}

/** The outermost transparent expression around `node` (`node` itself when there is none). */
function outermostWrapper(node: ts.Node): ts.Node {
  let current = node;
  while (isTransparent(current.parent)) current = current.parent;
  return current;
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
    // JSDoc is never read, and parents are set only where the reader goes (`collectCalls`,
    // `addLocalFunction`): a full pass setting every parent costs a fifth of the parse.
    this.sf = ts.createSourceFile(file, text, PARSE_OPTIONS, /* setParentNodes */ false, scriptKindFor(file));
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
    if (isBuiltinErrorName(name)) this.shadowedBuiltins.add(name);
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

  private moduleSource(specifier: ts.Expression): ModuleSource | undefined {
    return ts.isStringLiteralLike(specifier) ? moduleSourceOf(this.file, specifier.text) : undefined;
  }

  // -- calls and functions ---------------------------------------------------

  /** Task calls are found by walking only the subtrees that contain a `task(` offset. */
  /**
   * The calls on the way to the prescanned offsets. Every child of a node visited
   * gets its parent, and a call's whole subtree too: the reader looks up from a
   * call (its wrappers, the variable it is assigned to) and from names inside it.
   */
  private collectCalls(node: ts.Node): void {
    if (ts.isCallExpression(node)) {
      this.calls.push(node);
      setParentsBelow(node);
    }
    ts.forEachChild(node, (child) => {
      setParent(child, node);
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
    if (ts.isFunctionDeclaration(node) && node.name !== undefined) this.addLocalFunction(node.name, node, node);
    else if (ts.isVariableStatement(node)) for (const declaration of node.declarationList.declarations) this.collectFunctions(declaration, deep);
    else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined) {
      const initializer = unwrap(node.initializer);
      if (ts.isArrowFunction(initializer) || ts.isFunctionExpression(initializer)) this.addLocalFunction(node.name, initializer, node);
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
  private addLocalFunction(nameNode: ts.Identifier, fn: FunctionNode, declaration: ts.Node): void {
    if (this.localFunctions.has(nameNode.text)) return;
    // A task's name may be this declaration's: its parent says it is no call argument.
    setParent(nameNode, declaration);
    this.localFunctions.set(nameNode.text, { fn, nameNode });
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

function setParent(node: ts.Node, parent: ts.Node): void {
  (node as { parent: ts.Node }).parent = parent;
}

function setParentsBelow(node: ts.Node): void {
  ts.forEachChild(node, (child) => {
    setParent(child, node);
    setParentsBelow(child);
  });
}

/** True when the identifier is the function argument of a call (not a declaration name). */
function isIdentifierArgument(node: ts.Identifier): boolean {
  const argument = outermostWrapper(node);
  return ts.isCallExpression(argument.parent) && argument.parent.arguments.some((a) => a === argument);
}

/** The variable (or plain identifier) a call's result is assigned to. */
function assignedName(call: ts.CallExpression): ts.Identifier | undefined {
  const node = outermostWrapper(call);
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
