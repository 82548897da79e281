// Reading config files into located value trees, accepting and refusing what
// pynenc's reader does (SPEC §5 "Loading a config file"), within the bounds of
// SPEC §11: aliases expand to at most 10,000 nodes, values nest at most 1,000
// levels, and no reader recurses or spreads as deep or as wide as its input.
import * as YAML from 'yaml';
import { createScanner, Node as JsonNode, parseTree, ParseError as JsonParseError } from 'jsonc-parser';
import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };
// smol-toml is published as an ES module with a CommonJS build beside it; the
// types come from the former, the code from the latter.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse: parseToml, TomlDate, TomlError } = require('smol-toml') as typeof SmolToml;
import { ConfigNode, EMPTY_MAP, Loc, MapEntry, MapNode, mapGet, mapNode, MAX_NESTING, nodeFromPlain, shortQuote } from './configNode';

export type ConfigFormat = 'yaml' | 'json' | 'toml';

/** Why a file failed to load; the kinds the editor reports with their own codes. */
export type LoadErrorKind = 'syntax' | 'duplicateKey' | 'multipleDocuments' | 'notFound' | 'unreadable' | 'unsupported' | 'notATable';

export interface LoadError {
  readonly kind: LoadErrorKind;
  /** The whole message, naming the file. */
  readonly message: string;
  /** The reason alone, for a diagnostic placed in the file. */
  readonly reason: string;
  readonly start?: number;
  readonly end?: number;
  readonly line?: number;
}

export type LoadedConfig =
  | { readonly ok: true; readonly root: MapNode }
  | { readonly ok: false; readonly error: LoadError };

/** At most this many nodes may be created by expanding YAML aliases in one file (SPEC §11). */
export const MAX_ALIAS_NODES = 10_000;

/** Python's `os.path.splitext` extension, lower-cased, without the dot ('' when none). */
export function fileExtension(path: string): string {
  const base = path.replace(/\\/g, '/').split('/').pop() ?? '';
  const stripped = base.replace(/^\.+/, '');
  const dot = stripped.lastIndexOf('.');
  return dot < 0 ? '' : stripped.slice(dot + 1).toLowerCase();
}

export function configFormat(path: string): ConfigFormat | undefined {
  switch (fileExtension(path)) {
    case 'yaml':
    case 'yml':
      return 'yaml';
    case 'json':
      return 'json';
    case 'toml':
      return 'toml';
    default:
      return undefined;
  }
}

/** A file whose path contains `pyproject.toml` contributes only `tool.pynenc`. */
export function isPyprojectPath(path: string): boolean {
  return path.toLowerCase().includes('pyproject.toml');
}

export function notFoundError(path: string): LoadError {
  return { kind: 'notFound', message: `Configuration file not found: ${path}`, reason: 'file not found' };
}

/** Why an existing path cannot be read as text (a directory, permission denied, not UTF-8 at byte N). */
export interface ReadProblem {
  readonly reason: string;
  /** The byte offset the problem is at, when it is in the file's content. */
  readonly offset?: number;
}

/** A config path that exists but cannot be read as text: said so, not "not found". */
export function unreadableError(path: string, problem: ReadProblem): LoadError {
  return { kind: 'unreadable', message: `Configuration file ${path} cannot be read: ${problem.reason}`, reason: problem.reason };
}

/**
 * Parses a config file's text as pynenc would read the file at `path`
 * (format by extension; `tool.pynenc` only for pyproject files).
 */
export function parseConfigText(path: string, text: string): LoadedConfig {
  const format = configFormat(path);
  if (format === undefined) {
    return { ok: false, error: { kind: 'unsupported', message: `Unsupported file extension in ${path}`, reason: 'unsupported file extension (expected .yaml, .yml, .json or .toml)' } };
  }
  const loaded = format === 'yaml' ? parseYamlConfig(path, text) : format === 'json' ? parseJsonConfig(path, text) : parseTomlConfig(path, text);
  if (!loaded.ok || !isPyprojectPath(path)) return loaded;
  return pynencTable(path, loaded.root);
}

/**
 * What the parts of a JSON or TOML text that parse would give, for a file that
 * fails to load (the editor shows it under the error): the whole file's tree,
 * `tool` included for a pyproject file. JSON is read past its errors as
 * jsonc-parser recovers; TOML is read again without the line the parser stops
 * at (a table header with the keys under it), a few times over.
 */
export function parseConfigParts(path: string, text: string): MapNode {
  if (nulError(text)) return EMPTY_MAP;
  const format = configFormat(path);
  const root = format === 'json' ? jsonParts(text) : format === 'toml' ? tomlParts(text) : undefined;
  return root?.type === 'map' ? root : EMPTY_MAP;
}

function pynencTable(path: string, root: MapNode): LoadedConfig {
  const tool = mapGet(root, 'tool');
  if (tool === undefined) return { ok: true, root: EMPTY_MAP };
  if (tool.value.type !== 'map') return notATable(path, 'tool', tool);
  const pynenc = mapGet(tool.value, 'pynenc');
  if (pynenc === undefined) return { ok: true, root: EMPTY_MAP };
  if (pynenc.value.type !== 'map') return notATable(path, 'tool.pynenc', pynenc);
  return { ok: true, root: pynenc.value };
}

function notATable(path: string, key: string, entry: MapEntry): LoadedConfig {
  const reason = `'${key}' is not a table`;
  return { ok: false, error: { kind: 'notATable', message: `Invalid configuration in ${path}: ${reason}`, reason, line: entry.keyLoc?.line, start: entry.keyLoc?.start, end: entry.keyLoc?.end } };
}

