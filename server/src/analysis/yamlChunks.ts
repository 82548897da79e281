// Incremental YAML reading. A config file is cut into pieces: top-level
// sections and, inside a block `task:` mapping, one piece per child (a class-level
// field or a per-task section). Each piece is parsed on its own. On an edit the
// text is cut again (a scan of line starts, cheap) and every piece whose text is
// unchanged keeps its parse and is just moved, so a keystroke costs a parse of the
// edited section, not of the file. Locations are read from a piece's current
// place, so moving a piece copies nothing.
//
// The result is a function of the text alone: a document reached by edits reads
// exactly as a fresh open of its text. And it says what a whole-file parse says:
// anything the cutting cannot be sure about (several documents, anchors, a root
// that is not a block mapping) is parsed whole, and when a piece has a problem
// (a syntax error, a duplicate key, a stray line) the errors come from a whole
// parse, since a piece read alone can word an error differently.
import {
  ConfigNode, EMPTY_MAP, LoadError, Loc, MapEntry, MapNode, mapNode, parseYamlDocument, readYaml, YamlRead, FIELD_NAMES,
} from '../resolver';
import { ownCopy } from './blockText';
import { LineIndex, Text, TextEdit } from './lineIndex';
import { fitted } from './intern';
import { Steps } from './steps';

type TopKey = YamlRead['topKeys'][number];

/** A parsed piece of text and its current place in the file. */
class Chunk {
  start = 0;
  /** 1-based line of the chunk's first line. */
  firstLine = 1;
  entries: readonly MapEntry[] = [];
  /** The chunk's top-level keys as the duplicate check compares them. */
  topKeys: readonly TopKey[] = [];
  /** Whether reading the chunk alone found a problem. */
  hasErrors = false;
  /** Where the chunk's content ends (before trailing blank lines and comments), relative to the chunk. */
  contentEnd = 0;
  /** Whether the chunk's content is not a mapping (a stray line). */
  notMapping = false;

  constructor(readonly text: string) {}

  get end(): number {
    return this.start + this.text.length;
  }
}

/** A location inside a chunk, following the chunk when it moves. */
class ChunkLoc implements Loc {
  constructor(
    private readonly chunk: Chunk,
    private readonly relativeLine: number,
    private readonly relativeStart: number,
    private readonly relativeEnd: number,
  ) {}

  get line(): number {
    return this.chunk.firstLine + this.relativeLine - 1;
  }

  get start(): number {
    return this.chunk.start + this.relativeStart;
  }

  get end(): number {
    return this.chunk.start + this.relativeEnd;
  }
}

/**
 * A scalar the fast reader read, which is its own location: one object where a
 * node and a `ChunkLoc` were two (600,000 of each at 50,000 sections).
 */
class ChunkScalar extends ChunkLoc {
  constructor(
    readonly type: 'string' | 'int' | 'float' | 'bool',
    readonly value: string | number | boolean,
    chunk: Chunk,
    relativeLine: number,
    relativeStart: number,
    relativeEnd: number,
  ) {
    super(chunk, relativeLine, relativeStart, relativeEnd);
  }

  get loc(): Loc {
    return this;
  }

  static make(type: ChunkScalar['type'], value: string | number | boolean, chunk: Chunk, line: number, start: number, end: number): ConfigNode {
    return new ChunkScalar(type, value, chunk, line, start, end) as ConfigNode;
  }
}

/**
 * An entry the fast reader read, which is its key's location. Its value is set
 * while the reader reads the lines below the key, and never after.
 */
class ChunkEntry extends ChunkLoc implements MapEntry {
  constructor(
    readonly key: string,
    public value: ConfigNode,
    chunk: Chunk,
    relativeLine: number,
    relativeStart: number,
    relativeEnd: number,
  ) {
    super(chunk, relativeLine, relativeStart, relativeEnd);
  }

  get keyLoc(): Loc {
    return this;
  }
}

type PieceKind = 'top' | 'taskHeader' | 'child';

interface Piece {
  readonly kind: PieceKind;
  readonly chunk: Chunk;
  /** For a task header: the indentation of its children. */
  readonly childIndent?: number;
}

/** What one version of a document hands to the next. */
export interface YamlChunkCache {
  readonly text: Text;
  readonly lines: LineIndex;
  /** Undefined when the file was parsed whole. */
  readonly pieces: readonly Piece[] | undefined;
  readonly groups?: ReadonlyMap<Chunk, GroupState>;
  /** The tree the pieces made, when no piece had a problem: an edit of one section updates it. */
  readonly combined?: Combined;
}

/** A tree made of pieces with no problem, and its top-level entries in order. */
interface Combined {
  readonly root: MapNode;
  readonly topEntries: readonly MapEntry[];
}

export interface IncrementalParse {
  readonly root: MapNode;
  readonly errors: readonly LoadError[];
  readonly cache: YamlChunkCache;
}

