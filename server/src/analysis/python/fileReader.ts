// One Python file → a `FileRecord`: module-level imports, classes, pynenc app
// bindings and task candidates (decorators and `app.task(f, ...)` calls) with
// their options as located values. Never evaluates anything. The parser is
// loaded on the first file that needs it (`lezer.ts`); files the pre-filter
// rules out are read by the line scanner or not at all.
import type { SyntaxNode, Tree, TreeFragment as TreeFragmentType } from '@lezer/common';
import type * as LezerModule from './lezer';
import { ConcurrencyControlType, ConfigNode, Loc, MapEntry, MapNode, mapNode } from '../../resolver';
import { OffsetRange, TaskDefinition } from '../typescriptFacts';
import { isPythonBuiltinException } from './builtins';
import { condensePython } from './condense';
import { pythonAnalysisDepth, ScannedImport, scanModuleStatements } from './prefilter';
import { absoluteModule, Binding, ClassRecord, emptyRecord, FileRecord, isPynencModule, NO_BINDINGS, NO_NAMES, packageOf, PendingExceptionRef, TaskRecord } from './records';
import { PythonModule } from './roots';

let lezer: typeof LezerModule | undefined;

/** The parser, loaded on first use. */
export function loadLezer(): typeof LezerModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  lezer ??= require('./lezer') as typeof LezerModule;
  return lezer;
}

/** A byte-offset edit: `[start, oldEnd)` of the old text became `[start, newEnd)` of the new. */
export interface TextEdit {
  readonly start: number;
  readonly oldEnd: number;
  readonly newEnd: number;
}

/** The edit that turns `oldText` into `newText` (common prefix and suffix kept). */
export function diffEdit(oldText: string, newText: string): TextEdit {
  const max = Math.min(oldText.length, newText.length);
  let start = 0;
  while (start < max && oldText.charCodeAt(start) === newText.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && oldText.charCodeAt(oldText.length - 1 - tail) === newText.charCodeAt(newText.length - 1 - tail)) tail++;
  return { start, oldEnd: oldText.length - tail, newEnd: newText.length - tail };
}

/** Parses `text`, reusing `previous` (the tree of `previousText`) where an edit left it intact. */
export function parsePython(text: string, previous?: { tree: Tree; edits: readonly TextEdit[] }): Tree {
  const { parser, TreeFragment } = loadLezer();
  if (previous === undefined) return parser.parse(text);
  let fragments: readonly TreeFragmentType[] = TreeFragment.addTree(previous.tree);
  fragments = TreeFragment.applyChanges(
    fragments,
    previous.edits.map((e) => ({ fromA: e.start, toA: e.oldEnd, fromB: e.start, toB: e.newEnd })),
  );
  return parser.parse(text, fragments);
}

const TASK_METHODS = new Set(['task', 'direct_task', 'workflow']);
const NON_FIELD_KEYWORDS = new Set(['triggers', 'parallel_func', 'aggregate_func']);
const CCT = 'ConcurrencyControlType';

export interface ReadResult {
  readonly record: FileRecord;
  /** The tree, when the file was parsed (kept by the index for incremental re-parses). */
  readonly tree: Tree | undefined;
}

/** Reads one file. `previous` lets the parser reuse an older tree of the same file. */
export function readPythonFile(
  file: string,
  text: string,
  mod: PythonModule | undefined,
  previous?: { tree: Tree; edits: readonly TextEdit[] },
  /** On a first read no tree is kept: marker-free bodies need not be parsed (`condense.ts`). */
  firstRead = false,
): ReadResult {
  if (mod === undefined) return { record: emptyRecord(file, undefined, undefined, false, 'skip'), tree: undefined };
  // A byte-order mark is not text: read without it, then move every offset past it.
  if (text.charCodeAt(0) === 0xfeff) {
    const read = readPythonFile(file, text.slice(1), mod, undefined, firstRead);
    return { record: { ...read.record, tasks: shiftOffsets(read.record.tasks), classes: shiftOffsets(read.record.classes) }, tree: undefined };
  }
  const depth = pythonAnalysisDepth(text);
  if (depth === 'skip') return { record: emptyRecord(file, mod.module, mod.root, mod.isPackage, 'skip'), tree: undefined };
  if (depth === 'scan') {
    // Without a class, what a scan would give (imports) matters only if another file imports from this one: scan it then.
    if (!hasColumn0Class(text)) return { record: lazyRecord(file, mod), tree: undefined };
    return { record: scanRecord(file, text, mod), tree: undefined };
  }
  if (firstRead && previous === undefined) {
    const condensed = condensePython(text);
    if (condensed !== undefined) {
      const condensedTree = parsePython(condensed.text);
      // Anything the condensing may have got wrong shows as a syntax error: then the whole text is parsed.
      if (!hasError(condensedTree.topNode)) {
        // The column-0 imports were cut out: the line scanner reads them from the real text.
        const imports = importBindings(scanModuleStatements(text, false).imports, mod);
        return { record: new TreeReader(file, condensed.text, mod, condensedTree, condensed.toOriginal, text, imports).read(), tree: undefined };
      }
    }
  }
  const tree = parsePython(text, previous);
  const record = new TreeReader(file, text, mod, tree).read();
  return { record: recoverSwallowedStatements(file, text, mod, tree, record), tree };
}