export function withMessage(path: string, format: string, error: LoadError): LoadError {
  const at = error.line !== undefined ? ` (line ${error.line})` : '';
  return { ...error, message: `Invalid ${format} file ${path}: ${error.reason}${at}` };
}

// ------------------------------------------------------------ shared bounds

/** Line starts as LSP counts them: `\n`, `\r\n` and a lone `\r` each end a line. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  const re = /\r\n?|\n/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) starts.push(m.index + m[0].length);
  return starts;
}

/** The 1-based line of `offset` in a text with these line starts. */
export function lineOf(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return low + 1;
}

/** The UTF-8 byte offset of a character offset. */
function byteOffset(text: string, offset: number): number {
  return Buffer.byteLength(text.slice(0, offset), 'utf8');
}

/** A NUL character makes every format fail to load (the runtime's readers refuse it). */
export function nulError(text: string): Omit<LoadError, 'message'> | undefined {
  const at = text.indexOf('\0');
  if (at < 0) return undefined;
  return { kind: 'syntax', reason: `the file holds a NUL character at byte ${byteOffset(text, at)}`, start: at, end: at + 1, line: lineOf(lineStarts(text.slice(0, at + 1)), at) };
}

const NESTING_REASON = `the values nest deeper than ${MAX_NESTING.toLocaleString('en-US')} levels`;

// --------------------------------------------------------------------- YAML

/**
 * The `yaml` options every read uses. `uniqueKeys` is off because the
 * package checks it by comparing each key with every earlier one (quadratic in a
 * mapping's size); `YamlTreeBuilder` reports duplicates itself, with the same rule.
 */
export const YAML_PARSE_OPTIONS = { uniqueKeys: false, merge: false, prettyErrors: false, strict: false } as const;

/** A key as the duplicate check compares it: scalars by type and value, anything else by identity. */
function keyIdentity(key: unknown): string | undefined {
  if (!YAML.isScalar(key)) return undefined;
  const value = key.value;
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : `n:${value}`;
  if (typeof value === 'bigint') return `n:${value}`;
  if (value === null || value === undefined) return 'null';
  return `${typeof value}:${String(value)}`;
}

/** A key as a message shows it: a string as itself, any other scalar as written. */
function keyText(key: unknown): string {
  if (!YAML.isScalar(key)) return '';
  if (typeof key.value === 'string') return key.value;
  const source = (key as { source?: unknown }).source;
  return typeof source === 'string' ? source : String(key.value);
}

export function duplicateKeyReason(key: string): string {
  return `duplicate entry with key "${shortQuote(key)}"`;
}

/** The tags PyYAML's safe loader constructs (`!` asks for the plain reading); any other tag fails the load. */
const SAFE_TAGS = new Set(['!', ...['null', 'bool', 'int', 'float', 'binary', 'timestamp', 'omap', 'pairs', 'set', 'str', 'seq', 'map'].map((t) => `tag:yaml.org,2002:${t}`)]);

/** A problem the tree builder finds: a duplicate key, what the runtime's reader refuses, or aliases expanding past the bound. */
export interface YamlProblem {
  readonly kind: 'duplicateKey' | 'syntax';
  readonly reason: string;
  readonly start: number;
  readonly end: number;
}

interface Built {
  readonly node: ConfigNode;
  /** Nodes in the built subtree, aliases expanded. */
  readonly size: number;
}

/** A located value tree built from a parsed YAML document, nulls read as `''` (pynenc's reader). */
export class YamlTreeBuilder {
  /** Duplicate keys and a too-large alias expansion, in document order of discovery. */
  readonly problems: YamlProblem[] = [];
  private readonly built = new Map<unknown, Built>();
  private aliasTargets: Map<unknown, unknown> | undefined;
  private aliasNodes = 0;
  private aliasLimitReported = false;

  /** `makeLoc` turns a node's range in the parsed text (`source`, when given) into a location. */
  constructor(
    private readonly doc: YAML.Document.Parsed,
    private readonly makeLoc: (start: number, end: number) => Loc,
    private readonly source?: string,
  ) {}

  /** Locations in a whole file: lines from `lines`, offsets as parsed. */
  static forFile(doc: YAML.Document.Parsed, lines: YAML.LineCounter): YamlTreeBuilder {
    return new YamlTreeBuilder(doc, (start, end) => ({ line: lines.linePos(start).line, start, end }));
  }

  loc(range: readonly [number, number, number] | null | undefined): Loc | undefined {
    return range ? this.makeLoc(range[0], range[1]) : undefined;
  }

  root(): MapNode {
    const contents = this.doc.contents;
    if (contents === null) return EMPTY_MAP;
    const node = this.node(contents);
    return node.type === 'map' ? node : EMPTY_MAP;
  }

