// Incremental YAML reading. A config file is cut into top-level sections and,
// inside `task:`, per-task sections; each is parsed on its own and reused while
// its text is unchanged, so a keystroke costs a parse of the edited section, not
// of the file. Locations are computed from the section's current place in the
// file, so a reused section needs no copying when text before it moves.
// Anything the cutting cannot be sure about (several documents, anchors,
// a root that is not a block mapping) is parsed whole.
import * as YAML from 'yaml';
import {
  EMPTY_MAP, LoadError, Loc, MapEntry, MapNode, mapNode, parseYamlDocument, withMessage, YAML_PARSE_OPTIONS,
  yamlReason, YamlTreeBuilder,
} from '../resolver';
import { LineIndex } from './lineIndex';

/** A section's place in the current text; updated when a reused section moves. */
class Chunk {
  start = 0;
  /** 1-based line of the chunk's first line. */
  firstLine = 1;
  entries: readonly MapEntry[] = [];
  /** Errors with offsets relative to the chunk. */
  errors: readonly LoadError[] = [];

  constructor(readonly text: string) {}
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

/** Parsed chunks by text, handed from one version of a document to the next. */
export interface YamlChunkCache {
  readonly chunks: ReadonlyMap<string, readonly Chunk[]>;
}

export interface IncrementalParse {
  readonly root: MapNode;
  readonly errors: readonly LoadError[];
  readonly cache: YamlChunkCache | undefined;
}

const NEEDS_WHOLE_PARSE = /^(?:---|\.\.\.|%)|(?:^|[\s,[{:-])[&*][^\s,[\]{}]|^[-?[{!&*|>]/m;

export function parseYamlIncrementally(path: string, text: string, lines: LineIndex, previous?: YamlChunkCache): IncrementalParse {
  if (NEEDS_WHOLE_PARSE.test(text)) return wholeParse(path, text);
  const sections = cutSections(text, lines);
  const reusable = new Map<string, Chunk[]>();
  if (previous) for (const [key, chunks] of previous.chunks) reusable.set(key, [...chunks]);
  const used = new Map<string, Chunk[]>();
  const take = (start: number, end: number): Chunk => {
    const chunkText = text.slice(start, end);
    const chunk = reusable.get(chunkText)?.pop() ?? parseChunk(path, chunkText);
    chunk.start = start;
    chunk.firstLine = lines.positionAt(start).line + 1;
    const list = used.get(chunkText);
    if (list) list.push(chunk);
    else used.set(chunkText, [chunk]);
    return chunk;
  };

  const errors: LoadError[] = [];
  const topEntries: MapEntry[] = [];
  const seenTop = new Map<string, MapEntry>();
  for (const section of sections) {
    if (section.children === undefined) {
      const chunk = take(section.start, section.end);
      errors.push(...absoluteErrors(path, chunk, lines));
      for (const entry of chunk.entries) addEntry(path, entry, seenTop, topEntries, errors, lines);
      continue;
    }
    const taskEntries: MapEntry[] = [];
    const seenTasks = new Map<string, MapEntry>();
    for (const child of section.children) {
      const chunk = take(child.start, child.end);
      errors.push(...absoluteErrors(path, chunk, lines));
      for (const entry of chunk.entries) addEntry(path, entry, seenTasks, taskEntries, errors, lines);
    }
    const keyLoc: Loc = { line: lines.positionAt(section.start).line + 1, start: section.start, end: section.start + section.keyLength };
    const valueStart = section.children.length > 0 ? section.children[0].start : section.end;
    const value = mapNode(taskEntries, { line: lines.positionAt(valueStart).line + 1, start: valueStart, end: section.end });
    addEntry(path, { key: 'task', keyLoc, value }, seenTop, topEntries, errors, lines);
  }
  errors.sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
  return { root: mapNode(topEntries), errors, cache: { chunks: used } };
}

function wholeParse(path: string, text: string): IncrementalParse {
  const parsed = parseYamlDocument(path, text);
  return { root: parsed.root, errors: parsed.errors, cache: undefined };
}

function addEntry(path: string, entry: MapEntry, seen: Map<string, MapEntry>, into: MapEntry[], errors: LoadError[], lines: LineIndex): void {
  if (seen.has(entry.key)) {
    const start = entry.keyLoc?.start;
    const end = entry.keyLoc?.end;
    const line = start !== undefined ? lines.positionAt(start).line + 1 : undefined;
    errors.push(withMessage(path, 'YAML', { kind: 'duplicateKey', message: '', reason: `duplicate entry with key "${entry.key}"`, start, end, line }));
  }
  seen.set(entry.key, entry);
  into.push(entry);
}

function absoluteErrors(path: string, chunk: Chunk, lines: LineIndex): LoadError[] {
  return chunk.errors.map((e) => {
    const start = e.start !== undefined ? chunk.start + e.start : chunk.start;
    const end = e.end !== undefined ? chunk.start + e.end : start;
    return withMessage(path, 'YAML', { ...e, start, end, line: lines.positionAt(start).line + 1 });
  });
}

function parseChunk(path: string, text: string): Chunk {
  const chunk = new Chunk(text);
  const counter = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { ...YAML_PARSE_OPTIONS, lineCounter: counter });
  chunk.errors = doc.errors.map((error) => yamlReason(error, text, counter));
  void path;
  const builder = new YamlTreeBuilder(doc, (start, end) => new ChunkLoc(chunk, counter.linePos(start).line, start, end));
  const root = doc.contents === null ? EMPTY_MAP : builder.node(doc.contents);
  chunk.entries = root.type === 'map' ? root.entries : [];
  return chunk;
}

interface Section {
  readonly start: number;
  readonly end: number;
  /** Per-task sections of a block `task:` mapping. */
  readonly children?: readonly { start: number; end: number }[];
  readonly keyLength: number;
}

function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && line[i] === ' ') i++;
  return i;
}

function isContent(line: string, at: number): boolean {
  const ch = line[at];
  return ch !== undefined && ch !== '#' && ch !== '\r' && ch !== ' ' && ch !== '\t';
}

/** Top-level sections start at a column-0 key; comments and blank lines stay with the section above. */
function cutSections(text: string, lines: LineIndex): Section[] {
  const starts: number[] = [];
  for (let line = 0; line < lines.lineCount; line++) {
    const content = lines.lineText(line);
    if (isContent(content, 0) && content[0] !== ']' && content[0] !== '}' && content[0] !== ',') starts.push(line);
  }
  if (starts.length === 0) return [{ start: 0, end: text.length, keyLength: 0 }];
  starts[0] = 0;
  const sections: Section[] = [];
  starts.forEach((line, i) => {
    const start = lines.lineStart(line);
    const end = i + 1 < starts.length ? lines.lineStart(starts[i + 1]) : text.length;
    sections.push(taskChildren(text, lines, line, start, end) ?? { start, end, keyLength: 0 });
  });
  return sections;
}

/** Cuts a block `task:` section into per-task sections at its children's indentation. */
function taskChildren(text: string, lines: LineIndex, firstLine: number, start: number, end: number): Section | undefined {
  // The preamble of the first section (comments) may come before the key.
  let headerLine = firstLine;
  while (headerLine < lines.lineCount && !isContent(lines.lineText(headerLine), 0)) headerLine++;
  const header = lines.lineText(headerLine);
  if (!/^task:\s*(#.*)?$/.test(header)) return undefined;
  const headerStart = lines.lineStart(headerLine);
  const bodyStart = headerLine + 1 < lines.lineCount ? lines.lineStart(headerLine + 1) : end;
  if (bodyStart >= end) return undefined;
  const lastLine = lines.positionAt(end).line;
  let childIndent = -1;
  const childStarts: number[] = [];
  for (let line = headerLine + 1; line <= lastLine && lines.lineStart(line) < end; line++) {
    const content = lines.lineText(line);
    const indent = indentOf(content);
    if (!isContent(content, indent)) continue;
    if (childIndent < 0) {
      if (indent === 0 || content[indent] === '-' || content[indent] === '[' || content[indent] === '{') return undefined;
      childIndent = indent;
    }
    if (indent === childIndent) childStarts.push(lines.lineStart(line));
  }
  if (childStarts.length === 0) return undefined;
  childStarts[0] = bodyStart;
  const children = childStarts.map((s, i) => ({ start: s, end: i + 1 < childStarts.length ? childStarts[i + 1] : end }));
  if (headerStart !== start) return undefined;
  return { start, end, children, keyLength: 'task'.length };
}