// ---------------------------------------------------------------------------
// Half-typed code. An unclosed bracket (`@app.task(retry_for=(V` while typing)
// makes the parser read the statements after it as the bracket's content, so
// the tasks below the cursor would vanish for as long as the bracket is open.
// A line that starts at column 0 with `@`, `def`, `async def` or `class`
// cannot continue an expression in code that is being written: when one sits
// inside a top-level statement that holds a syntax error, the statement is
// blanked up to that line and the file read again; the tasks of the blanked
// part come from the first reading.

const STATEMENT_STARTS = /^(?:@|def[ \t]|async[ \t]+def[ \t]|class[ \t])/;
const MAX_RECOVERY_ROUNDS = 4;

function recoverSwallowedStatements(file: string, text: string, mod: PythonModule, tree: Tree, record: FileRecord): FileRecord {
  let current = record;
  let currentText = text;
  let currentTree = tree;
  const keptTasks: TaskRecord[] = [];
  for (let round = 0; round < MAX_RECOVERY_ROUNDS; round++) {
    const cut = swallowedStatement(currentText, currentTree);
    if (cut === undefined) break;
    // The tasks read from the broken statement itself (the one being typed) stay.
    for (const task of current.tasks) if (task.definition.callRange.start >= cut.start && task.definition.callRange.start < cut.line) keptTasks.push(task);
    currentText = currentText.slice(0, cut.start) + currentText.slice(cut.start, cut.line).replace(/[^\n]/g, ' ') + currentText.slice(cut.line);
    currentTree = parsePython(currentText);
    const next = new TreeReader(file, currentText, mod, currentTree).read();
    const bindings = new Map(next.bindings);
    for (const [name, binding] of current.bindings) if (!bindings.has(name)) bindings.set(name, binding);
    current = { ...next, bindings, appNames: union(current.appNames, next.appNames), localNames: union(current.localNames, next.localNames), importsPynenc: current.importsPynenc || next.importsPynenc };
  }
  if (current === record) return record;
  const tasks = [...keptTasks, ...current.tasks].sort((a, b) => a.definition.callRange.start - b.definition.callRange.start);
  return { ...current, tasks };
}

function union<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): ReadonlySet<T> {
  if (a.size === 0) return b;
  if (b.size === 0) return a;
  return new Set([...a, ...b]);
}

/** The first top-level statement with a syntax error that swallowed a line starting a new statement. */
function swallowedStatement(text: string, tree: Tree): { start: number; line: number } | undefined {
  for (let node = tree.topNode.firstChild; node !== null; node = node.nextSibling) {
    for (let i = text.indexOf('\n', node.from); i !== -1 && i + 1 < node.to; i = text.indexOf('\n', i + 1)) {
      const line = i + 1;
      if (!STATEMENT_STARTS.test(text.slice(line, line + 12))) continue;
      if (hasError(node)) return { start: node.from, line };
      break;
    }
  }
  return undefined;
}

function hasError(node: SyntaxNode): boolean {
  if (node.type.isError) return true;
  const cursor = node.cursor();
  const end = node.to;
  while (cursor.next() && cursor.from < end) if (cursor.type.isError) return true;
  return false;
}

/** A copy with every `start` and `end` offset one further (past a byte-order mark). */
function shiftOffsets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => shiftOffsets(v)) as T;
  if (value === null || typeof value !== 'object' || value instanceof Map || value instanceof Set) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] = (key === 'start' || key === 'end') && typeof v === 'number' ? v + 1 : typeof v === 'function' ? v : shiftOffsets(v);
  }
  return out as T;
}

// ---------------------------------------------------------------------------
// Files that are not parsed: the line scanner's imports and classes.

function lazyRecord(file: string, mod: PythonModule): FileRecord {
  return { file, module: mod.module, moduleRoot: mod.root, isPackage: mod.isPackage, depth: 'scan', tasks: NO_TASKS, classes: NO_CLASSES, bindings: NO_BINDINGS, stars: NO_STARS, appNames: NO_NAMES, importsPynenc: false, localNames: NO_NAMES, lazy: true };
}

const NO_TASKS: readonly TaskRecord[] = [];
const NO_CLASSES: readonly ClassRecord[] = [];
const NO_STARS: readonly string[] = [];

function hasColumn0Class(text: string): boolean {
  if (text.startsWith('class') && /[ \t]/.test(text.charAt(5))) return true;
  for (let i = text.indexOf('\nclass'); i !== -1; i = text.indexOf('\nclass', i + 6)) {
    const next = text.charCodeAt(i + 6);
    if (next === 32 || next === 9) return true;
  }
  return false;
}

/** The imports and classes of a file that is not parsed (`depth: 'scan'`). */
export function scanRecord(file: string, text: string, mod: PythonModule): FileRecord {
  const scan = scanModuleStatements(text);
  const { bindings, stars, importsPynenc } = importBindings(scan.imports, mod);
  const lines = new LineCounter(text);
  const classes: ClassRecord[] = scan.classes.map((c) => ({
    name: c.name,
    nameRange: { start: c.nameStart, end: c.nameStart + c.name.length },
    line: lines.lineAt(c.nameStart),
    bases: c.bases.map((b) => (/^[\w.\u00a1-\uffff]+$/.test(b) ? b.split('.') : undefined)),
    baseTexts: c.bases,
  }));
  return { ...emptyRecord(file, mod.module, mod.root, mod.isPackage, 'scan'), classes, bindings, stars, importsPynenc };
}

interface ImportReading {
  readonly bindings: Map<string, Binding>;
  readonly stars: string[];
  readonly importsPynenc: boolean;
}