  /**
   * One pass over the document in document order, without following aliases:
   * which anchor each alias names, duplicate keys, and what the runtime's reader
   * (PyYAML's safe loader) refuses that the `yaml` package reads: an alias with
   * no anchor before it, an anchor name given twice, a tag it has no
   * constructor for.
   */
  private audit(): Map<unknown, unknown> {
    if (this.aliasTargets) return this.aliasTargets;
    const targets = new Map<unknown, unknown>();
    const anchors = new Map<string, unknown>();
    const todo: unknown[] = [this.doc.contents];
    const refuse = (node: YAML.Node, reason: string) => {
      if (node.range) this.problems.push({ kind: 'syntax', reason, start: node.range[0], end: node.range[1] });
    };
    while (todo.length > 0) {
      const node = todo.pop();
      if (YAML.isAlias(node)) {
        const target = anchors.get(node.source);
        if (target === undefined) refuse(node, `found undefined alias '${shortQuote(node.source)}' (no anchor &${shortQuote(node.source)} before it)`);
        targets.set(node, target);
        continue;
      }
      if (!YAML.isNode(node)) continue;
      if (node.tag !== undefined && !SAFE_TAGS.has(node.tag)) refuse(node, `could not determine a constructor for the tag '${shortQuote(node.tag.replace(/^tag:yaml\.org,2002:/, '!!'))}'`);
      if (node.anchor) {
        if (anchors.has(node.anchor)) refuse(node, `found duplicate anchor '${shortQuote(node.anchor)}' (an anchor name may be given once)`);
        anchors.set(node.anchor, node);
      }
      if (YAML.isSeq(node)) {
        for (let i = node.items.length - 1; i >= 0; i--) todo.push(node.items[i]);
      } else if (YAML.isMap(node)) {
        this.duplicates(node);
        for (let i = node.items.length - 1; i >= 0; i--) {
          todo.push(node.items[i].value);
          todo.push(node.items[i].key);
        }
      }
    }
    this.aliasTargets = targets;
    return targets;
  }

  private duplicates(map: YAML.YAMLMap): void {
    const seen = new Set<string>();
    for (const pair of map.items) {
      const id = keyIdentity(pair.key);
      if (id === undefined) continue;
      if (seen.has(id)) {
        const range = (pair.key as YAML.Node).range;
        if (range) this.problems.push({ kind: 'duplicateKey', reason: duplicateKeyReason(keyText(pair.key)), start: range[0], end: range[1] });
      }
      seen.add(id);
    }
  }

  /** The tree of `node`: iterative (post-order), each YAML node built once, aliases within the bound. */
  node(node: unknown): ConfigNode {
    const targets = this.audit();
    const open = new Set<unknown>();
    const stack: { node: unknown; entered: boolean }[] = [{ node, entered: false }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const current = top.node;
      if (!top.entered) {
        top.entered = true;
        if (this.built.has(current)) {
          stack.pop();
          continue;
        }
        open.add(current);
        const push = (child: unknown) => {
          if (child !== null && child !== undefined && !this.built.has(child) && !open.has(child)) stack.push({ node: child, entered: false });
        };
        if (YAML.isAlias(current)) push(targets.get(current));
        else if (YAML.isSeq(current)) for (let i = current.items.length - 1; i >= 0; i--) push(current.items[i]);
        else if (YAML.isMap(current)) for (let i = current.items.length - 1; i >= 0; i--) push(current.items[i].value);
        continue;
      }
      stack.pop();
      open.delete(current);
      this.built.set(current, this.make(current, targets));
    }
    return this.built.get(node)?.node ?? { type: 'string', value: '' };
  }

  /** Builds one node whose children are built. */
  private make(node: unknown, targets: Map<unknown, unknown>): Built {
    const child = (n: unknown): Built => (n === null || n === undefined ? { node: { type: 'string', value: '' }, size: 1 } : this.built.get(n) ?? { node: { type: 'string', value: '' }, size: 1 });
    if (YAML.isAlias(node)) {
      const target = targets.get(node);
      const built = target === undefined ? undefined : this.built.get(target);
      // An alias to nothing, or to a node that holds it (a cycle), reads as empty.
      if (built === undefined) return { node: { type: 'string', value: '', loc: this.loc(node.range) }, size: 1 };
      if (this.aliasNodes + built.size > MAX_ALIAS_NODES) {
        if (!this.aliasLimitReported && node.range) {
          this.aliasLimitReported = true;
          this.problems.push({ kind: 'syntax', reason: `aliases expand to more than ${MAX_ALIAS_NODES.toLocaleString('en-US')} nodes (the file is not analysed further)`, start: node.range[0], end: node.range[1] });
        }
        return { node: { type: 'string', value: '', loc: this.loc(node.range) }, size: 1 };
      }
      this.aliasNodes += built.size;
      return built;
    }
    if (YAML.isScalar(node)) return { node: this.scalar(node), size: 1 };
    if (YAML.isSeq(node)) {
      let size = 1;
      const items = node.items.map((item) => {
        const b = child(item);
        size += b.size;
        return b.node;
      });
      return { node: { type: 'list', items, loc: this.loc(node.range) }, size };
    }
    if (YAML.isMap(node)) {
      let size = 1;
      const entries: MapEntry[] = [];
      for (const pair of node.items) {
        const b = child(pair.value);
        size += b.size;
        const key = this.key(pair.key, targets);
        if (key === undefined) continue;
        const keyNode = pair.key as YAML.Node | null;
        entries.push({ key, keyLoc: this.loc(keyNode?.range), value: b.node });
      }
      return { node: mapNode(entries, this.loc(node.range)), size };
    }
    // An empty value (`key:` with nothing after it).
    return { node: { type: 'string', value: '' }, size: 1 };
  }

  private scalar(node: YAML.Scalar): ConfigNode {
    const loc = this.loc(this.scalarRange(node));
    const value = node.value;
    if (value === null || value === undefined) return { type: 'string', value: '', loc };
    if (typeof value === 'boolean') return { type: 'bool', value, loc };
    if (typeof value === 'number') return { type: isFloatSource(node.source, value) ? 'float' : 'int', value, loc };
    if (typeof value === 'bigint') return { type: 'int', value: Number(value), loc };
    return { type: 'string', value: String(value), loc };
  }

