// Incremental YAML reading. A config file is cut into pieces: top-level
// sections and, inside a block `task:` mapping, one piece per child (a class-level
// field or a per-task section). Each piece is parsed on its own. On an edit only
// the pieces the edit touches are cut and parsed again; the others are kept and
// just moved, so a keystroke costs a parse of the edited section, not of the file.
// Locations are read from a piece's current place, so moving a piece copies
// nothing. Anything the cutting cannot be sure about (several documents,
// anchors, a root that is not a block mapping) is parsed whole.
import * as YAML from 'yaml';
import {
  EMPTY_MAP, LoadError, Loc, MapEntry, MapNode, mapNode, parseYamlDocument, withMessage, YAML_PARSE_OPTIONS,
  yamlReason, YamlTreeBuilder,
} from '../resolver';
import { LineIndex, TextEdit } from './lineIndex';

/** A parsed piece of text and its current place in the file. */
class Chunk {
  start = 0;
  /** 1-based line of the chunk's first line. */
  firstLine = 1;
  entries: readonly MapEntry[] = [];
  /** Errors with offsets relative to the chunk. */
  errors: readonly LoadError[] = [];
  /** Where the chunk's content ends (before trailing blank lines and comments), relative to the chunk. */
  contentEnd = 0;
  /** Where the chunk's content is not a mapping (a stray line), relative to the chunk. */
  notMapping: { start: number; end: number } | undefined;

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

type PieceKind = 'top' | 'taskHeader' | 'child';

interface Piece {
  readonly kind: PieceKind;
  readonly chunk: Chunk;
  /** For a task header: the indentation of its children. */
  readonly childIndent?: number;
}

/** What one version of a document hands to the next. */
export interface YamlChunkCache {
  readonly text: string;
  readonly lines: LineIndex;
  /** Undefined when the file was parsed whole. */
  readonly pieces: readonly Piece[] | undefined;
  readonly groups?: ReadonlyMap<Chunk, GroupState>;
}

export interface IncrementalParse {
  readonly root: MapNode;
  readonly errors: readonly LoadError[];
  readonly cache: YamlChunkCache;
}

const NEEDS_WHOLE_PARSE = /^(?:---|\.\.\.|%)|(?:^|[\s,[{:-])[&*][^\s,[\]{}]|^[-?[{!&*|>]/m;
const TASK_HEADER = /^task:[ \t]*(#.*)?$/;

/** `edit`, when the caller knows it, saves comparing the old and new texts to find it. */
export function parseYamlIncrementally(path: string, text: string, lines: LineIndex, previous?: YamlChunkCache, edit?: TextEdit): IncrementalParse {
  const pieces = (previous?.pieces && editPieces(previous, text, lines, edit)) ?? cutWhole(text, lines, previous?.pieces);
  if (pieces === undefined) {
    const parsed = parseYamlDocument(path, text);
    return { root: parsed.root, errors: parsed.errors, cache: { text, lines, pieces: undefined } };
  }
  const combined = combine(path, pieces, lines, previous?.groups);
  if (combined === undefined) {
    const parsed = parseYamlDocument(path, text);
    return { root: parsed.root, errors: parsed.errors, cache: { text, lines, pieces: undefined } };
  }
  const { root, errors, groups } = combined;
  return { root, errors, cache: { text, lines, pieces, groups } };
}

// ------------------------------------------------------------------ cutting

function isContentChar(ch: string | undefined): boolean {
  return ch !== undefined && ch !== '#' && ch !== '\r' && ch !== '\n' && ch !== ' ' && ch !== '\t';
}

/** Indentation of line `l` and the first character after it. */
function lineShape(lines: LineIndex, l: number): { indent: number; first: string | undefined } {
  const text = lines.text;
  const start = lines.lineStart(l);
  let i = start;
  while (i < text.length && text[i] === ' ') i++;
  return { indent: i - start, first: i < text.length ? text[i] : undefined };
}

interface Cut {
  readonly kind: PieceKind;
  readonly start: number;
  readonly end: number;
  readonly childIndent?: number;
}

/**
 * Cuts lines [fromLine, toLine) at top level: a column-0 key starts a piece, and
 * a block `task:` is cut further at its children's indentation. Undefined when the
 * text is not a shape this can be sure about.
 */
function cutTopLevel(lines: LineIndex, fromLine: number, toLine: number, end: number): Cut[] | undefined {
  const starts: number[] = [];
  for (let l = fromLine; l < toLine; l++) {
    const { indent, first } = lineShape(lines, l);
    if (indent === 0 && isContentChar(first) && first !== ']' && first !== '}' && first !== ',') starts.push(l);
  }
  // Only comments and blank lines may come before the first key: anything else
  // (an indented mapping, a stray scalar) is a shape for the whole parse to judge.
  const firstKey = starts.length > 0 ? starts[0] : toLine;
  for (let l = fromLine; l < firstKey; l++) if (isContentChar(lineShape(lines, l).first)) return undefined;
  if (starts.length === 0) return fromLine === 0 ? [{ kind: 'top', start: lines.lineStart(fromLine), end }] : undefined;
  starts[0] = fromLine;
  const cuts: Cut[] = [];
  for (let i = 0; i < starts.length; i++) {
    const line = starts[i];
    const nextLine = i + 1 < starts.length ? starts[i + 1] : toLine;
    const start = lines.lineStart(line);
    const pieceEnd = i + 1 < starts.length ? lines.lineStart(nextLine) : end;
    const task = TASK_HEADER.test(lines.lineText(line)) ? cutTaskSection(lines, line, nextLine, pieceEnd) : undefined;
    if (task) cuts.push(...task);
    else cuts.push({ kind: 'top', start, end: pieceEnd });
  }
  return cuts;
}

/** A block `task:` section: the header line, then one piece per child at the children's indentation. */
function cutTaskSection(lines: LineIndex, headerLine: number, nextLine: number, end: number): Cut[] | undefined {
  let childIndent = -1;
  for (let l = headerLine + 1; l < nextLine; l++) {
    const { indent, first } = lineShape(lines, l);
    if (!isContentChar(first)) continue;
    if (first === '-' || first === '[' || first === '{') return undefined;
    childIndent = indent;
    break;
  }
  if (childIndent <= 0) return undefined;
  const children = cutChildren(lines, headerLine + 1, nextLine, end, childIndent);
  if (!children) return undefined;
  return [{ kind: 'taskHeader', start: lines.lineStart(headerLine), end: lines.lineStart(headerLine + 1), childIndent }, ...children];
}

/** Cuts lines [fromLine, toLine) into children of a task section; the first line starts the first child. */
function cutChildren(lines: LineIndex, fromLine: number, toLine: number, end: number, childIndent: number): Cut[] | undefined {
  const starts: number[] = [fromLine];
  let sawKey = false;
  for (let l = fromLine; l < toLine; l++) {
    const { indent, first } = lineShape(lines, l);
    if (!isContentChar(first)) continue;
    if (indent < childIndent) return undefined;
    if (indent === childIndent) {
      if (first === '-') return undefined;
      if (sawKey && l !== starts[starts.length - 1]) starts.push(l);
      sawKey = true;
    }
  }
  return starts.map((line, i) => ({ kind: 'child', start: lines.lineStart(line), end: i + 1 < starts.length ? lines.lineStart(starts[i + 1]) : end, childIndent }));
}

// --------------------------------------------------------------- re-using

/**
 * A copy of `text` that does not hold on to the file it was sliced from: a kept
 * chunk must not keep every old version of a large file alive.
 */
function detached(text: string): string {
  return text.length === 0 ? '' : Buffer.from(text, 'utf8').toString('utf8');
}

function parseChunk(text: string): Chunk {
  const chunk = new Chunk(detached(text));
  const counter = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { ...YAML_PARSE_OPTIONS, lineCounter: counter });
  chunk.errors = doc.errors.map((error) => yamlReason(error, text, counter));
  const builder = new YamlTreeBuilder(doc, (start, end) => new ChunkLoc(chunk, counter.linePos(start).line, start, end));
  const root = doc.contents === null ? EMPTY_MAP : builder.node(doc.contents);
  chunk.entries = root.type === 'map' ? root.entries : [];
  chunk.contentEnd = YAML.isNode(doc.contents) && doc.contents.range ? doc.contents.range[1] : text.length;
  if (root.type !== 'map' && doc.contents !== null && YAML.isNode(doc.contents) && doc.contents.range) {
    chunk.notMapping = { start: doc.contents.range[0], end: doc.contents.range[1] };
  }
  return chunk;
}

/** Turns cuts into pieces, re-using parsed chunks of the same text from `reusable`. */
function materialise(cuts: readonly Cut[], text: string, lines: LineIndex, reusable: Map<string, Chunk[]>): Piece[] {
  return cuts.map((cut) => {
    const chunkText = text.slice(cut.start, cut.end);
    const chunk = reusable.get(chunkText)?.pop() ?? parseChunk(chunkText);
    chunk.start = cut.start;
    chunk.firstLine = lines.positionAt(cut.start).line + 1;
    return { kind: cut.kind, chunk, childIndent: cut.childIndent };
  });
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

function cutWhole(text: string, lines: LineIndex, previous: readonly Piece[] | undefined): Piece[] | undefined {
  if (NEEDS_WHOLE_PARSE.test(text)) return undefined;
  const cuts = cutTopLevel(lines, 0, lines.lineCount, text.length);
  return cuts && materialise(cuts, text, lines, reusableChunks(previous));
}

/** The length of the common prefix and suffix of two texts (native comparisons, binary search). */
function commonEnds(a: string, b: string): { prefix: number; suffix: number } {
  let low = 0;
  let high = Math.min(a.length, b.length);
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (a.slice(0, mid) === b.slice(0, mid)) low = mid;
    else high = mid - 1;
  }
  const prefix = low;
  low = 0;
  high = Math.min(a.length, b.length) - prefix;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (a.slice(a.length - mid) === b.slice(b.length - mid)) low = mid;
    else high = mid - 1;
  }
  return { prefix, suffix: low };
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

/**
 * Re-cuts only the pieces an edit touches. Undefined when the edit changes the
 * file's shape (a new top-level key inside `task:`, the `task:` line itself, …):
 * then the whole file is cut again, still re-using every unchanged piece.
 */
function editPieces(previous: YamlChunkCache, text: string, lines: LineIndex, edit: TextEdit | undefined): Piece[] | undefined {
  const old = previous.pieces!;
  if (old.length === 0) return undefined;
  const { prefix, suffix } = edit ? { prefix: edit.start, suffix: previous.text.length - edit.oldEnd } : commonEnds(previous.text, text);
  const oldEditEnd = previous.text.length - suffix;
  const delta = text.length - previous.text.length;
  // The pieces holding the edit, widened to whole lines.
  const first = pieceIndexAt(old, previous.lines.lineStart(previous.lines.positionAt(prefix).line));
  const last = pieceIndexAt(old, Math.max(prefix, oldEditEnd - 1));
  const kinds = new Set(old.slice(first, last + 1).map((p) => p.kind));
  if (kinds.has('taskHeader') || kinds.size !== 1) return undefined;
  const spanStart = old[first].chunk.start;
  const spanEnd = old[last].chunk.end + delta;
  if (spanEnd < spanStart || oldEditEnd > old[last].chunk.end) return undefined;
  // An edit that removed the line break ending the span joins it to the next piece.
  if (spanEnd < text.length && text[spanEnd - 1] !== '\n') return undefined;
  if (NEEDS_WHOLE_PARSE.test(text.slice(spanStart, spanEnd))) return undefined;
  const fromLine = lines.positionAt(spanStart).line;
  const toLine = spanEnd >= text.length ? lines.lineCount : lines.positionAt(spanEnd).line;
  let cuts: Cut[] | undefined;
  if (old[first].kind === 'child') {
    const childIndent = old[first].childIndent!;
    // The span must open with a child key, or its first lines would belong to the child before it.
    let firstContent = fromLine;
    while (firstContent < toLine && !isContentChar(lineShape(lines, firstContent).first)) firstContent++;
    cuts = firstContent < toLine && lineShape(lines, firstContent).indent === childIndent ? cutChildren(lines, fromLine, toLine, spanEnd, childIndent) : undefined;
  } else {
    cuts = cutTopLevel(lines, fromLine, toLine, spanEnd);
    if (cuts?.some((c) => c.kind !== 'top')) cuts = undefined;
  }
  if (!cuts) return undefined;
  const fresh = materialise(cuts, text, lines, reusableChunks(old.slice(first, last + 1)));
  const lineDelta = lines.lineCount - previous.lines.lineCount;
  const after = old.slice(last + 1);
  for (const piece of after) {
    piece.chunk.start += delta;
    piece.chunk.firstLine += lineDelta;
  }
  return [...old.slice(0, first), ...fresh, ...after];
}

// -------------------------------------------------------------- combining

/** A combined `task:` mapping, kept so the next version can update it in place of rebuilding it. */
interface GroupState {
  readonly children: readonly Chunk[];
  readonly entries: readonly MapEntry[];
  /** Key → position in `entries`; shared by versions whose keys are the same. */
  readonly positions: ReadonlyMap<string, number>;
  /** Entries whose key repeats an earlier one (the file then fails to load). */
  readonly duplicates: readonly MapEntry[];
}

function sameKeys(a: Chunk, b: Chunk): boolean {
  if (a.entries.length !== b.entries.length) return false;
  for (let i = 0; i < a.entries.length; i++) if (a.entries[i].key !== b.entries[i].key) return false;
  return true;
}

/** The group's entries, updated from `previous` when only values changed, else built anew. */
function groupState(children: readonly Chunk[], previous: GroupState | undefined): GroupState {
  if (previous && previous.duplicates.length === 0 && previous.children.length === children.length) {
    let entries: MapEntry[] | undefined;
    let reusable = true;
    for (let i = 0; i < children.length && reusable; i++) {
      const before = previous.children[i];
      const now = children[i];
      if (before === now) continue;
      if (!sameKeys(before, now)) reusable = false;
      else {
        entries ??= previous.entries.slice();
        for (const entry of now.entries) entries[previous.positions.get(entry.key)!] = entry;
      }
    }
    if (reusable) return { children, entries: entries ?? previous.entries, positions: previous.positions, duplicates: [] };
  }
  const entries: MapEntry[] = [];
  const positions = new Map<string, number>();
  const duplicates: MapEntry[] = [];
  for (const child of children) {
    for (const entry of child.entries) {
      const at = positions.get(entry.key);
      if (at !== undefined) {
        duplicates.push(entry);
        entries[at] = entry;
      } else {
        positions.set(entry.key, entries.length);
        entries.push(entry);
      }
    }
  }
  return { children, entries, positions, duplicates };
}

/**
 * The pieces as one tree. Undefined when the file's shape is one the pieces
 * cannot tell (a `task:` whose whole body is a scalar): then it is parsed whole.
 */
function combine(path: string, pieces: readonly Piece[], lines: LineIndex, previousGroups: ReadonlyMap<Chunk, GroupState> | undefined): { root: MapNode; errors: LoadError[]; groups: Map<Chunk, GroupState> } | undefined {
  const errors: LoadError[] = [];
  // A line that is no `key: value` among others makes the runtime's reader fail;
  // a file that is nothing but one scalar is read as empty.
  const strayLine = (chunk: Chunk) => {
    if (!chunk.notMapping || pieces.length === 1) return;
    const start = chunk.start + chunk.notMapping.start;
    const reason = 'this line is not a `key: value` pair, so the file is not a mapping';
    errors.push(withMessage(path, 'YAML', { kind: 'syntax', message: '', reason, start, end: chunk.start + chunk.notMapping.end, line: lines.positionAt(start).line + 1 }));
  };
  const groups = new Map<Chunk, GroupState>();
  const topEntries: MapEntry[] = [];
  const seenTop = new Map<string, MapEntry>();
  const duplicateError = (entry: MapEntry) => {
    const start = entry.keyLoc?.start;
    const line = start !== undefined ? lines.positionAt(start).line + 1 : undefined;
    errors.push(withMessage(path, 'YAML', { kind: 'duplicateKey', message: '', reason: `duplicate entry with key "${entry.key}"`, start, end: entry.keyLoc?.end, line }));
  };
  const addTop = (entry: MapEntry) => {
    if (seenTop.has(entry.key)) duplicateError(entry);
    seenTop.set(entry.key, entry);
    topEntries.push(entry);
  };
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i];
    if (piece.chunk.errors.length > 0) errors.push(...absoluteErrors(path, piece.chunk, lines));
    if (piece.kind === 'top' || piece.kind === 'child') {
      if (i === 0 && piece.chunk.notMapping) return undefined;
      strayLine(piece.chunk);
      for (const entry of piece.chunk.entries) addTop(entry);
      continue;
    }
    const header = piece.chunk;
    const children: Chunk[] = [];
    while (i + 1 < pieces.length && pieces[i + 1].kind === 'child') {
      const child = pieces[++i].chunk;
      if (child.errors.length > 0) errors.push(...absoluteErrors(path, child, lines));
      children.push(child);
    }
    // A body that starts with a scalar may be one multi-line scalar: the whole parse decides.
    if (children.length > 0 && children[0].notMapping) return undefined;
    children.forEach(strayLine);
    const state = groupState(children, previousGroups?.get(header));
    groups.set(header, state);
    state.duplicates.forEach(duplicateError);
    const lastChild = children[children.length - 1];
    const firstKey = children[0]?.entries[0]?.keyLoc;
    const end = lastChild ? lastChild.start + lastChild.contentEnd : header.end;
    const entries = state.entries;
    const positions = state.positions;
    const value: MapNode = {
      type: 'map',
      entries,
      loc: { line: firstKey?.line ?? header.firstLine + 1, start: firstKey?.start ?? header.end, end: Math.max(header.end, end) },
      lookup: (key) => {
        const at = positions.get(key);
        return at === undefined ? undefined : entries[at];
      },
    };
    addTop({ key: 'task', keyLoc: { line: header.firstLine, start: header.start, end: header.start + 'task'.length }, value });
  }
  errors.sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
  return { root: mapNode(topEntries), errors, groups };
}

function absoluteErrors(path: string, chunk: Chunk, lines: LineIndex): LoadError[] {
  if (chunk.errors.length === 0) return [];
  return chunk.errors.map((e) => {
    const start = e.start !== undefined ? chunk.start + e.start : chunk.start;
    const end = e.end !== undefined ? chunk.start + e.end : start;
    return withMessage(path, 'YAML', { ...e, start, end, line: lines.positionAt(start).line + 1 });
  });
}

/** Where the section holding `offset` starts, and whether it is a child of a `task:` mapping. */
export function sectionAt(cache: YamlChunkCache, offset: number): { start: number; inTaskSection: boolean } | undefined {
  const pieces = cache.pieces;
  if (!pieces || pieces.length === 0) return undefined;
  const piece = pieces[pieceIndexAt(pieces, offset)];
  if (piece.kind === 'taskHeader') return undefined;
  return { start: piece.chunk.start, inTaskSection: piece.kind === 'child' };
}