/** What scanned imports bind, exactly as the parser's reading of the same statements. */
function importBindings(imports: readonly ScannedImport[], mod: PythonModule): ImportReading {
  const pkg = packageOf(mod.module, mod.isPackage);
  const bindings = new Map<string, Binding>();
  const stars: string[] = [];
  let importsPynenc = false;
  for (const imp of imports) {
    const module = imp.kind === 'from' ? absoluteModule(pkg, imp.level, imp.module) : imp.module;
    if (module === undefined) continue;
    if (isPynencModule(module)) importsPynenc = true;
    if (imp.kind === 'import') {
      const [dotted, alias] = imp.names[0];
      if (alias !== undefined) bindings.set(alias, { kind: 'module', module: dotted });
      else bindings.set(dotted.split('.')[0], { kind: 'module', module: dotted.split('.')[0] });
      continue;
    }
    for (const [name, alias] of imp.names) {
      if (name === '*') stars.push(module);
      else bindings.set(alias ?? name, { kind: 'from', module, name });
    }
  }
  return { bindings, stars, importsPynenc };
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
// Parsed files.

interface Argument {
  readonly keyword: SyntaxNode | undefined;
  /** `*` or `**` before the value. */
  readonly star: '' | '*' | '**';
  readonly value: SyntaxNode | undefined;
}

interface OptionsReading {
  readonly options: MapNode;
  readonly hasSpread: boolean;
  readonly pendingRefs: PendingExceptionRef[];
  /** `retry_for=X`: `range` covers what is written (parentheses included), `nameRange` the name. */
  readonly singleRetryFor: { range: OffsetRange; text: string; parts: readonly string[]; nameRange: OffsetRange } | undefined;
  readonly missingTupleCommas: { key: string; range: OffsetRange; fixText: string }[];
  readonly nonFieldKeywords: { key: string; keyRange: OffsetRange; valueRange: OffsetRange }[];
}

interface LocalDef {
  readonly node: SyntaxNode;
  readonly nameNode: SyntaxNode;
}

class TreeReader {
  private readonly bindings = new Map<string, Binding>();
  private readonly stars: string[] = [];
  private readonly classes: ClassRecord[] = [];
  private readonly appNames = new Set<string>();
  private readonly localNames = new Set<string>();
  private readonly defs = new Map<string, LocalDef>();
  private readonly tasks: TaskRecord[] = [];
  /** Calls `x = A.task(f, ...)` met at module level, read once every `def` is known. */
  private readonly calls: SyntaxNode[] = [];
  private importsPynenc = false;
  private readonly pkg: string;
  private lineStarts: number[] | undefined;

  constructor(
    private readonly file: string,
    /** What was parsed: the file's text, or its condensed text (then `toOriginal` maps offsets back). */
    private readonly text: string,
    private readonly mod: PythonModule,
    private readonly tree: Tree,
    private readonly toOriginal?: (offset: number) => number,
    private readonly originalText: string = text,
    /** Imports read by the line scanner (cut out of a condensed text). */
    imports?: ImportReading,
  ) {
    this.pkg = packageOf(mod.module, mod.isPackage);
    if (imports !== undefined) {
      for (const [name, binding] of imports.bindings) this.bindings.set(name, binding);
      this.stars.push(...imports.stars);
      this.importsPynenc = imports.importsPynenc;
    }
  }

  read(): FileRecord {
    this.readBlock(this.tree.topNode);
    for (const call of this.calls) this.readTaskCall(call);
    // In file order: calls were read after every `def` was known.
    if (this.calls.length > 0) this.tasks.sort((a, b) => a.definition.callRange.start - b.definition.callRange.start);
    return {
      file: this.file,
      module: this.mod.module,
      moduleRoot: this.mod.root,
      isPackage: this.mod.isPackage,
      depth: 'parse',
      tasks: this.tasks,
      classes: this.classes,
      bindings: this.bindings,
      stars: this.stars,
      appNames: this.appNames.size === 0 ? NO_NAMES : this.appNames,
      importsPynenc: this.importsPynenc,
      localNames: this.localNames,
    };
  }

  // -- module-level statements ---------------------------------------------------

  /** The statements of the module, or of a block that is still module level (`if`, `try`, `with`, `for`, `while`). */
  private readBlock(parent: SyntaxNode): void {
    for (let node = parent.firstChild; node !== null; node = node.nextSibling) this.readStatement(node);
  }

  private readStatement(node: SyntaxNode): void {
    switch (node.name) {
      case 'ImportStatement':
        this.readImport(node);
        return;
      case 'AssignStatement':
        this.readAssign(node);
        return;
      case 'ExpressionStatement':
        this.maybeTaskCall(node.firstChild);
        return;
      case 'FunctionDefinition':
        this.readDef(node, []);
        return;
      case 'ClassDefinition':
        this.readClass(node);
        return;
      case 'DecoratedStatement':
        this.readDecorated(node);
        return;
      case 'IfStatement':
      case 'TryStatement':
      case 'WithStatement':
      case 'ForStatement':
      case 'WhileStatement':
      case 'Body':
      case 'StatementGroup':
      case '⚠':
        this.readBlock(node);
        return;
      default:
        return;
    }
  }

  private readImport(node: SyntaxNode): void {
    const first = node.firstChild;
    if (first === null) return;
    if (first.name === 'import') {
      // import a.b, c as d
      let dotted: string[] = [];
      let alias: string | undefined;
      let afterAs = false;
      const flush = (): void => {
        if (dotted.length === 0) return;
        const module = dotted.join('.');
        if (isPynencModule(module)) this.importsPynenc = true;
        if (alias !== undefined) this.bindings.set(alias, { kind: 'module', module });
        else this.bindings.set(dotted[0], { kind: 'module', module: dotted[0] });
        dotted = [];
        alias = undefined;
        afterAs = false;
      };
      for (let child = first.nextSibling; child !== null; child = child.nextSibling) {
        if (child.name === 'VariableName') {
          if (afterAs) alias = this.textOf(child);
          else dotted.push(this.textOf(child));
        } else if (child.name === 'as') afterAs = true;
        else if (child.name === ',') flush();
      }
      flush();
      return;
    }
    if (first.name !== 'from') return;
    let level = 0;
    const moduleParts: string[] = [];
    let child = first.nextSibling;
    for (; child !== null && child.name !== 'import'; child = child.nextSibling) {
      if (moduleParts.length > 0) {
        if (child.name === 'VariableName') moduleParts.push(this.textOf(child));
        continue;
      }
      if (child.name === '.') level++;
      else if (child.name === 'Ellipsis') level += 3;
      else if (child.name === 'VariableName') moduleParts.push(this.textOf(child));
    }
    if (child === null) return;
    const module = absoluteModule(this.pkg, level, moduleParts.join('.'));
    if (module === undefined) return;
    if (isPynencModule(module)) this.importsPynenc = true;
    let name: string | undefined;
    let afterAs = false;
    const flush = (alias?: string): void => {
      if (name !== undefined) this.bindings.set(alias ?? name, { kind: 'from', module, name });
      name = undefined;
      afterAs = false;
    };
    for (child = child.nextSibling; child !== null; child = child.nextSibling) {
      if (child.name === '*') this.stars.push(module);
      else if (child.name === 'VariableName') {
        if (afterAs) flush(this.textOf(child));
        else {
          flush();
          name = this.textOf(child);
        }
      } else if (child.name === 'as') afterAs = true;
    }
    flush();
  }

  /** `app = Pynenc(...)`, `app = PynencBuilder()...build()`, `x = app.task(f)`, other names. */
  private readAssign(node: SyntaxNode): void {
    const targets: SyntaxNode[] = [];
    let value: SyntaxNode | null = null;
    for (let child = node.firstChild; child !== null; child = child.nextSibling) {
      if (child.name === 'AssignOp') continue;
      if (child.name === 'TypeDef' || child.name === ',') continue;
      targets.push(child);
    }
    // `a = b = value`: the last expression is the value, the others are targets.
    value = targets.pop() ?? null;
    const isApp = value !== null && this.isAppConstruction(value);
    for (const target of targets) {
      if (target.name !== 'VariableName') continue;
      const name = this.textOf(target);
      if (isApp) this.appNames.add(name);
      else this.localNames.add(name);
    }
    this.maybeTaskCall(value);
  }

  private readDef(node: SyntaxNode, decorators: readonly SyntaxNode[]): void {
    const nameNode = node.getChild('VariableName');
    if (nameNode === null) return;
    const name = this.textOf(nameNode);
    if (!this.defs.has(name)) this.defs.set(name, { node, nameNode });
    this.localNames.add(name);
    for (const decorator of decorators) this.readDecorator(decorator, node, nameNode, undefined);
    // Tasks declared inside a function are refused by pynenc (TL023); look only where a marker is.
    const body = node.getChild('Body');
    if (body !== null && this.mayHoldTask(body)) this.readNested(body, `function ${name}`);
  }

  private readClass(node: SyntaxNode): void {
    const nameNode = node.getChild('VariableName');
    if (nameNode === null) return;
    const name = this.textOf(nameNode);
    const bases: (readonly string[] | undefined)[] = [];
    const baseTexts: string[] = [];
    const args = node.getChild('ArgList');
    if (args !== null) {
      for (const arg of this.arguments(args)) {
        if (arg.keyword !== undefined || arg.star !== '' || arg.value === undefined) continue;
        bases.push(this.dottedName(arg.value));
        baseTexts.push(this.textOf(arg.value));
      }
    }
    const nameRange = this.range(nameNode);
    this.classes.push({ name, nameRange, line: this.lineOf(nameRange.start), bases, baseTexts });
    const body = node.getChild('Body');
    if (body !== null && this.mayHoldTask(body)) this.readNested(body, `class ${name}`);
  }

  private readDecorated(node: SyntaxNode): void {
    const decorators = node.getChildren('Decorator');
    const target = node.getChild('FunctionDefinition') ?? node.getChild('ClassDefinition');
    if (target === null) return;
    if (target.name === 'FunctionDefinition') this.readDef(target, decorators);
    else this.readClass(target);
  }

  /** Decorated `def`s anywhere inside a function or class: tasks pynenc refuses (TL023). */
  private readNested(body: SyntaxNode, where: string): void {
    const cursor = body.cursor();
    const end = body.to;
    while (cursor.next() && cursor.from < end) {
      if (cursor.name !== 'DecoratedStatement') continue;
      const node = cursor.node;
      const def = node.getChild('FunctionDefinition');
      const nameNode = def?.getChild('VariableName') ?? null;
      if (def === null || nameNode === null) continue;
      for (const decorator of node.getChildren('Decorator')) {
        this.readDecorator(decorator, def, nameNode, {
          code: 'TL023',
          message: `'${this.textOf(nameNode)}' is not at module level (it is inside ${where}): pynenc refuses it ("Decorated function must be defined at the module level")`,
        });
      }
    }
  }

  private mayHoldTask(node: SyntaxNode): boolean {
    const slice = this.text.slice(node.from, node.to);
    return slice.includes('.task') || slice.includes('.direct_task') || slice.includes('.workflow');
  }

  // -- apps -----------------------------------------------------------------------

  /** `Pynenc(...)`, `pynenc.Pynenc(...)`, `PynencBuilder()....build()`, in parentheses or not. */
  private isAppConstruction(value: SyntaxNode): boolean {
    const node = unwrapParens(value);
    if (node.name !== 'CallExpression') return false;
    const callee = node.firstChild;
    if (callee === null) return false;
    const dotted = this.dottedName(callee);
    if (dotted !== undefined && this.namesPynencClass(dotted, 'Pynenc')) return true;
    // A builder chain: `.build()` called on something that starts with `PynencBuilder()`.
    if (dotted !== undefined || callee.name !== 'MemberExpression') return false;
    const method = callee.lastChild;
    if (method === null || this.textOf(method) !== 'build') return false;
    for (let current: SyntaxNode | null = callee.firstChild; current !== null; ) {
      current = unwrapParens(current);
      if (current.name === 'CallExpression') {
        const inner = current.firstChild;
        const innerDotted = inner === null ? undefined : this.dottedName(inner);
        if (innerDotted !== undefined) return this.namesPynencClass(innerDotted, 'PynencBuilder');
        current = inner;
      } else if (current.name === 'MemberExpression') current = current.firstChild;
      else return false;
    }
    return false;
  }

  private namesPynencClass(dotted: readonly string[], cls: string): boolean {
    if (dotted[dotted.length - 1] !== cls) {
      if (dotted.length !== 1) return false;
      const binding = this.bindings.get(dotted[0]);
      return binding?.kind === 'from' && binding.name === cls && isPynencModule(binding.module);
    }
    if (dotted.length === 1) return true;
    const head = this.bindings.get(dotted[0]);
    return head?.kind === 'module' && isPynencModule(head.module);
  }

  // -- tasks ----------------------------------------------------------------------

  private readDecorator(decorator: SyntaxNode, def: SyntaxNode, nameNode: SyntaxNode, refusal: TaskDefinition['refusal']): void {
    const names: SyntaxNode[] = [];
    let args: SyntaxNode | null = null;
    for (let child = decorator.firstChild; child !== null; child = child.nextSibling) {
      if (child.name === 'VariableName') names.push(child);
      else if (child.name === 'ArgList') args = child;
    }
    if (names.length < 2) return;
    const method = this.textOf(names[names.length - 1]);
    if (!TASK_METHODS.has(method)) return;
    const receiver = names.slice(0, -1).map((n) => this.textOf(n));
    const at = decorator.firstChild!;
    const end = args !== null ? args.to : names[names.length - 1].to;
    const options = args === null ? undefined : this.readOptions(this.arguments(args).filter((a) => a.keyword !== undefined || a.star === '**'), args);
    this.addTask({
      receiver,
      method: method as 'task',
      callRange: { start: this.pos(at.from), end: this.pos(end) },
      nameNode,
      def,
      options,
      optionsRange: args === null ? undefined : this.range(args),
      refusal,
      funcName: this.textOf(nameNode),
    });
  }

  /** `x = app.task(f, ...)` and `app.task(f, ...)` at module level; read after every `def` is known. */
  private maybeTaskCall(node: SyntaxNode | null): void {
    if (node === null) return;
    const call = unwrapParens(node);
    if (call.name !== 'CallExpression') return;
    const callee = call.firstChild;
    if (callee?.name !== 'MemberExpression') return;
    const method = callee.lastChild;
    if (method === null || method.name !== 'PropertyName' || !TASK_METHODS.has(this.textOf(method))) return;
    this.calls.push(call);
  }

  private readTaskCall(call: SyntaxNode): void {
    const callee = call.firstChild!;
    const receiver = this.dottedName(callee.firstChild!);
    const args = call.getChild('ArgList');
    if (receiver === undefined || args === null) return;
    const all = this.arguments(args);
    const fnArg = all.find((a) => a.keyword === undefined && a.star === '')?.value ?? all.find((a) => a.keyword !== undefined && this.textOf(a.keyword) === 'func')?.value;
    // `app.task(max_retries=3)` alone makes a decorator, not a task.
    if (fnArg === undefined) return;
    const keywords = all.filter((a) => (a.keyword !== undefined && this.textOf(a.keyword) !== 'func') || a.star === '**');
    const fn = unwrapParens(fnArg);
    const dotted = this.dottedName(fn);
    let nameNode: SyntaxNode = fn;
    let def: SyntaxNode | undefined;
    let funcName: string | undefined;
    let refusal: TaskDefinition['refusal'];
    if (dotted?.length === 1) {
      const local = this.defs.get(dotted[0]);
      const binding = this.bindings.get(dotted[0]);
      if (local !== undefined) {
        nameNode = local.nameNode;
        def = local.node;
        funcName = dotted[0];
      } else {
        funcName = binding?.kind === 'from' ? binding.name : dotted[0];
      }
    } else if (dotted !== undefined && dotted.length === 2 && this.classes.some((c) => c.name === dotted[0])) {
      // `app.task(Cls.method)`: its `__qualname__` is `Cls.method`.
      funcName = dotted[1];
      nameNode = fn.lastChild ?? fn;
      refusal = { code: 'TL023', message: `'${dotted.join('.')}' is a method, not a module-level function: pynenc refuses it ("Decorated function must be defined at the module level")` };
    } else if (dotted !== undefined) {
      funcName = dotted[dotted.length - 1];
      nameNode = fn.lastChild ?? fn;
    }
    this.addTask({
      receiver,
      method: this.textOf(callee.lastChild!) as 'task',
      callRange: this.range(call),
      nameNode,
      def,
      options: this.readOptions(keywords, args),
      optionsRange: this.range(args),
      refusal,
      funcName,
    });
  }

  private addTask(t: {
    receiver: readonly string[];
    method: 'task' | 'direct_task' | 'workflow';
    callRange: OffsetRange;
    nameNode: SyntaxNode;
    def: SyntaxNode | undefined;
    options: OptionsReading | undefined;
    optionsRange: OffsetRange | undefined;
    refusal: TaskDefinition['refusal'];
    funcName: string | undefined;
  }): void {
    const module = this.mod.module;
    let refusal = t.refusal;
    if (refusal === undefined && module.includes('__main__')) {
      refusal = { code: 'TL024', message: `module '${module}' is a script (__main__): pynenc refuses tasks declared in it; import them from a module instead` };
    }
    const o = t.options;
    const definition: TaskDefinition = {
      file: this.file,
      module,
      func: t.funcName,
      callRange: t.callRange,
      nameRange: this.range(t.nameNode),
      options: o?.options,
      optionsRange: t.optionsRange,
      optionsHaveSpread: o?.hasSpread ?? false,
      exceptionRefs: (o?.pendingRefs ?? []).map((p) => ({ identifier: p.identifier, range: p.range, qualifiedName: undefined })),
      parameters: t.def === undefined ? undefined : this.parametersOf(t.def),
      language: 'python',
      moduleRoot: this.mod.root,
      pythonDecorator: t.method,
      ...(refusal === undefined ? {} : { refusal }),
      ...(o !== undefined && o.missingTupleCommas.length > 0 ? { missingTupleCommas: o.missingTupleCommas } : {}),
      ...(o !== undefined && o.nonFieldKeywords.length > 0 ? { nonFieldKeywords: o.nonFieldKeywords } : {}),
    };
    const single = o?.singleRetryFor;
    const pendingRefs = o?.pendingRefs ?? [];
    this.tasks.push({
      definition,
      receiver: t.receiver,
      pendingRefs: single === undefined ? pendingRefs : [...pendingRefs, { parts: single.parts, identifier: single.text, range: single.nameRange, itemIndex: -1 }],
      singleRetryFor: single === undefined ? undefined : { range: single.range, text: single.text },
    });
  }

  private parametersOf(def: SyntaxNode): string[] {
    const params = def.getChild('ParamList');
    if (params === null) return [];
    const names: string[] = [];
    // A parameter's name is the VariableName right after `(`, `,`, `*` or `**`; defaults and annotations are in other nodes.
    let expectName = true;
    for (let child = params.firstChild; child !== null; child = child.nextSibling) {
      if (child.name === '(' || child.name === ',' || child.name === '*' || child.name === '**') expectName = true;
      else if (child.name === 'VariableName' && expectName) {
        names.push(this.textOf(child));
        expectName = false;
      } else expectName = false;
    }
    return names;
  }

  // -- arguments and options -------------------------------------------------------

  private arguments(args: SyntaxNode): Argument[] {
    const out: Argument[] = [];
    let keyword: SyntaxNode | undefined;
    let star: '' | '*' | '**' = '';
    let pendingName: SyntaxNode | undefined;
    const flushPending = (): void => {
      if (pendingName !== undefined) out.push({ keyword: undefined, star, value: pendingName });
      pendingName = undefined;
      star = '';
    };
    for (let child = args.firstChild; child !== null; child = child.nextSibling) {
      switch (child.name) {
        case '(':
        case ')':
          break;
        case ',':
          flushPending();
          if (keyword !== undefined) out.push({ keyword, star: '', value: undefined });
          keyword = undefined;
          star = '';
          break;
        case '*':
        case '**':
          flushPending();
          star = child.name;
          break;
        case 'AssignOp':
          if (pendingName !== undefined && star === '') {
            keyword = pendingName;
            pendingName = undefined;
          }
          break;
        default:
          if (child.name === 'VariableName' && keyword === undefined && pendingName === undefined) {
            pendingName = child;
            break;
          }
          if (child.type.isError) break;
          if (keyword !== undefined) {
            out.push({ keyword, star: '', value: child });
            keyword = undefined;
          } else if (pendingName === undefined) {
            out.push({ keyword: undefined, star, value: child });
            star = '';
          }
          break;
      }
    }
    flushPending();
    // A keyword still waiting for its value (`max_retries=` while typing): present, value unknown.
    if (keyword !== undefined) out.push({ keyword, star: '', value: undefined });
    return out;
  }

  private readOptions(args: readonly Argument[], argList: SyntaxNode): OptionsReading {
    const entries: MapEntry[] = [];
    let hasSpread = false;
    let pendingRefs: PendingExceptionRef[] = [];
    let singleRetryFor: OptionsReading['singleRetryFor'];
    const missingTupleCommas: OptionsReading['missingTupleCommas'] = [];
    const nonFieldKeywords: OptionsReading['nonFieldKeywords'] = [];
    for (const arg of args) {
      if (arg.star === '**') {
        hasSpread = true;
        continue;
      }
      if (arg.keyword === undefined) continue;
      const key = this.textOf(arg.keyword);
      const keyRange = this.range(arg.keyword);
      if (NON_FIELD_KEYWORDS.has(key)) {
        nonFieldKeywords.push({ key, keyRange, valueRange: arg.value === undefined ? { start: keyRange.end, end: keyRange.end } : this.range(arg.value) });
        continue;
      }
      const keyLoc = this.loc(arg.keyword);
      if (arg.value === undefined) {
        entries.push({ key, keyLoc, value: { type: 'computed', text: '', loc: { line: keyLoc.line, start: keyRange.end, end: keyRange.end } } });
        continue;
      }
      const value = arg.value;
      if (key === 'retry_for') {
        const refs: PendingExceptionRef[] = [];
        const inner = unwrapParens(value);
        const dotted = this.dottedName(inner);
        if (dotted !== undefined && (inner.name === 'VariableName' || inner.name === 'MemberExpression')) {
          singleRetryFor = { range: this.range(value), text: this.textOf(inner), parts: dotted, nameRange: this.range(inner) };
          entries.push({ key, keyLoc, value: this.computed(value) });
        } else {
          singleRetryFor = undefined;
          entries.push({ key, keyLoc, value: this.readValue(value, refs) });
        }
        pendingRefs = refs;
        continue;
      }
      if (value.name === 'ParenthesizedExpression') {
        const inner = unwrapParens(value);
        if (inner.name === 'String') {
          const literal = this.textOf(inner);
          missingTupleCommas.push({ key, range: this.range(value), fixText: `(${literal},)` });
        }
      }
      entries.push({ key, keyLoc, value: this.readValue(value) });
    }
    return { options: mapNode(entries, this.loc(argList)), hasSpread, pendingRefs, singleRetryFor, missingTupleCommas, nonFieldKeywords };
  }

  /** A value as a located node; `refs` is given inside `retry_for` to collect class names. */
  private readValue(node: SyntaxNode, refs?: PendingExceptionRef[]): ConfigNode {
    const inner = unwrapParens(node);
    const loc = this.loc(inner);
    switch (inner.name) {
      case 'Number':
        return numberNode(this.textOf(inner), 1, loc) ?? this.computed(inner);
      case 'UnaryExpression': {
        const op = inner.firstChild;
        const operand = op?.nextSibling;
        if (op !== null && op !== undefined && operand !== null && operand !== undefined && operand.name === 'Number' && (this.textOf(op) === '-' || this.textOf(op) === '+')) {
          return numberNode(this.textOf(operand), this.textOf(op) === '-' ? -1 : 1, loc) ?? this.computed(inner);
        }
        return this.computed(inner);
      }
      case 'String': {
        const value = decodeStringLiteral(this.textOf(inner));
        return value === undefined ? this.computed(inner) : { type: 'string', value, loc };
      }
      case 'ContinuedString': {
        let joined = '';
        for (let part = inner.firstChild; part !== null; part = part.nextSibling) {
          const value = part.name === 'String' ? decodeStringLiteral(this.textOf(part)) : undefined;
          if (value === undefined) return this.computed(inner);
          joined += value;
        }
        return { type: 'string', value: joined, loc };
      }
      case 'Boolean':
        return { type: 'bool', value: this.textOf(inner) === 'True', loc };
      case 'None':
        return { type: 'null', loc };
      case 'TupleExpression':
      case 'ArrayExpression':
      case 'SetExpression':
        return this.readSequence(inner, loc, refs);
      case 'DictionaryExpression':
        return this.readDict(inner, loc);
      case 'MemberExpression': {
        const member = this.concurrencyMember(inner);
        if (member !== undefined) return { type: 'string', value: ConcurrencyControlType[member], loc };
        return this.computed(inner);
      }
      default:
        return this.computed(inner);
    }
  }

  private readSequence(node: SyntaxNode, loc: Loc, refs: PendingExceptionRef[] | undefined): ConfigNode {
    const items: ConfigNode[] = [];
    const pending: PendingExceptionRef[] = [];
    for (let child = node.firstChild; child !== null; child = child.nextSibling) {
      const name = child.name;
      if (name === '(' || name === ')' || name === '[' || name === ']' || name === '{' || name === '}' || name === ',') continue;
      // A starred item or a half-typed one makes the length, and so the value, unknown.
      if (name === '*' || child.type.isError) return this.computed(node);
      const dotted = refs === undefined ? undefined : this.dottedName(child);
      if (dotted !== undefined) {
        const text = this.textOf(child);
        pending.push({ parts: dotted, identifier: text, range: this.range(child), itemIndex: items.length });
        items.push({ type: 'string', value: text, loc: this.loc(child) });
      } else items.push(this.readValue(child));
    }
    refs?.push(...pending);
    return { type: 'list', items, loc };
  }

  private readDict(node: SyntaxNode, loc: Loc): ConfigNode {
    const entries: MapEntry[] = [];
    let key: SyntaxNode | undefined;
    let afterColon = false;
    for (let child = node.firstChild; child !== null; child = child.nextSibling) {
      const name = child.name;
      if (name === '{' || name === '}') continue;
      if (name === '**' || child.type.isError) return this.computed(node);
      if (name === ',') {
        key = undefined;
        afterColon = false;
      } else if (name === ':') afterColon = true;
      else if (!afterColon) key = child;
      else if (key !== undefined) {
        const keyNode = this.readValue(key);
        if (keyNode.type !== 'string') return this.computed(node);
        entries.push({ key: keyNode.value, keyLoc: this.loc(key), value: this.readValue(child) });
        key = undefined;
        afterColon = false;
      }
    }
    return mapNode(entries, loc);
  }

  /** `ConcurrencyControlType.KEYS` under any import or alias (`CCT.KEYS`, `pynenc.ConcurrencyControlType.KEYS`). */
  private concurrencyMember(node: SyntaxNode): keyof typeof ConcurrencyControlType | undefined {
    const dotted = this.dottedName(node);
    if (dotted === undefined || dotted.length < 2) return undefined;
    const member = dotted[dotted.length - 1];
    if (!Object.prototype.hasOwnProperty.call(ConcurrencyControlType, member)) return undefined;
    const head = dotted[0];
    const binding = this.bindings.get(head);
    if (dotted.length === 2) {
      if (binding === undefined) return head === CCT ? (member as keyof typeof ConcurrencyControlType) : undefined;
      return binding.kind === 'from' && binding.name === CCT && isPynencModule(binding.module) ? (member as keyof typeof ConcurrencyControlType) : undefined;
    }
    if (dotted[dotted.length - 2] !== CCT) return undefined;
    if (binding?.kind === 'module' && isPynencModule(binding.module)) return member as keyof typeof ConcurrencyControlType;
    if (binding?.kind === 'from' && isPynencModule(binding.module)) return member as keyof typeof ConcurrencyControlType;
    return undefined;
  }

  // -- names and locations ---------------------------------------------------------

  /** `a`, `a.b.c` as parts; undefined for anything else. */
  private dottedName(node: SyntaxNode): string[] | undefined {
    if (node.name === 'VariableName') return [this.textOf(node)];
    if (node.name !== 'MemberExpression') return undefined;
    const object = node.firstChild;
    const property = node.lastChild;
    if (object === null || property === null || property.name !== 'PropertyName') return undefined;
    const head = this.dottedName(object);
    return head === undefined ? undefined : [...head, this.textOf(property)];
  }

  private computed(node: SyntaxNode): ConfigNode {
    return { type: 'computed', text: this.textOf(node), loc: this.loc(node) };
  }

  private textOf(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  /** An offset of the original text. */
  private pos(offset: number): number {
    return this.toOriginal === undefined ? offset : this.toOriginal(offset);
  }

  private range(node: SyntaxNode): OffsetRange {
    return { start: this.pos(node.from), end: this.pos(node.to) };
  }

  private loc(node: SyntaxNode): Loc {
    const start = this.pos(node.from);
    return { line: this.lineOf(start), start, end: this.pos(node.to) };
  }

  /** The 1-based line of an offset of the original text. */
  private lineOf(offset: number): number {
    if (this.lineStarts === undefined) {
      const starts = [0];
      const text = this.originalText;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

function unwrapParens(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.name === 'ParenthesizedExpression') {
    let inner: SyntaxNode | null = current.firstChild;
    while (inner !== null && (inner.name === '(' || inner.name === ')')) inner = inner.nextSibling;
    if (inner === null || inner.type.isError) return current;
    current = inner;
  }
  return current;
}

/** A Python number as written: `1.0`, `1e3` are floats; `0x10`, `1_000` ints; `1j` is not a config value. */
function numberNode(text: string, sign: 1 | -1, loc: Loc): ConfigNode | undefined {
  const digits = text.replace(/_/g, '');
  if (/[jJ]$/.test(digits)) return undefined;
  if (/^0[xob]/i.test(digits)) {
    const base = /^0x/i.test(digits) ? 16 : /^0o/i.test(digits) ? 8 : 2;
    return { type: 'int', value: sign * parseInt(digits.slice(2), base), loc };
  }
  const value = sign * Number(digits);
  if (!Number.isFinite(value)) return undefined;
  return /[.eE]/.test(digits) ? { type: 'float', value, loc } : { type: 'int', value, loc };
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

/** The value of a Python `str` literal; undefined for bytes and forms not decoded (`\N{...}`). */
export function decodeStringLiteral(literal: string): string | undefined {
  const m = /^([rRuUbB]*)('''|"""|'|")([\s\S]*)$/.exec(literal);
  if (m === null) return undefined;
  const prefix = m[1].toLowerCase();
  if (prefix.includes('b')) return undefined;
  const quote = m[2];
  let body = m[3];
  if (!body.endsWith(quote) || body.length < quote.length) return undefined;
  body = body.slice(0, body.length - quote.length);
  if (prefix.includes('r')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) return undefined;
    if (next === '\r' && body[i + 2] === '\n') {
      i += 2;
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(SIMPLE_ESCAPES, next)) {
      out += SIMPLE_ESCAPES[next];
      i++;
      continue;
    }
    const hex = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    if (hex > 0) {
      const digits = body.slice(i + 2, i + 2 + hex);
      if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== hex) return undefined;
      const code = parseInt(digits, 16);
      if (code > 0x10ffff) return undefined;
      out += String.fromCodePoint(code);
      i += 1 + hex;
      continue;
    }
    const octal = /^[0-7]{1,3}/.exec(body.slice(i + 1, i + 4));
    if (octal !== null) {
      out += String.fromCharCode(parseInt(octal[0], 8));
      i += octal[0].length;
      continue;
    }
    if (next === 'N') return undefined;
    // An unknown escape keeps its backslash, as Python does.
    out += c;
  }
  return out;
}

/** True when `name` would be a built-in exception unless the module binds it. */
export function isUnshadowedBuiltin(record: FileRecord, name: string): boolean {
  return isPythonBuiltinException(name) && !record.localNames.has(name) && !record.bindings.has(name) && !record.classes.some((c) => c.name === name);
}