  /**
   * A scalar's range; a block scalar's (`|`, `>`) without the line break that
   * ends its last line, which the parser counts in (the next line is no part of
   * the value, and a fix that replaces it must not join the two).
   */
  private scalarRange(node: YAML.Scalar): readonly [number, number, number] | null | undefined {
    const range = node.range;
    if (!range || this.source === undefined || (node.type !== YAML.Scalar.BLOCK_LITERAL && node.type !== YAML.Scalar.BLOCK_FOLDED)) return range;
    let end = range[1];
    if (this.source[end - 1] === '\n') end--;
    if (this.source[end - 1] === '\r') end--;
    return [range[0], end, end];
  }

  /** Mapping keys: strings are kept, integers become their decimal text, anything else is dropped. */
  private key(key: unknown, targets: Map<unknown, unknown>): string | undefined {
    let node = key;
    if (YAML.isAlias(node)) node = targets.get(node);
    if (!YAML.isScalar(node)) return undefined;
    const value = node.value;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' && !isFloatSource(node.source, value)) return String(value);
    if (typeof value === 'bigint') return value.toString();
    return undefined;
  }
}

function isFloatSource(source: unknown, value: number): boolean {
  if (typeof source !== 'string') return !Number.isInteger(value);
  if (/^[-+]?0[xo]/i.test(source)) return false;
  return /[.eE]|inf|nan/i.test(source) || !Number.isFinite(value);
}

/** A `yaml` error as a load error; `text` is the text that was parsed, `lines` its line counter. */
export function yamlReason(error: YAML.YAMLError, _text: string, lines: YAML.LineCounter): LoadError {
  const [start, end] = error.pos;
  const line = lines.linePos(start).line;
  // The package catches its own stack overflow on deep nesting and reports it as this.
  if (error.code === 'RESOURCE_EXHAUSTION' || /call stack/i.test(error.message)) {
    return { kind: 'syntax', message: '', reason: 'the values nest too deeply to be read', start, end, line };
  }
  const reason = shortQuote(error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''), 300);
  return { kind: 'syntax', message: '', reason, start, end, line };
}

/** The deepest nesting of collections in a CST, and where it first passes the bound. Iterative. */
function cstTooDeep(tokens: readonly YAML.CST.Token[]): number | undefined {
  const todo: { token: YAML.CST.Token | null | undefined; depth: number }[] = tokens.map((token) => ({ token, depth: 0 }));
  while (todo.length > 0) {
    const { token, depth } = todo.pop()!;
    if (!token) continue;
    if (token.type === 'document') {
      todo.push({ token: token.value, depth });
      continue;
    }
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    if (depth + 1 > MAX_NESTING) return token.offset;
    for (const item of token.items as { key?: YAML.CST.Token | null; value?: YAML.CST.Token }[]) {
      todo.push({ token: item.key, depth: depth + 1 });
      todo.push({ token: item.value, depth: depth + 1 });
    }
  }
  return undefined;
}

/** What reading one YAML text gives, offsets relative to that text. */
export interface YamlRead {
  /** The first document's tree, read as far as it goes. */
  readonly root: ConfigNode | undefined;
  /** Every load failure, sorted by offset, without messages. */
  readonly errors: LoadError[];
  /** The documents (empty when the text is too deep to compose). */
  readonly docs: readonly YAML.Document.Parsed[];
  readonly lines: YAML.LineCounter;
  /** The first document's top-level keys as the duplicate check compares them (`undefined`: not comparable). */
  readonly topKeys: readonly { readonly id: string | undefined; readonly text: string; readonly start: number; readonly end: number }[];
}

/**
 * Reads YAML text with every bound applied: nesting (checked on the CST, before
 * the recursive composer runs), duplicate keys, alias expansion. A lone `\r` is
 * read as a line end, as LSP and the runtime's reader count it.
 */
export function readYaml(text: string, makeLoc?: (start: number, end: number, line: number) => Loc): YamlRead {
  const source = text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
  const lines = new YAML.LineCounter();
  const tokens = Array.from(new YAML.Parser(lines.addNewLine).parse(source));
  const errors: LoadError[] = [];
  const tooDeep = cstTooDeep(tokens);
  if (tooDeep !== undefined) {
    errors.push({ kind: 'syntax', message: '', reason: NESTING_REASON, start: tooDeep, end: tooDeep + 1, line: lines.linePos(tooDeep).line });
    return { root: undefined, errors, docs: [], lines, topKeys: [] };
  }
  const docs = Array.from(new YAML.Composer(YAML_PARSE_OPTIONS).compose(tokens));
  for (const doc of docs) for (const error of doc.errors) errors.push(yamlReason(error, source, lines));
  const tab = source.includes('\t') ? strayTab(source) : undefined;
  if (tab !== undefined && !errors.some((e) => e.start === tab)) errors.push({ kind: 'syntax', message: '', reason: STRAY_TAB_REASON, start: tab, end: tab + 1, line: lines.linePos(tab).line });
  for (const extra of docs.slice(1)) {
    const start = extra.range[0];
    const reason = 'a second YAML document (only one is allowed: the file fails to load)';
    errors.push({ kind: 'multipleDocuments', message: '', reason, start, end: Math.min(text.length, start + 3), line: lines.linePos(start).line });
  }
  if (docs.length > 0 && YAML.isMap(docs[0].contents) && !docs[0].contents.flow) strayLines(source, errors);
  let root: ConfigNode | undefined;
  const topKeys: { id: string | undefined; text: string; start: number; end: number }[] = [];
  if (docs.length > 0 && docs[0].contents !== null) {
    const doc = docs[0];
    const locate = makeLoc ?? ((start: number, end: number, line: number) => ({ line, start, end }));
    const builder = new YamlTreeBuilder(doc, (start, end) => locate(start, end, lines.linePos(start).line), source);
    root = builder.node(doc.contents);
    for (const p of builder.problems) errors.push({ ...p, message: '', line: lines.linePos(p.start).line });
    if (YAML.isMap(doc.contents)) {
      for (const pair of doc.contents.items) {
        const range = (pair.key as YAML.Node | null)?.range;
        if (range) topKeys.push({ id: keyIdentity(pair.key), text: keyText(pair.key), start: range[0], end: range[1] });
      }
    }
  }
  errors.sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
  return { root, errors, docs, lines, topKeys };
}