const NEEDS_WHOLE_PARSE = /^(?:---|\.\.\.|%)|(?:^|[\s,[{:-])[&*][^\s,[\]{}]|^(?:-(?![ \t\r\n]|$)|[?[{!&*|>])|\0/m;
/** `task:`, then nothing or a comment (a `#` needs a space before it to start one). */
const TASK_HEADER = /^task:(?:[ \t]+(?:#.*)?)?$/;

/**
 * How many lines, pieces or keys a loop goes through between two steps: a
 * step of a large file's parse is a few milliseconds.
 */
const STEP = 2048;
let stepCount = 0;
/** Whether a loop has done a step's worth of work since the last step (then it yields). */
const stepDone = () => (++stepCount & (STEP - 1)) === 0;

/**
 * The file's tree and load errors, re-using the parsed pieces of `previous`;
 * in steps, so that a caller can answer other requests between them while a
 * large file is read. `previous` is changed as it is re-used (its pieces move):
 * a caller that goes on serving `previous` meanwhile parses without it. `edit`
 * is accepted for speed; the result never depends on it.
 */
export function* parseYamlSteps(path: string, text: Text, lines: LineIndex, previous?: YamlChunkCache, edit?: TextEdit): Steps<IncrementalParse> {
  const whole = (): IncrementalParse => {
    const flat = String(text);
    const parsed = parseYamlDocument(path, flat);
    const blanked = parsed.errors.length > 0 ? withoutBrokenLines(flat) : flat;
    const root = blanked !== flat ? parseYamlDocument(path, blanked).root : parsed.root;
    return { root, errors: parsed.errors, cache: { text, lines, pieces: undefined } };
  };
  const edited = previous?.pieces ? yield* editPieces(previous, text, lines, edit) : undefined;
  const pieces = edited?.pieces ?? (yield* cutWhole(text, lines, previous?.pieces));
  if (pieces === undefined) return whole();
  const combined = (edited && previous && sectionsEdited(previous, edited)) || (yield* combine(pieces, previous?.groups));
  const cache: YamlChunkCache = { text, lines, pieces, groups: combined.groups, combined: combined.troubled ? undefined : combined };
  if (!combined.troubled) return { root: combined.root, errors: [], cache };
  // A piece read alone cannot be trusted to word an error as the whole file would.
  const parsed = parseYamlDocument(path, String(text));
  return { root: parsed.errors.length > 0 ? combined.root : parsed.root, errors: parsed.errors, cache };
}

// ------------------------------------------------------------------ cutting

const SPACE = 32;

function isContentCode(code: number): boolean {
  // Not the end of the text, '#', '\r', '\n', ' ' or '\t'.
  return !Number.isNaN(code) && code !== 35 && code !== 13 && code !== 10 && code !== SPACE && code !== 9;
}

/**
 * A block sequence item (`- x`) at a key's own indentation continues that key's
 * value (`retry_for:` then `- builtins.Error` at column 0 is common YAML).
 */
function isSequenceItem(lines: LineIndex, l: number, indent: number): boolean {
  const text = lines.text;
  const at = lines.lineStart(l) + indent;
  if (text.charCodeAt(at) !== 45) return false;
  const next = text.charCodeAt(at + 1);
  return Number.isNaN(next) || next === SPACE || next === 9 || next === 10 || next === 13;
}

/** Indentation of line `l` (its leading spaces). */
function indentOf(lines: LineIndex, l: number): number {
  const text = lines.text;
  const start = lines.lineStart(l);
  let i = start;
  while (text.charCodeAt(i) === SPACE) i++;
  return i - start;
}

/** The code of the first character of line `l` after `indent` spaces (NaN at the end of the text). */
function firstCodeOf(lines: LineIndex, l: number, indent: number): number {
  return lines.text.charCodeAt(lines.lineStart(l) + indent);
}

const code = (ch: string) => ch.charCodeAt(0);
/** Characters that continue a flow collection: a line starting with one is never a new piece. */
const CONTINUES = new Set([']', '}', ','].map(code));
/** Characters a child line may not start with for the cutting to be sure of it (the whole section is then one piece). */
const UNSURE_CHILD = new Set(['-', '?', ':', '!', '&', '*', '|', '>', '[', '{', '%', '@', '`'].map(code));

interface Cut {
  readonly kind: PieceKind;
  readonly start: number;
  readonly end: number;
  readonly childIndent?: number;
}

/**
 * Cuts lines [fromLine, toLine) at top level: a column-0 key starts a piece (the
 * blank lines and comments before it end the piece before), and a block `task:`
 * is cut further at its children's indentation. Undefined when the text is not a
 * shape this can be sure about.
 */
function* cutTopLevel(lines: LineIndex, fromLine: number, toLine: number, end: number): Steps<Cut[] | undefined> {
  const starts: number[] = [];
  for (let l = fromLine; l < toLine; l++) {
    if (stepDone()) yield;
    const indent = indentOf(lines, l);
    const first = firstCodeOf(lines, l, indent);
    if (indent === 0 && isContentCode(first) && !CONTINUES.has(first) && !isSequenceItem(lines, l, 0)) starts.push(l);
  }
  // Only comments and blank lines may come before the first key: anything else
  // (an indented mapping, a stray scalar) is a shape for the whole parse to judge.
  const firstKey = starts.length > 0 ? starts[0] : toLine;
  for (let l = fromLine; l < firstKey; l++) if (isContentCode(firstCodeOf(lines, l, indentOf(lines, l)))) return undefined;
  if (starts.length === 0) return fromLine === 0 ? [{ kind: 'top', start: lines.lineStart(fromLine), end }] : undefined;
  const cuts: Cut[] = [];
  for (let i = 0; i < starts.length; i++) {
    const keyLine = starts[i];
    const nextLine = i + 1 < starts.length ? starts[i + 1] : toLine;
    // The first piece also holds the comments and blank lines above its key.
    const start = lines.lineStart(i === 0 ? fromLine : keyLine);
    const pieceEnd = i + 1 < starts.length ? lines.lineStart(nextLine) : end;
    const task = TASK_HEADER.test(lines.lineText(keyLine)) ? yield* cutTaskSection(lines, start, keyLine, nextLine, pieceEnd) : undefined;
    if (task) for (const cut of task) cuts.push(cut);
    else cuts.push({ kind: 'top', start, end: pieceEnd });
  }
  return cuts;
}

/** A block `task:` section: the header line, then one piece per child at the children's indentation. */
function* cutTaskSection(lines: LineIndex, start: number, headerLine: number, nextLine: number, end: number): Steps<Cut[] | undefined> {
  let childIndent = -1;
  for (let l = headerLine + 1; l < nextLine; l++) {
    const indent = indentOf(lines, l);
    const first = firstCodeOf(lines, l, indent);
    if (!isContentCode(first)) continue;
    if (UNSURE_CHILD.has(first) || CONTINUES.has(first)) return undefined;
    childIndent = indent;
    break;
  }
  if (childIndent <= 0) return undefined;
  const children = yield* cutChildren(lines, headerLine + 1, nextLine, end, childIndent);
  if (!children) return undefined;
  return [{ kind: 'taskHeader', start, end: lines.lineStart(headerLine + 1), childIndent }, ...children];
}

/** Cuts lines [fromLine, toLine) into children of a task section; the first line starts the first child. */
function* cutChildren(lines: LineIndex, fromLine: number, toLine: number, end: number, childIndent: number): Steps<Cut[] | undefined> {
  const starts: number[] = [fromLine];
  let sawKey = false;
  for (let l = fromLine; l < toLine; l++) {
    if (stepDone()) yield;
    const indent = indentOf(lines, l);
    const first = firstCodeOf(lines, l, indent);
    if (!isContentCode(first)) continue;
    if (indent < childIndent) return undefined;
    if (indent === childIndent) {
      if (sawKey && isSequenceItem(lines, l, indent)) continue;
      if (UNSURE_CHILD.has(first)) return undefined;
      if (CONTINUES.has(first)) continue;
      if (sawKey && l !== starts[starts.length - 1]) starts.push(l);
      sawKey = true;
    }
  }
  return starts.map((line, i) => ({ kind: 'child', start: lines.lineStart(line), end: i + 1 < starts.length ? lines.lineStart(starts[i + 1]) : end, childIndent }));
}

// --------------------------------------------------------------- re-using

/**
 * A copy of `text` that does not hold on to the file it was sliced from: a kept
 * chunk must not keep every old version of a large file alive. A process that
 * reads each file once (the CLI) keeps the slice instead of a second copy.
 */
function detached(text: string): string {
  if (!detachChunks) return text;
  return ownCopy(text);
}

let detachChunks = true;

/**
 * For a process that reads one version of each file and never an edit (the
 * CLI): a chunk's text stays a slice of the file's, which is alive anyway.
 */
export function readingOneVersion(): void {
  detachChunks = false;
}

function parseChunk(sliced: string): Chunk {
  // Read from the copy, so that keys and values (slices of what is read) do not hold the file either.
  const text = detached(sliced);
  const chunk = new Chunk(text);
  const simple = fastReader ? readSimpleChunk(text, chunk) : undefined;
  if (simple) {
    chunk.entries = simple.entries;
    chunk.topKeys = simple.topKeys;
    chunk.contentEnd = simple.contentEnd;
    return chunk;
  }
  const locate = (start: number, end: number, line: number) => new ChunkLoc(chunk, line, start, end);
  const checked = readYaml(text, locate);
  chunk.hasErrors = checked.errors.length > 0 || checked.docs.length === 0;
  // The errors are the whole parse's; the tree is what the other lines say.
  const blanked = chunk.hasErrors ? withoutBrokenLines(text) : text;
  const read = blanked !== text ? readYaml(blanked, locate) : checked;
  const doc = read.docs[0];
  chunk.topKeys = read.topKeys;
  const root = read.root ?? EMPTY_MAP;
  chunk.entries = root.type === 'map' ? root.entries : [];
  const contents = doc?.contents;
  chunk.contentEnd = contents && contents.range ? contents.range[1] : text.length;
  chunk.notMapping = root.type !== 'map' && contents !== null && contents !== undefined;
  return chunk;
}

/** A line indented with a tab, which YAML refuses. */
const TAB_INDENTED = /^ *\t[ \t]*[^\s#]/m;

/** A word alone on its line, no `key:` (`max_re` half typed), and a `key:` line. */
const LONE_WORD = /^( *)[^\s#:?\-[\]{},&*!|>'"%@`][^:#\r\n]*$/;
const KEY_LINE = /^( *)[^\s#:\-][^:#\r\n]*:(\s|$)/;

/**
 * The text with the lines that break the mapping around them blanked (spaces,
 * so offsets stay): a line indented with a tab, and a word alone at the
 * indentation of a `key:` line beside it (a key half typed). Read with them, the
 * `yaml` package folds them and their neighbours into one value (`task:` then
 * `\tmax_retries: 1` makes the next section a key of `max_retries`; `reg` above
 * `running_concurrency: keys` makes a key `reg running_concurrency`), while the
 * lines that do parse mean what they say. The text itself when there is none.
 */
function withoutBrokenLines(text: string): string {
  const tabless = TAB_INDENTED.test(text) ? text.replace(/^ *\t[^\r\n]*/gm, (line) => ' '.repeat(line.length)) : text;
  const lines = tabless.split('\n');
  /** The indentation of the first `key:` line from line `i` on, going by `step`, past blank lines and comments. */
  const keyIndent = (i: number, step: 1 | -1) => {
    while (i >= 0 && i < lines.length && /^\s*(#|$)/.test(lines[i])) i += step;
    return i >= 0 && i < lines.length ? KEY_LINE.exec(lines[i])?.[1].length : undefined;
  };
  let blanked = false;
  for (let i = 0; i < lines.length; i++) {
    const word = LONE_WORD.exec(lines[i]);
    if (!word || (keyIndent(i - 1, -1) !== word[1].length && keyIndent(i + 1, 1) !== word[1].length)) continue;
    lines[i] = ' '.repeat(lines[i].length);
    blanked = true;
  }
  return blanked ? lines.join('\n') : tabless;
}

// A reader for the plainest sections, which is most of a large file: block
// mappings of plain or simply quoted keys whose values are plain words, integers,
// decimals, booleans, nulls, simple quoted strings, or flow or block lists of those. It gives exactly what the `yaml`
// package gives for them (values and ranges; a unit test compares the two) at a
// small part of the cost, and declines anything else.

let fastReader = true;

/** Turns the fast reader off (tests compare what it reads with what the `yaml` package reads). */
export function useFastReader(on: boolean): void {
  fastReader = on;
}

/** The plainest sections are shallow: one nested deeper than this is read by the `yaml` package. */
const SIMPLE_MAX_DEPTH = 64;
const NOT_A_STRING_KEY = /^(?:true|True|TRUE|false|False|FALSE|null|Null|NULL)$/;
/** A field name read as a key is the one shared string: a large file holds hundreds of thousands of them. */
const FIELD_KEYS_BY_LENGTH = new Map<number, string[]>();
for (const name of FIELD_NAMES) FIELD_KEYS_BY_LENGTH.set(name.length, [...(FIELD_KEYS_BY_LENGTH.get(name.length) ?? []), name]);

/** The field name written at [from, to), found without cutting it out of the text; undefined when it is none. */
function fieldNameAt(text: string, from: number, to: number): string | undefined {
  const names = FIELD_KEYS_BY_LENGTH.get(to - from);
  if (names !== undefined) for (const name of names) if (text.startsWith(name, from)) return name;
  return undefined;
}

/** A simple scalar token at [start, end) of `line` of `chunk` as the YAML 1.2 core schema reads it; undefined when it is not that simple. */
function simpleScalar(token: string, chunk: Chunk, line: number, start: number, end: number): ConfigNode | undefined {
  // (One object a scalar, no closure nor result object: a large file has hundreds of thousands.)
  const make = ChunkScalar.make;
  const first = token.charCodeAt(0);
  if (first === DOUBLE_QUOTE || first === SINGLE_QUOTE) return make('string', token.slice(1, -1), chunk, line, start, end);
  // By the first character, so that a word (most values) meets one pattern, not seven.
  if (!isKeyStart(first)) {
    if (/^[-+]?[0-9]{1,15}$/.test(token)) return make('int', Number(token), chunk, line, start, end);
    if (/^[-+]?[0-9]{1,15}\.[0-9]{1,15}$/.test(token)) return make('float', Number(token), chunk, line, start, end);
    return undefined;
  }
  if (/^(?:true|True|TRUE)$/.test(token)) return make('bool', true, chunk, line, start, end);
  if (/^(?:false|False|FALSE)$/.test(token)) return make('bool', false, chunk, line, start, end);
  if (/^(?:null|Null|NULL)$/.test(token)) return make('string', '', chunk, line, start, end);
  if (/^[A-Za-z_][A-Za-z0-9_./-]*$/.test(token)) return make('string', token, chunk, line, start, end);
  return undefined;
}

/** An entry's value until the reader has read it. */
const NO_VALUE_YET: ConfigNode = { type: 'string', value: '' };

interface OpenMap {
  readonly indent: number;
  readonly entries: ChunkEntry[];
  /** Its keys, once it has more than a few (a few are compared one by one: a Set for each small mapping cost more). */
  keys: Set<string> | undefined;
  readonly start: number;
  readonly line: number;
  end: number;
  /** Where the built map goes. */
  readonly place: (node: MapNode) => void;
}

/** Whether `map` already has `key`, noting it (keys repeated in one mapping are left to the full reader). */
function hasKey(map: OpenMap, key: string): boolean {
  if (map.keys === undefined) {
    for (const entry of map.entries) if (entry.key === key) return true;
    if (map.entries.length >= SMALL_MAPPING) map.keys = new Set([...map.entries.map((e) => e.key), key]);
    return false;
  }
  if (map.keys.has(key)) return true;
  map.keys.add(key);
  return false;
}

const SMALL_MAPPING = 16;

const HASH = 35;
const DASH = 45;
const COLON = 58;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;
const BACKSLASH = 92;
const OPEN_BRACKET = 91;
const NEWLINE = 10;
const PLUS = 43;

/** Whether [from, lineEnd) is nothing, or spaces and then nothing or a comment (a value's tail). */
function onlyCommentFrom(text: string, from: number, lineEnd: number): boolean {
  if (from === lineEnd) return true;
  if (text.charCodeAt(from) !== SPACE) return false;
  let at = from + 1;
  while (at < lineEnd && text.charCodeAt(at) === SPACE) at++;
  return at === lineEnd || text.charCodeAt(at) === HASH;
}

/** `A`-`Z`, `a`-`z`, `_`: what a plain key starts with. */
function isKeyStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** What a plain key goes on with: a letter, a digit, `_`, `.`, `/` or `-`. */
function isKeyPart(c: number): boolean {
  return isKeyStart(c) || (c >= 48 && c <= 57) || c === 46 || c === 47 || c === DASH;
}

/**
 * Where the simple key that starts at `first` ends (before its `:`), when the
 * line is such a key, a `:`, then the end of the line or a space: a plain key
 * of letters, digits and `_./-` starting with a letter or `_`, or a non-empty
 * quoted one without a line break (nor, double-quoted, an escape); -1 otherwise.
 */
function simpleKeyEnd(text: string, first: number, lineEnd: number, lead: number): number {
  let at = first + 1;
  if (lead === DOUBLE_QUOTE || lead === SINGLE_QUOTE) {
    while (at < lineEnd) {
      const c = text.charCodeAt(at);
      if (c === lead) break;
      if (c === BACKSLASH && lead === DOUBLE_QUOTE) return -1;
      at++;
    }
    if (at >= lineEnd || at === first + 1) return -1;
    at++;
  } else {
    if (!isKeyStart(lead)) return -1;
    while (at < lineEnd && isKeyPart(text.charCodeAt(at))) at++;
  }
  if (text.charCodeAt(at) !== COLON) return -1;
  return at + 1 === lineEnd || text.charCodeAt(at + 1) === SPACE ? at : -1;
}

/**
 * Where the simple token at `at` ends: a double-quoted string without an escape
 * or a line break, a single-quoted one without a line break, or a run of
 * letters, digits and `_./+-`; -1 when none starts there.
 */
function simpleTokenEnd(text: string, at: number): number {
  const lead = text.charCodeAt(at);
  if (lead === DOUBLE_QUOTE || lead === SINGLE_QUOTE) {
    for (let i = at + 1; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === lead) return i + 1;
      if (c === NEWLINE || (c === BACKSLASH && lead === DOUBLE_QUOTE)) return -1;
    }
    return -1;
  }
  let end = at;
  while (end < text.length && (isKeyPart(text.charCodeAt(end)) || text.charCodeAt(end) === PLUS)) end++;
  return end > at ? end : -1;
}

function readSimpleChunk(text: string, chunk: Chunk): { entries: readonly MapEntry[]; topKeys: TopKey[]; contentEnd: number } | undefined {
  // (A line separator would end a comment for the `yaml` package: left to it.)
  if (text.includes('\r') || text.includes('\t') || text.includes('\u2028') || text.includes('\u2029')) return undefined;
  const loc = (line: number, start: number, end: number): Loc => new ChunkLoc(chunk, line, start, end);
  const stack: OpenMap[] = [];
  let root: MapNode | undefined;
  /** A key whose value is on the lines below (a mapping) or nothing. */
  let pending: { indent: number; entries: ChunkEntry[]; index: number; emptyAt: number; line: number; comment: boolean; owner: OpenMap; trailEnd?: number } | undefined;
  // (Its keys are distinct: a repeated one is left to the full reader.)
  const close = (map: OpenMap) => map.place({ type: 'map', entries: fitted(map.entries), loc: loc(map.line, map.start, map.end) });
  const settleEmpty = () => {
    if (!pending) return true;
    if (pending.comment) return false;
    pending.entries[pending.index].value = new ChunkScalar('string', '', chunk, pending.line, pending.emptyAt, pending.emptyAt) as ConfigNode;
    // An empty value reaches over the comment lines below it (as the `yaml` package reads it).
    pending.owner.end = pending.trailEnd ?? pending.emptyAt;
    pending = undefined;
    return true;
  };
  /** A block list being read: the value of the key `pending` was, its items one per line at `indent`. */
  let list: { indent: number; keyIndent: number; items: ConfigNode[]; start: number; line: number; end: number; entries: ChunkEntry[]; index: number; owner: OpenMap } | undefined;
  const closeList = () => {
    if (!list) return;
    const { entries, index, owner } = list;
    entries[index].value = { type: 'list', items: fitted(list.items), loc: loc(list.line, list.start, list.end) };
    // The list reaches to the end of its last item's line (a trailing comment included).
    owner.end = list.end;
    list = undefined;
  };
  /** The indentation of each comment line since the last line with content, and of the chunk's mapping. */
  const comments: number[] = [];
  let rootIndent = 0;
  let lineStart = 0;
  for (let line = 1; lineStart < text.length; line++) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline < 0 ? text.length : newline;
    const next = newline < 0 ? text.length : newline + 1;
    // Lines are read by their character codes: a slice and a pattern match per line cost a fifth of a large file's read.
    let first = lineStart;
    while (text.charCodeAt(first) === SPACE) first++;
    const lead = first < lineEnd ? text.charCodeAt(first) : -1;
    if (lead === -1 || lead === HASH) {
      const commentIndent = lead === -1 ? -1 : first - lineStart;
      // A comment as deep as a list's items may belong to it: left to the full reader.
      if (list && commentIndent >= list.indent) return undefined;
      if (commentIndent >= 0) {
        comments.push(commentIndent);
        if (pending) pending.trailEnd = next;
      }
      lineStart = next;
      continue;
    }
    comments.length = 0;
    if (lead === DASH && text.charCodeAt(first + 1) === SPACE) {
      const indent = first - lineStart;
      if (list) {
        if (indent !== list.indent) return undefined;
      } else {
        // Only right below its key (no comment line between), at the key's indentation or deeper.
        if (!pending || pending.trailEnd !== undefined || indent < pending.indent) return undefined;
        list = { indent, keyIndent: pending.indent, items: [], start: lineStart + indent, line, end: 0, entries: pending.entries, index: pending.index, owner: pending.owner };
        pending = undefined;
      }
      let at = first + 1;
      while (text.charCodeAt(at) === SPACE) at++;
      const tokenEnd = simpleTokenEnd(text, at);
      if (tokenEnd < 0) return undefined;
      const item = simpleScalar(text.slice(at, tokenEnd), chunk, line, at, tokenEnd);
      if (!item || !onlyCommentFrom(text, tokenEnd, lineEnd)) return undefined;
      list.items.push(item);
      list.end = next;
      lineStart = next;
      continue;
    }
    const indent = first - lineStart;
    const afterKey = simpleKeyEnd(text, first, lineEnd, lead);
    if (afterKey < 0) return undefined;
    const quoted = lead === DOUBLE_QUOTE || lead === SINGLE_QUOTE;
    const keyFrom = quoted ? first + 1 : first;
    const keyTo = quoted ? afterKey - 1 : afterKey;
    const key = fieldNameAt(text, keyFrom, keyTo) ?? text.slice(keyFrom, keyTo);
    if (!quoted && NOT_A_STRING_KEY.test(key)) return undefined;
    if (list) {
      if (indent > list.keyIndent) return undefined;
      closeList();
    }
    if (pending) {
      if (indent > pending.indent) {
        // Deep nesting is for the full reader, which enforces the nesting bound (SPEC §11).
        if (stack.length >= SIMPLE_MAX_DEPTH) return undefined;
        // The pending key's value is a mapping at this indentation.
        const owner = pending.owner;
        const entries = pending.entries;
        const index = pending.index;
        stack.push({ indent, entries: [], keys: undefined, start: lineStart + indent, line, end: 0, place: (node) => {
          entries[index].value = node;
          owner.end = node.loc!.end!;
        } });
        pending = undefined;
      } else if (!settleEmpty()) return undefined;
    }
    while (stack.length > 0 && stack[stack.length - 1].indent > indent) close(stack.pop()!);
    if (stack.length === 0) {
      if (root) return undefined;
      rootIndent = indent;
      stack.push({ indent, entries: [], keys: undefined, start: lineStart + indent, line, end: 0, place: (node) => (root = node) });
    }
    const map = stack[stack.length - 1];
    if (map.indent !== indent || hasKey(map, key)) return undefined;
    const keyStart = lineStart + indent;
    const keyEnd = afterKey;
    const entry = new ChunkEntry(key, NO_VALUE_YET, chunk, line, keyStart, keyEnd);
    map.entries.push(entry);
    // `key:` then spaces.
    let at = afterKey + 1;
    while (text.charCodeAt(at) === SPACE) at++;
    const valueLead = at < lineEnd ? text.charCodeAt(at) : -1;
    if (valueLead === -1 || valueLead === HASH) {
      if (valueLead === HASH && at === afterKey + 1) return undefined;
      pending = { indent, entries: map.entries, index: map.entries.length - 1, emptyAt: at, line, comment: valueLead === HASH, owner: map };
      lineStart = next;
      continue;
    }
    let value: ConfigNode | undefined;
    if (valueLead === OPEN_BRACKET) {
      const listStart = at;
      const items: ConfigNode[] = [];
      at++;
      const skip = () => {
        while (text[at] === ' ') at++;
      };
      skip();
      if (text[at] !== ']') {
        for (;;) {
          const tokenEnd = simpleTokenEnd(text, at);
          if (tokenEnd < 0) return undefined;
          const item = simpleScalar(text.slice(at, tokenEnd), chunk, line, at, tokenEnd);
          if (!item) return undefined;
          items.push(item);
          at = tokenEnd;
          skip();
          if (text[at] === ',') {
            at++;
            skip();
            continue;
          }
          if (text[at] === ']') break;
          return undefined;
        }
      }
      at++;
      value = { type: 'list', items: fitted(items), loc: loc(line, listStart, at) };
    } else {
      const tokenEnd = simpleTokenEnd(text, at);
      if (tokenEnd < 0) return undefined;
      value = simpleScalar(text.slice(at, tokenEnd), chunk, line, at, tokenEnd);
      at = tokenEnd;
    }
    if (!value) return undefined;
    if (!onlyCommentFrom(text, at, lineEnd)) return undefined;
    entry.value = value;
    map.end = next;
    lineStart = next;
  }
  closeList();
  if (!settleEmpty()) return undefined;
  while (stack.length > 0) close(stack.pop()!);
  const built = root as MapNode | undefined;
  if (!built || built.entries.length === 0) return undefined;
  const topKeys = built.entries.map((e) => ({ id: `string:${e.key}`, text: e.key, start: e.keyLoc!.start! - chunk.start, end: e.keyLoc!.end! - chunk.start }));
  // As the `yaml` package reads it, the content reaches to the end of the text when
  // the first comment after it is deeper than the mapping, and not at all when it is not.
  const deep = comments.map((indent) => indent > rootIndent);
  if (deep.some((d, i) => d && i > 0 && !deep[0])) return undefined;
  return { entries: built.entries, topKeys, contentEnd: deep[0] ? text.length : built.loc!.end! - chunk.start };
}

/** Turns cuts into pieces, re-using parsed chunks of the same text from `reusable`. */
function* materialise(cuts: readonly Cut[], text: Text, lines: LineIndex, reusable: Map<string, Chunk[]>): Steps<Piece[]> {
  const pieces = new Array<Piece>(cuts.length);
  for (let i = 0; i < cuts.length; i++) {
    // A piece's parse is many times a line's scan.
    if ((i & 255) === 255) yield;
    const cut = cuts[i];
    const chunkText = text.slice(cut.start, cut.end);
    const chunk = reusable.get(chunkText)?.pop() ?? parseChunk(chunkText);
    chunk.start = cut.start;
    chunk.firstLine = lines.positionAt(cut.start).line + 1;
    pieces[i] = { kind: cut.kind, chunk, childIndent: cut.childIndent };
  }
  return pieces;
}

function reusableChunks(pieces: readonly Piece[] | undefined): Map<string, Chunk[]> {
  const reusable = new Map<string, Chunk[]>();
  for (const piece of pieces ?? []) {
    const list = reusable.get(piece.chunk.text);
    if (list) list.push(piece.chunk);
    else reusable.set(piece.chunk.text, [piece.chunk]);
  }
  return reusable;
}

function* cutWhole(text: Text, lines: LineIndex, previous: readonly Piece[] | undefined): Steps<Piece[] | undefined> {
  // (The pattern is line-local, and an editor's blocks are whole lines.)
  if (typeof text === 'string' ? NEEDS_WHOLE_PARSE.test(text) : text.someBlock((block) => NEEDS_WHOLE_PARSE.test(block))) return undefined;
  const cuts = yield* cutTopLevel(lines, 0, lines.lineCount, text.length);
  return cuts && (yield* materialise(cuts, text, lines, reusableChunks(previous)));
}

/** How much of two texts `commonEnds` compares at once. */
const WINDOW = 8192;

/**
 * The length of the common prefix and suffix of two texts, compared a window at
 * a time (native comparisons): neither is joined into one string, which a
 * `BlockText` would then keep.
 */
function commonEnds(a: Text, b: Text): { prefix: number; suffix: number } {
  // (Only when no edit is known: a whole new text, or edits the reader missed.)
  const shorter = Math.min(a.length, b.length);
  let prefix = 0;
  while (prefix < shorter) {
    const end = Math.min(shorter, prefix + WINDOW);
    if (a.slice(prefix, end) !== b.slice(prefix, end)) {
      while (a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
      break;
    }
    prefix = end;
  }
  let suffix = 0;
  const room = shorter - prefix;
  while (suffix < room) {
    const end = Math.min(room, suffix + WINDOW);
    if (a.slice(a.length - end, a.length - suffix) !== b.slice(b.length - end, b.length - suffix)) {
      while (a.charCodeAt(a.length - suffix - 1) === b.charCodeAt(b.length - suffix - 1)) suffix++;
      break;
    }
    suffix = end;
  }
  return { prefix, suffix };
}

/** The pieces of an edited text: `previous`'s, with `removed` of them from `first` on replaced by `added` new ones. */
interface EditedPieces {
  readonly pieces: Piece[];
  readonly first: number;
  readonly removed: number;
  readonly added: number;
}

/**
 * Re-cuts only the pieces around an edit, with exactly the result a cut of the
 * whole text would give: the region runs from the piece before the edited line
 * (a blank line typed at a boundary belongs to the piece above) to the piece
 * holding the edit's end; the pieces outside it start on lines the edit did not
 * touch, so they start there in a whole cut too. Undefined when the edit may
 * change more than the region (the first piece of the file or of `task:`, which
 * decide the shape; a new top-level key inside `task:`; a new `task:`): then the
 * whole text is cut again, still re-using every unchanged piece.
 */
function* editPieces(previous: YamlChunkCache, text: Text, lines: LineIndex, edit: TextEdit | undefined): Steps<EditedPieces | undefined> {
  const old = previous.pieces!;
  if (old.length === 0) return undefined;
  const { prefix, suffix } = edit ? { prefix: edit.start, suffix: previous.text.length - edit.oldEnd } : commonEnds(previous.text, text);
  const oldEditEnd = previous.text.length - suffix;
  if (oldEditEnd < prefix) return undefined;
  const delta = text.length - previous.text.length;
  const editLineStart = previous.lines.lineStart(previous.lines.positionAt(prefix).line);
  const first = pieceIndexAt(old, editLineStart) - 1;
  const last = pieceIndexAt(old, oldEditEnd);
  if (first < 1) return undefined;
  const kind = old[first].kind;
  if (kind === 'taskHeader') return undefined;
  for (let i = first; i <= last; i++) if (old[i].kind !== kind) return undefined;
  // The first child of `task:` decides the children's indentation.
  if (kind === 'child' && old[first - 1].kind !== 'child') return undefined;
  const spanStart = old[first].chunk.start;
  const spanEnd = old[last].chunk.end + delta;
  if (spanEnd < spanStart) return undefined;
  if (NEEDS_WHOLE_PARSE.test(text.slice(spanStart, spanEnd))) return undefined;
  const fromLine = lines.positionAt(spanStart).line;
  const toLine = spanEnd >= text.length ? lines.lineCount : lines.positionAt(spanEnd).line;
  if (spanEnd < text.length && lines.lineStart(toLine) !== spanEnd) return undefined;
  let cuts: Cut[] | undefined;
  if (kind === 'child') cuts = yield* cutChildren(lines, fromLine, toLine, spanEnd, old[first].childIndent!);
  else {
    cuts = yield* cutTopLevel(lines, fromLine, toLine, spanEnd);
    if (cuts?.some((c) => c.kind !== 'top')) cuts = undefined;
  }
  if (!cuts) return undefined;
  const fresh = yield* materialise(cuts, text, lines, reusableChunks(old.slice(first, last + 1)));
  const lineDelta = lines.lineCount - previous.lines.lineCount;
  if (delta !== 0 || lineDelta !== 0) {
    for (let i = last + 1; i < old.length; i++) {
      const chunk = old[i].chunk;
      chunk.start += delta;
      chunk.firstLine += lineDelta;
    }
  }
  // One copy (a large file's pieces are a large object, kept until a full collection once the next edit replaces it).
  // (A spread's argument count is bounded by the stack: many new pieces are joined instead.)
  const pieces = fresh.length <= 1024 ? old.slice() : old.slice(0, first).concat(fresh, old.slice(last + 1));
  if (fresh.length <= 1024) pieces.splice(first, last + 1 - first, ...fresh);
  return { pieces, first, removed: last + 1 - first, added: fresh.length };
}

function pieceIndexAt(pieces: readonly Piece[], offset: number): number {
  let low = 0;
  let high = pieces.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (pieces[mid].chunk.start <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

// -------------------------------------------------------------- combining

/**
 * A `task:` group's children: its pieces after the header, read from the pieces
 * array of their version (a copy of the chunks per edit would be one more array as
 * long as the file's sections, kept until a full collection).
 */
class Children {
  constructor(
    private readonly pieces: readonly Piece[],
    private readonly from: number,
    readonly length: number,
  ) {}

  at(i: number): Chunk {
    return this.pieces[this.from + i].chunk;
  }
}

/** A combined `task:` mapping, kept so the next version can update it in place of rebuilding it. */
interface GroupState {
  readonly children: Children;
  readonly entries: readonly MapEntry[];
  /** Key → position in `entries`; shared by versions whose keys are the same. */
  readonly positions: ReadonlyMap<string, number>;
  /** Whether a key repeats (as a string, or as the runtime's duplicate check compares keys). */
  readonly repeats: boolean;
  /** Whether two children's keys are duplicates for the runtime (the file then fails to load). */
  readonly duplicate: boolean;
  /** Where the group's header is among the pieces, and its entry among the top-level entries. */
  readonly headerIndex: number;
  readonly topIndex: number;
}

function sameKeys(a: Chunk, b: Chunk): boolean {
  if (a.entries.length !== b.entries.length || a.topKeys.length !== b.topKeys.length) return false;
  for (let i = 0; i < a.entries.length; i++) if (a.entries[i].key !== b.entries[i].key) return false;
  for (let i = 0; i < a.topKeys.length; i++) if (a.topKeys[i].id !== b.topKeys[i].id) return false;
  return true;
}

/** Whether two of these keys are the same for the runtime's duplicate check. */
function* hasDuplicate(keyLists: Iterable<readonly TopKey[]>): Steps<boolean> {
  const seen = new Set<string>();
  for (const keys of keyLists) {
    if (stepDone()) yield;
    for (const key of keys) {
      if (key.id === undefined) continue;
      if (seen.has(key.id)) return true;
      seen.add(key.id);
    }
  }
  return false;
}

/** The group's entries, updated from `previous` when only values changed, else built anew. */
function* groupState(children: Children, previous: GroupState | undefined, headerIndex: number, topIndex: number): Steps<GroupState> {
  if (previous && !previous.repeats && previous.children.length === children.length) {
    let entries: MapEntry[] | undefined;
    let reusable = true;
    for (let i = 0; i < children.length && reusable; i++) {
      const before = previous.children.at(i);
      const now = children.at(i);
      if (before === now) continue;
      if (!sameKeys(before, now)) reusable = false;
      else {
        entries ??= previous.entries.slice();
        for (const entry of now.entries) entries[previous.positions.get(entry.key)!] = entry;
      }
    }
    if (reusable) return { children, entries: entries ?? previous.entries, positions: previous.positions, repeats: false, duplicate: false, headerIndex, topIndex };
  }
  const all: MapEntry[] = [];
  for (let c = 0; c < children.length; c++) for (const entry of children.at(c).entries) all.push(entry);
  yield;
  // A repeated key is listed once, at its last place, with its last value (as a whole parse lists it).
  const entries = mapNode(all).entries;
  yield;
  const positions = new Map<string, number>();
  for (let i = 0; i < entries.length; i++) {
    if (stepDone()) yield;
    positions.set(entries[i].key, i);
  }
  const duplicate = yield* hasDuplicate(Array.from({ length: children.length }, (_, c) => children.at(c).topKeys));
  return { children, entries, positions, repeats: entries.length !== all.length || duplicate, duplicate, headerIndex, topIndex };
}

/** What `combine` (or `sectionsEdited`) makes of the pieces. */
interface CombinedPieces extends Combined {
  readonly troubled: boolean;
  readonly groups: ReadonlyMap<Chunk, GroupState>;
}

/**
 * The pieces as one tree, and whether any piece has a problem (then the whole
 * parse words the errors). A piece that is no mapping is a problem too: the
 * whole parse decides what the file is (a file, or a `task:` body, that is one
 * multi-line scalar is no error); when it fails, the tree is the pieces' (the
 * whole parse would read a half-typed first line and the key below it as one key).
 */
function* combine(pieces: readonly Piece[], previousGroups: ReadonlyMap<Chunk, GroupState> | undefined): Steps<CombinedPieces> {
  let troubled = false;
  const groups = new Map<Chunk, GroupState>();
  const topEntries: MapEntry[] = [];
  const topKeys: (readonly TopKey[])[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i];
    if (piece.chunk.hasErrors) troubled = true;
    if (piece.kind === 'top' || piece.kind === 'child') {
      // A line that is no `key: value` among others makes the runtime's reader fail.
      if (piece.chunk.notMapping) troubled = true;
      topKeys.push(piece.chunk.topKeys);
      for (const entry of piece.chunk.entries) topEntries.push(entry);
      continue;
    }
    const header = piece.chunk;
    if (header.notMapping || header.entries.length !== 1) troubled = true;
    topKeys.push(header.topKeys);
    let last = i;
    while (last + 1 < pieces.length && pieces[last + 1].kind === 'child') last++;
    const children = new Children(pieces, i + 1, last - i);
    for (let c = 0; c < children.length; c++) {
      if (stepDone()) yield;
      const child = children.at(c);
      if (child.hasErrors || child.notMapping) troubled = true;
    }
    const state = yield* groupState(children, previousGroups?.get(header), i, topEntries.length);
    i = last;
    groups.set(header, state);
    if (state.duplicate) troubled = true;
    topEntries.push(groupEntry(header, state));
  }
  if (yield* hasDuplicate(topKeys)) troubled = true;
  return { root: mapNode(topEntries), topEntries, troubled, groups };
}

/** A `task:` group's entry in the tree: its per-task sections and class-level fields as one mapping. */
function groupEntry(header: Chunk, state: GroupState): MapEntry & { readonly value: MapNode } {
  const { children, entries, positions } = state;
  const lastChild = children.length > 0 ? children.at(children.length - 1) : undefined;
  const taskKey = header.entries[0]?.keyLoc;
  const firstKey = children.length > 0 ? children.at(0).entries[0]?.keyLoc : undefined;
  const end = lastChild ? lastChild.start + lastChild.contentEnd : header.end;
  const value: MapNode = {
    type: 'map',
    entries,
    loc: { line: firstKey?.line ?? (taskKey?.line ?? header.firstLine) + 1, start: firstKey?.start ?? header.end, end: Math.max(header.end, end) },
    lookup: (key) => {
      const at = positions.get(key);
      return at === undefined ? undefined : entries[at];
    },
  };
  return { key: 'task', keyLoc: taskKey ?? { line: header.firstLine, start: header.start, end: header.start + 'task'.length }, value };
}

/**
 * What an edit made of a tree with no problem, when it replaced children of one
 * `task:` group by as many with the same keys and no problem (a keystroke inside a
 * per-task section): the group's entries with those replaced, found without a pass
 * over the other pieces; undefined for any other edit (`combine` then reads them all).
 * The group's mapping records what changed (`taskGroupChange`).
 */
function sectionsEdited(previous: YamlChunkCache, edited: EditedPieces): CombinedPieces | undefined {
  const before = previous.combined;
  const { pieces, first, removed, added } = edited;
  if (!before || !previous.groups || !previous.pieces || removed !== added || added === 0) return undefined;
  let header: Chunk | undefined;
  let state: GroupState | undefined;
  for (const [h, s] of previous.groups) {
    if (s.headerIndex < first && first + added <= s.headerIndex + 1 + s.children.length) [header, state] = [h, s];
  }
  if (!header || !state || state.repeats) return undefined;
  const changed: number[] = [];
  for (let k = first; k < first + added; k++) {
    const now = pieces[k];
    const was = previous.pieces[k].chunk;
    if (now.kind !== 'child' || now.chunk.hasErrors || now.chunk.notMapping || !sameKeys(was, now.chunk)) return undefined;
  }
  const previousGroup = before.topEntries[state.topIndex].value;
  if (previousGroup.type !== 'map') return undefined;
  const entries = state.entries.slice();
  for (let k = first; k < first + added; k++) {
    const chunk = pieces[k].chunk;
    // (A piece next to the edit whose text is the same keeps its chunk.)
    if (chunk === previous.pieces[k].chunk) continue;
    for (const entry of chunk.entries) {
      const at = state.positions.get(entry.key)!;
      entries[at] = entry;
      changed.push(at);
    }
  }
  const next: GroupState = { ...state, children: new Children(pieces, state.headerIndex + 1, state.children.length), entries };
  // Every group reads its children from these pieces (the previous version's are not kept for them).
  const groups = new Map<Chunk, GroupState>();
  for (const [h, other] of previous.groups) groups.set(h, h === header ? next : { ...other, children: new Children(pieces, other.headerIndex + 1, other.children.length) });
  const topEntries = before.topEntries.slice();
  const entry = groupEntry(header, next);
  groupChanges.set(entry.value, { previous: previousGroup, changed });
  topEntries[state.topIndex] = entry;
  return { root: mapNode(topEntries), topEntries, troubled: false, groups };
}

/** What `sectionsEdited` changed in a `task:` mapping: positions in `entries` (everything else is the same entry objects). */
export interface TaskGroupChange {
  readonly previous: MapNode;
  readonly changed: readonly number[];
}

const groupChanges = new WeakMap<MapNode, TaskGroupChange>();

/** The version of a `task:` mapping this one was made from by an edit of some of its sections, and which. */
export function taskGroupChange(group: MapNode): TaskGroupChange | undefined {
  return groupChanges.get(group);
}

/** Where the section holding `offset` starts, and whether it is a child of a `task:` mapping. */
export function sectionAt(cache: YamlChunkCache, offset: number): { start: number; inTaskSection: boolean } | undefined {
  const pieces = cache.pieces;
  if (!pieces || pieces.length === 0) return undefined;
  const piece = pieces[pieceIndexAt(pieces, offset)];
  if (piece.kind === 'taskHeader') return undefined;
  return { start: piece.chunk.start, inTaskSection: piece.kind === 'child' };
}