const STRAY_TAB_REASON = "found a tab that cannot start any token (the runtime's YAML reader takes tabs only inside quoted strings, block scalars and comments)";

/**
 * The first tab the runtime's reader refuses: PyYAML skips only spaces between
 * tokens and ends a plain scalar at a tab, so a tab anywhere but in a quoted
 * string, a block scalar's lines or a comment fails the load (`key:\tvalue`,
 * `value\t# note`, a line holding only a tab).
 */
function strayTab(source: string): number | undefined {
  let offset = 0;
  let afterScalarMark = false;
  /** A block scalar's header was read and its lines come next. */
  let blockHeader = false;
  for (const token of new YAML.Lexer().lex(source)) {
    const type = YAML.CST.tokenType(token);
    if (afterScalarMark) {
      // The scalar's source: a plain scalar's, or a block scalar's lines.
      if (!blockHeader && token.includes('\t')) return offset + token.indexOf('\t');
      afterScalarMark = false;
      blockHeader = false;
    } else if (type === 'scalar') afterScalarMark = true;
    else if (type === 'block-scalar-header') blockHeader = true;
    else if ((type === 'space' || type === 'directive-line') && token.includes('\t')) return offset + token.indexOf('\t');
    else if (type !== 'newline' && type !== 'space' && type !== 'comment') blockHeader = false;
    // Control tokens (the document and scalar marks) take no place in the text.
    if (type !== 'doc-mode' && type !== 'scalar' && type !== 'flow-error-end') offset += token.length;
  }
  return undefined;
}

/** Stray-line errors: a column-0 line with no `key:` among a mapping's keys. */
const STRAY_LINE = /^[^\s#:'"[\]{},&*!|>%@`?-][^:#\n]*$/;
export const STRAY_LINE_REASON = 'this line is not a `key: value` pair, so the file is not a mapping';

/**
 * The package words a line of text among a mapping's keys by what it then
 * expects ("Implicit keys need to be on a single line"); said plainly instead,
 * placed on the line. One error a line.
 */
function strayLines(source: string, errors: LoadError[]): void {
  const seen = new Set<number>();
  for (let i = 0; i < errors.length; i++) {
    const e = errors[i];
    const start = e.start ?? -1;
    if (e.kind !== 'syntax' || start < 0 || (start > 0 && source[start - 1] !== '\n')) continue;
    const newline = source.indexOf('\n', start);
    const end = newline < 0 ? source.length : newline;
    if (!STRAY_LINE.test(source.slice(start, end))) continue;
    if (seen.has(start)) {
      errors.splice(i--, 1);
      continue;
    }
    seen.add(start);
    errors[i] = { ...e, reason: STRAY_LINE_REASON, end };
  }
}

export interface YamlParse {
  readonly loaded: LoadedConfig;
  /** Every problem that makes the runtime refuse the file (the first one is `loaded.error`). */
  readonly errors: readonly LoadError[];
  /** The first document's tree, read as far as it goes even when the load fails (for the editor). */
  readonly root: MapNode;
}

/** Parses YAML config text; every load failure is reported, the first one fails the load. */
export function parseYamlDocument(path: string, text: string): YamlParse {
  const read = readYaml(text);
  const errors = read.errors.map((e) => withMessage(path, 'YAML', e));
  const nul = nulError(text);
  if (nul) errors.unshift(withMessage(path, 'YAML', { ...nul, message: '' }));
  const root = read.root?.type === 'map' ? read.root : EMPTY_MAP;
  if (errors.length > 0) return { loaded: { ok: false, error: errors[0] }, errors, root };
  return { loaded: { ok: true, root }, errors, root };
}

export function parseYamlConfig(path: string, text: string): LoadedConfig {
  return parseYamlDocument(path, text).loaded;
}

// --------------------------------------------------------------------- JSON

/** What Python's `json` module says for each of jsonc-parser's error codes. */
const JSON_REASONS: Record<number, string> = {
  1: 'Expecting value',
  2: 'Expecting value',
  3: 'Expecting property name enclosed in double quotes',
  4: 'Expecting value',
  5: "Expecting ':' delimiter",
  6: "Expecting ',' delimiter",
  7: "Expecting ',' delimiter",
  8: "Expecting ',' delimiter",
  9: 'Extra data',
  10: 'Expecting value (JSON has no comments)',
  11: 'Expecting value (JSON has no comments)',
  12: 'Unterminated string',
  13: 'Expecting value',
  14: 'Invalid \\uXXXX escape',
  15: 'Invalid \\escape',
  16: 'Invalid control character',
};

/** A JSON syntax error in Python's words, with Python's line, column and character offset. */
function jsonSyntaxError(path: string, text: string, starts: readonly number[], error: JsonParseError | { error: number; offset: number; length: number; reason?: string }): LoadError {
  const offset = Math.min(error.offset, text.length);
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  const column = Array.from(text.slice(lineStart, offset)).length + 1;
  const char = Array.from(before).length;
  const what = 'reason' in error && error.reason ? error.reason : JSON_REASONS[error.error] ?? 'Expecting value';
  const reason = `${what} at column ${column} (char ${char})`;
  return { kind: 'syntax', message: `Invalid JSON file ${path}: ${reason} (line ${lineOf(starts, offset)})`, reason, start: offset, end: Math.min(text.length, offset + Math.max(1, error.length)), line: lineOf(starts, offset) };
}

/** The first place the text nests deeper than the bound (jsonc-parser's scanner; no recursion). */
function jsonTooDeep(text: string): number | undefined {
  const scanner = createScanner(text, true);
  let depth = 0;
  for (let kind = scanner.scan(); kind !== 17; kind = scanner.scan()) {
    if (kind === 1 || kind === 3) {
      if (++depth > MAX_NESTING) return scanner.getTokenOffset();
    } else if (kind === 2 || kind === 4) depth = Math.max(0, depth - 1);
  }
  return undefined;
}

/**
 * JSON as Python's `json` module reads it (strict: no comments, no trailing
 * commas); duplicate keys are allowed (last wins); mapping keys are listed sorted;
 * nulls are read as `''`; every key and value is located.
 */
export function parseJsonConfig(path: string, text: string): LoadedConfig {
  const nul = nulError(text);
  if (nul) return { ok: false, error: withMessage(path, 'JSON', { ...nul, message: '' }) };
  const starts = lineStarts(text);
  const deep = jsonTooDeep(text);
  if (deep !== undefined) {
    const error: LoadError = { kind: 'syntax', message: '', reason: NESTING_REASON, start: deep, end: deep + 1, line: lineOf(starts, deep) };
    return { ok: false, error: withMessage(path, 'JSON', error) };
  }
  const errors: JsonParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0 || tree === undefined) {
    return { ok: false, error: jsonSyntaxError(path, text, starts, errors[0] ?? { error: 4, offset: 0, length: 0 }) };
  }
  const root = jsonNode(tree, text, starts);
  return { ok: true, root: root.type === 'map' ? root : EMPTY_MAP };
}

function jsonParts(text: string): ConfigNode | undefined {
  if (jsonTooDeep(text) !== undefined) return undefined;
  const tree = parseTree(text, [], { disallowComments: true, allowTrailingComma: false, allowEmptyContent: true });
  return tree && jsonNode(tree, text, lineStarts(text));
}

/** A jsonc-parser tree as a located value tree. Iterative (post-order). */
function jsonNode(tree: JsonNode, text: string, starts: readonly number[]): ConfigNode {
  const loc = (n: JsonNode): Loc => ({ line: lineOf(starts, n.offset), start: n.offset, end: n.offset + n.length });
  const built = new Map<JsonNode, ConfigNode>();
  const stack: { node: JsonNode; entered: boolean }[] = [{ node: tree, entered: false }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const n = top.node;
    if (!top.entered && (n.type === 'object' || n.type === 'array')) {
      top.entered = true;
      const children = n.children ?? [];
      for (let i = children.length - 1; i >= 0; i--) {
        const value = n.type === 'object' ? children[i].children?.[1] : children[i];
        if (value) stack.push({ node: value, entered: false });
      }
      continue;
    }
    stack.pop();
    const l = loc(n);
    let node: ConfigNode;
    switch (n.type) {
      case 'object': {
        const entries: MapEntry[] = [];
        for (const property of n.children ?? []) {
          const [key, value] = property.children ?? [];
          if (!key || !value) continue;
          entries.push({ key: String(key.value), keyLoc: loc(key), value: built.get(value)! });
        }
        const map = mapNode(entries, l);
        node = { ...map, entries: [...map.entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) };
        break;
      }
      case 'array':
        node = { type: 'list', items: (n.children ?? []).map((c) => built.get(c)!), loc: l };
        break;
      case 'string':
        node = { type: 'string', value: String(n.value), loc: l };
        break;
      case 'number': {
        const source = text.slice(n.offset, n.offset + n.length);
        node = { type: /[.eE]/.test(source) ? 'float' : 'int', value: Number(n.value), loc: l };
        break;
      }
      case 'boolean':
        node = { type: 'bool', value: Boolean(n.value), loc: l };
        break;
      default:
        // pynenc's reader turns JSON nulls into `''`, at any depth.
        node = { type: 'string', value: '', loc: l };
    }
    built.set(n, node);
  }
  return built.get(tree)!;
}

// --------------------------------------------------------------------- TOML

/** Where each key and value of a TOML text is, by key path (JSON of the path). */
interface TomlPlaces {
  readonly keys: Map<string, Loc>;
  readonly values: Map<string, Loc>;
  /** Where the text first nests deeper than the bound. */
  readonly tooDeep?: number;
}

export function parseTomlConfig(path: string, text: string): LoadedConfig {
  const nul = nulError(text);
  if (nul) return { ok: false, error: withMessage(path, 'TOML', { ...nul, message: '' }) };
  const starts = lineStarts(text);
  const places = tomlPlaces(text, starts);
  if (places.tooDeep !== undefined) {
    const error: LoadError = { kind: 'syntax', message: '', reason: NESTING_REASON, start: places.tooDeep, end: places.tooDeep + 1, line: lineOf(starts, places.tooDeep) };
    return { ok: false, error: withMessage(path, 'TOML', error) };
  }
  let plain: Record<string, unknown>;
  try {
    plain = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    const line = e instanceof TomlError ? e.line : undefined;
    const column = e instanceof TomlError ? e.column : undefined;
    let reason = shortQuote((e as Error).message.split('\n')[0], 300);
    if (e instanceof RangeError) reason = 'the values nest too deeply to be read';
    const start = line !== undefined ? Math.min(text.length, (starts[line - 1] ?? 0) + Math.max(0, (column ?? 1) - 1)) : undefined;
    return { ok: false, error: withMessage(path, 'TOML', { kind: 'syntax', message: '', reason, line, start, end: start !== undefined ? Math.min(text.length, start + 1) : undefined }) };
  }
  const root = tomlNode(plain, places);
  return { ok: true, root: root.type === 'map' ? root : EMPTY_MAP };
}

/** How many lines a TOML text's parts are read without, at most (each try is a parse of the whole text). */
const TOML_PART_TRIES = 8;

function tomlParts(text: string): ConfigNode | undefined {
  const starts = lineStarts(text);
  const places = tomlPlaces(text, starts);
  if (places.tooDeep !== undefined) return undefined;
  let rest = text;
  for (let tries = 0; tries < TOML_PART_TRIES; tries++) {
    try {
      return tomlNode(parseToml(rest), places);
    } catch (e) {
      if (!(e instanceof TomlError) || e.line === undefined) return undefined;
      rest = withoutLine(rest, starts, e.line - 1);
    }
  }
  return undefined;
}

/**
 * `text` with line `line` blanked (offsets kept); for a table header, the keys
 * under it too, so that they are not read as the previous table's.
 */
function withoutLine(text: string, starts: readonly number[], line: number): string {
  let last = line + 1;
  if (/^\s*\[/.test(text.slice(starts[line] ?? text.length, starts[line + 1] ?? text.length))) {
    while (last < starts.length && !/^\s*\[/.test(text.slice(starts[last], starts[last + 1] ?? text.length))) last++;
  }
  const from = starts[line] ?? text.length;
  const to = starts[last] ?? text.length;
  return text.slice(0, from) + text.slice(from, to).replace(/[^\r\n]/g, ' ') + text.slice(to);
}

/** A parsed TOML value as a located tree, keys sorted. Iterative. */
function tomlNode(value: unknown, places: TomlPlaces): ConfigNode {
  const built = new Map<string, ConfigNode>();
  const isContainer = (v: unknown) => v !== null && typeof v === 'object' && !(v instanceof TomlDate) && !(v instanceof Date);
  const stack: { value: unknown; path: string[]; entered: boolean }[] = [{ value, path: [], entered: false }];
  const id = (path: readonly string[]) => JSON.stringify(path);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const v = top.value;
    if (!top.entered && isContainer(v)) {
      top.entered = true;
      if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: [...top.path, String(i)], entered: false });
      else for (const [k, x] of Object.entries(v as Record<string, unknown>)) stack.push({ value: x, path: [...top.path, k], entered: false });
      continue;
    }
    stack.pop();
    const key = id(top.path);
    const loc = places.values.get(key);
    let node: ConfigNode;
    if (v instanceof TomlDate || v instanceof Date) node = { type: 'string', value: v.toISOString(), loc };
    else if (Array.isArray(v)) node = { type: 'list', items: v.map((_, i) => built.get(id([...top.path, String(i)]))!), loc };
    else if (typeof v === 'bigint') node = { type: 'int', value: Number(v), loc };
    else if (isContainer(v)) {
      const entries: MapEntry[] = Object.keys(v as Record<string, unknown>).map((k) => ({ key: k, keyLoc: places.keys.get(id([...top.path, k])), value: built.get(id([...top.path, k]))! }));
      entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      node = { ...mapNode(entries, loc), entries };
    } else {
      const plainNode = nodeFromPlain(v);
      node = loc ? ({ ...plainNode, loc } as ConfigNode) : plainNode;
    }
    built.set(key, node);
  }
  return built.get(id([]))!;
}

/**
 * A light located reader over TOML text: the place of every key and value, by key
 * path, for provenance (the values come from smol-toml). It never fails: on text
 * that is not TOML it finds what it can, and the real parser reports the error.
 */
function tomlPlaces(text: string, starts: readonly number[]): TomlPlaces {
  const keys = new Map<string, Loc>();
  const values = new Map<string, Loc>();
  const arrays = new Map<string, number>();
  const at = (start: number, end: number): Loc => ({ line: lineOf(starts, start), start, end });
  const setOnce = (map: Map<string, Loc>, path: readonly string[], loc: Loc) => {
    const key = JSON.stringify(path);
    if (!map.has(key)) map.set(key, loc);
  };
  const n = text.length;
  let i = 0;
  let tooDeep: number | undefined;

  const skipSpace = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  /** Spaces, line ends and comments (inside arrays). */
  const skipTrivia = () => {
    for (;;) {
      while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
      if (text[i] !== '#') return;
      while (i < n && text[i] !== '\n') i++;
    }
  };
  const skipLine = () => {
    while (i < n && text[i] !== '\n') i++;
  };
  /** A quoted string from `i` (on its quote); returns its value, leaves `i` after it. */
  const quoted = (): string => {
    const q = text[i];
    const triple = text.startsWith(q.repeat(3), i);
    const open = triple ? 3 : 1;
    let j = i + open;
    let value = '';
    while (j < n) {
      if (q === '"' && text[j] === '\\') {
        j += 2;
        continue;
      }
      if (triple ? text.startsWith(q.repeat(3), j) : text[j] === q || text[j] === '\n') break;
      j++;
    }
    if (triple) {
      while (text[j + 3] === q) j++;
      value = text.slice(i + 3, j);
      i = Math.min(n, j + 3);
    } else {
      value = text.slice(i + 1, j);
      i = Math.min(n, j + 1);
    }
    if (q === '"' && !triple) {
      try {
        value = JSON.parse(`"${value.replace(/\\U([0-9a-fA-F]{8})/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)).replace(/[\\"]/g, '\\$&'))}"`) as string;
      } catch {
        // Not JSON-compatible escapes: keep the raw text (the real parser has the value).
      }
    }
    return value;
  };
  /** A dotted key from `i`; each part with its place. */
  const dottedKey = (): { part: string; start: number; end: number }[] => {
    const parts: { part: string; start: number; end: number }[] = [];
    for (;;) {
      skipSpace();
      const start = i;
      if (text[i] === '"' || text[i] === "'") {
        const part = quoted();
        parts.push({ part, start, end: i });
      } else {
        while (i < n && /[A-Za-z0-9_-]/.test(text[i])) i++;
        if (i === start) return parts;
        parts.push({ part: text.slice(start, i), start, end: i });
      }
      skipSpace();
      if (text[i] !== '.') return parts;
      i++;
    }
  };
  /** The current element of an array of tables along `path`, as the parser resolves a later header. */
  const resolve = (parts: readonly string[]): string[] => {
    const out: string[] = [];
    for (const part of parts) {
      out.push(part);
      const count = arrays.get(JSON.stringify(out));
      if (count !== undefined) out.push(String(count - 1));
    }
    return out;
  };
  const recordKey = (base: readonly string[], parts: readonly { part: string; start: number; end: number }[]) => {
    const path = [...base];
    for (const p of parts) {
      path.push(p.part);
      setOnce(keys, path, at(p.start, p.end));
    }
    return path;
  };

  /** A value at `i` (a key's, or an array item), placed at `path`; containers with an explicit stack. */
  const value = (path: string[]) => {
    type Frame = { kind: 'array' | 'table'; path: string[]; start: number; index: number };
    const frames: Frame[] = [];
    let target = path;
    for (;;) {
      // One value at `i` for `target`.
      skipSpace();
      const start = i;
      const ch = text[i];
      if (ch === '[' || ch === '{') {
        i++;
        frames.push({ kind: ch === '[' ? 'array' : 'table', path: target, start, index: 0 });
        if (frames.length > MAX_NESTING && tooDeep === undefined) tooDeep = start;
        if (tooDeep !== undefined) return;
      } else {
        if (ch === '"' || ch === "'") quoted();
        else {
          while (i < n && !/[\s,\]}#]/.test(text[i])) i++;
          // A date and a time may be separated by one space.
          if (/^\d{4}-\d{2}-\d{2}$/.test(text.slice(start, i)) && text[i] === ' ' && /\d{2}:/.test(text.slice(i + 1, i + 4))) {
            i++;
            while (i < n && !/[\s,\]}#]/.test(text[i])) i++;
          }
          // A character that starts no value (`}` in an array): step over it, or the scan never ends (the parser refuses the text).
          if (i === start && i < n) i++;
        }
        setOnce(values, target, at(start, i));
      }
      // Close finished containers and find where the next value goes.
      for (;;) {
        const frame = frames[frames.length - 1];
        if (!frame) return;
        if (frame.kind === 'array') skipTrivia();
        else skipSpace();
        if (text[i] === ',') {
          i++;
          if (frame.kind === 'array') skipTrivia();
          else skipSpace();
          if (text[i] !== (frame.kind === 'array' ? ']' : '}')) frame.index++;
        }
        if (text[i] === (frame.kind === 'array' ? ']' : '}') || i >= n) {
          i = Math.min(n, i + 1);
          setOnce(values, frame.path, at(frame.start, i));
          frames.pop();
          continue;
        }
        if (frame.kind === 'array') {
          target = [...frame.path, String(frame.index)];
        } else {
          const parts = dottedKey();
          if (parts.length === 0) {
            i = n;
            continue;
          }
          target = recordKey(frame.path, parts);
          skipSpace();
          if (text[i] === '=') i++;
        }
        break;
      }
    }
  };

  let table: string[] = [];
  while (i < n && tooDeep === undefined) {
    skipTrivia();
    if (i >= n) break;
    const start = i;
    if (text[i] === '[') {
      const array = text[i + 1] === '[';
      i += array ? 2 : 1;
      const parts = dottedKey();
      if (parts.length > MAX_NESTING) tooDeep = start;
      skipSpace();
      i += array ? 2 : 1;
      const resolved = resolve(parts.slice(0, -1).map((p) => p.part));
      const last = parts[parts.length - 1];
      if (!last) {
        skipLine();
        continue;
      }
      // Implicit parent tables are placed at the header's parts.
      for (let k = 0; k < parts.length - 1; k++) {
        setOnce(keys, [...resolve(parts.slice(0, k).map((p) => p.part)), parts[k].part], at(parts[k].start, parts[k].end));
      }
      const own = [...resolved, last.part];
      setOnce(keys, own, at(last.start, last.end));
      if (array) {
        const count = arrays.get(JSON.stringify(own)) ?? 0;
        arrays.set(JSON.stringify(own), count + 1);
        setOnce(values, own, at(start, i));
        table = [...own, String(count)];
      } else table = own;
      setOnce(values, table, at(start, i));
      skipLine();
      continue;
    }
    const parts = dottedKey();
    if (parts.length === 0) {
      skipLine();
      continue;
    }
    if (table.length + parts.length > MAX_NESTING) tooDeep = start;
    const path = recordKey(table, parts);
    for (let k = 1; k < parts.length; k++) setOnce(values, path.slice(0, table.length + k), at(parts[0].start, parts[parts.length - 1].end));
    skipSpace();
    if (text[i] !== '=') {
      skipLine();
      continue;
    }
    i++;
    value(path);
    skipSpace();
    if (text[i] === '#') skipLine();
  }
  return { keys, values, tooDeep };
}
