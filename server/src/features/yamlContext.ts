// Where the cursor is in a config YAML file, read from the lines around it, so
// half-typed text (`max_re`, `key:` with nothing after it, `- `, `[a, `) still
// gives an answer. Work is bounded by the enclosing section, not the file.
import { LineIndex } from '../analysis/lineIndex';

export interface YamlCursor {
  /** Keys of the enclosing mappings, outermost first (`['task', 'src.a.b']`). */
  readonly path: readonly string[];
  /** Completing a key (`key`), a value of `field` (`value`), or neither. */
  readonly kind: 'key' | 'value' | 'none';
  /** For values: the key whose value it is (for list items: the list's key). */
  readonly field?: string;
  /** The word being typed: its range in the document. */
  readonly wordStart: number;
  readonly wordEnd: number;
  /** For keys: whether a `:` already follows the word on the line. */
  readonly hasColon: boolean;
  /** For values: inside a flow list `[...]` or a block list item `- `. */
  readonly inList: boolean;
  /** Column of the key being typed (for snippets of nested sections). */
  readonly indent: number;
  /**
   * For a key inside a flow mapping (`{ a: 1, | }`): the keys written in that
   * mapping on the line, which the document's tree may not hold while it is open.
   */
  readonly flowKeys?: readonly string[];
}

const KEY_CHARS = /[A-Za-z0-9_.\-#"']/;

function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  return i;
}

/** The key of a `key:` line (quotes removed), or undefined. */
export function lineKey(line: string): string | undefined {
  const m = /^\s*(?:-\s+)?("(?:[^"\\]|\\.)*"|'[^']*'|[^\s#:'"][^:#]*?)\s*:(\s|$)/.exec(line);
  if (!m) return undefined;
  const raw = m[1];
  return raw.startsWith('"') || raw.startsWith("'") ? raw.slice(1, -1) : raw.trim();
}

/** Indentation (spaces) of line `l` and the character after it, read without slicing the line. */
function lineShape(lines: LineIndex, l: number): { indent: number; first: string } {
  const text = lines.text;
  let i = lines.lineStart(l);
  const start = i;
  while (i < text.length && text[i] === ' ') i++;
  return { indent: i - start, first: i < text.length ? text[i] : '\n' };
}

/**
 * Where the upward scan for enclosing keys may stop: the first line of the
 * section holding the cursor, and the keys enclosing that section.
 */
export interface ScanFloor {
  readonly line: number;
  readonly prefix: readonly string[];
}

/** The keys of the mappings enclosing `line` (whose indentation is `indent`). */
function enclosingPath(lines: LineIndex, line: number, indent: number, floor?: ScanFloor): string[] {
  const path: string[] = [];
  let limit = indent;
  const lowest = floor && floor.line <= line ? floor.line : 0;
  for (let l = line - 1; l >= lowest && limit > 0; l--) {
    const shape = lineShape(lines, l);
    // A line indented with a tab is a syntax error, no key of the structure around it.
    if (shape.first === '\n' || shape.first === '\r' || shape.first === '#' || shape.first === '\t' || shape.indent >= limit) continue;
    const text = lines.lineText(l);
    const key = lineKey(text);
    if (key === undefined) {
      // A list item line (`- x`) or a flow continuation: keep looking above it.
      if (shape.first === '-') {
        limit = shape.indent + 1;
        continue;
      }
      break;
    }
    path.unshift(key);
    limit = shape.indent;
  }
  return limit > 0 && floor && lowest > 0 ? [...floor.prefix, ...path] : path;
}

export function yamlCursor(lines: LineIndex, offset: number, floor?: ScanFloor): YamlCursor {
  const { line, character } = lines.positionAt(offset);
  const text = lines.lineText(line);
  const before = text.slice(0, character);
  let wordStart = character;
  while (wordStart > 0 && KEY_CHARS.test(text[wordStart - 1])) wordStart--;
  let wordEnd = character;
  // A `#` at the cursor or after a space starts a comment, which the word leaves alone.
  while (wordEnd < text.length && KEY_CHARS.test(text[wordEnd]) && !(text[wordEnd] === '#' && (wordEnd === character || /\s/.test(text[wordEnd - 1])))) wordEnd++;
  const lineStart = lines.lineStart(line);
  const base = { wordStart: lineStart + wordStart, wordEnd: lineStart + wordEnd };
  const indent = indentOf(text);
  const none: YamlCursor = { path: [], kind: 'none', ...base, hasColon: false, inList: false, indent };
  if (/^\s*#/.test(before) || /\s#/.test(before)) return none;

  // In a flow collection opened on this line: `key: { a: 1, b: | }`, `key: [a, |`, `{ |`.
  const flowLine = /^\s*(?:-\s+)?(?=[{[])/.exec(before);
  const colon = flowLine ? null : /^(\s*)(?:-\s+)?("(?:[^"\\]|\\.)*"|'[^']*'|[^\s#:'"][^:#]*?)\s*:(\s+|$)/.exec(before);
  const field = colon ? colon[2].replace(/^["']|["']$/g, '').trim() : undefined;
  if (flowLine || (colon && /^[{[]/.test(before.slice(colon[0].length)))) {
    const flow = flowPosition(text, flowLine ? flowLine[0].length : colon![0].length, character);
    if (!flow) return none;
    const path = [...enclosingPath(lines, line, indent, floor), ...(field !== undefined ? [field] : []), ...flow.keys];
    // `{ key:val| }` is one plain scalar, neither a key nor its value.
    if (flow.at === 'key' && text[wordStart - 1] === ':') return none;
    if (flow.at === 'key') return { path, kind: 'key', ...base, hasColon: /^\s*:/.test(text.slice(wordEnd)), inList: false, indent, flowKeys: flow.written };
    const key = path.pop();
    return key === undefined ? none : { path, kind: 'value', field: key, ...base, hasColon: true, inList: flow.at === 'item', indent };
  }
  // `key: value|`
  if (colon) return { path: enclosingPath(lines, line, indent, floor), kind: 'value', field, ...base, hasColon: true, inList: false, indent };
  // `- item|` under a `key:` line: a value of that key's list.
  const item = /^(\s*)-\s*([^:#]*)$/.exec(before);
  if (item) {
    const itemIndent = item[1].length;
    for (let l = line - 1; l >= 0; l--) {
      const above = lines.lineText(l);
      const own = indentOf(above);
      if (own >= above.length || above[own] === '#') continue;
      if (own < itemIndent || (own === itemIndent && !/^\s*-/.test(above))) {
        const key = lineKey(above);
        if (key === undefined) break;
        return { path: enclosingPath(lines, l, own, floor), kind: 'value', field: key, ...base, hasColon: false, inList: true, indent };
      }
    }
    return none;
  }
  // A key being typed: only key characters before the cursor on the line.
  if (/^\s*[^\s:#]*$/.test(before)) {
    const after = text.slice(wordEnd);
    return { path: enclosingPath(lines, line, indent, floor), kind: 'key', ...base, hasColon: /^\s*:/.test(after), inList: false, indent };
  }
  return none;
}

// ---------------------------------------------------------- flow collections

/** An open `{` or `[` before the cursor. */
interface FlowFrame {
  readonly open: '{' | '[';
  /** For a mapping: the key of the entry being written, once its `:` is typed. */
  key?: string;
  /** For a mapping: where the entry being written starts. */
  entryStart: number;
  /** For a mapping: the keys of its entries so far. */
  readonly keys: string[];
}

/** What a quote may follow to open a quoted scalar (elsewhere, as in `don't`, it is a plain character). */
const QUOTED_SCALAR_AFTER = '{[,:';

/** Where the quote opened at `at` closes, or -1. */
function closingQuote(text: string, at: number): number {
  const quote = text[at];
  for (let i = at + 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++;
    else if (text[i] === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return -1;
}

/** Whether the `:` at `at` ends a key in a flow mapping (a space, the end or a flow indicator after it, or a quoted key before it). */
function endsFlowKey(text: string, at: number): boolean {
  return at + 1 >= text.length || /[\s,[\]{}]/.test(text[at + 1]) || text[at - 1] === '"' || text[at - 1] === "'";
}

function flowKey(raw: string): string {
  const key = raw.trim();
  return /^(["']).*\1$/.test(key) ? key.slice(1, -1) : key;
}

/**
 * Where `cursor` is in the flow collections that open at `from` on one line:
 * the keys leading to it, whether it is at a key, a value or a list item, and
 * for a key the other keys of its mapping on the line (after the cursor too).
 * Undefined in a quoted string, or outside every collection.
 */
function flowPosition(text: string, from: number, cursor: number): { keys: string[]; at: 'key' | 'value' | 'item'; written: string[] } | undefined {
  const frames: FlowFrame[] = [];
  /** The last character before `i` that is not a space. */
  let previous = '{';
  for (let i = from; i < cursor; i++) {
    const ch = text[i];
    const top = frames[frames.length - 1];
    const afterIndicator = QUOTED_SCALAR_AFTER.includes(previous);
    if (!/\s/.test(ch)) previous = ch;
    if (ch === '{' || ch === '[') frames.push({ open: ch, entryStart: i + 1, keys: [] });
    else if (!top) {
      if (!/\s/.test(ch)) return undefined;
    } else if ((ch === '"' || ch === "'") && afterIndicator) {
      const close = closingQuote(text, i);
      if (close < 0 || close >= cursor) return undefined;
      i = close;
    } else if (ch === '}' || ch === ']') frames.pop();
    else if (top.open === '{' && ch === ',') {
      top.key = undefined;
      top.entryStart = i + 1;
    } else if (top.open === '{' && ch === ':' && top.key === undefined && endsFlowKey(text, i)) {
      top.key = flowKey(text.slice(top.entryStart, i));
      top.keys.push(top.key);
    }
  }
  const innermost = frames.pop();
  if (!innermost) return undefined;
  const keys: string[] = [];
  for (const frame of frames) {
    if (frame.open === '[') continue;
    if (frame.key === undefined) return undefined;
    keys.push(frame.key);
  }
  if (innermost.open === '[') return { keys, at: 'item', written: [] };
  if (innermost.key !== undefined) return { keys: [...keys, innermost.key], at: 'value', written: [] };
  return { keys, at: 'key', written: [...innermost.keys, ...flowKeysAfter(text, cursor)] };
}

/** The keys of the entries after the one holding `from`, up to the end of its flow mapping on the line. */
function flowKeysAfter(text: string, from: number): string[] {
  const keys: string[] = [];
  let depth = 0;
  /** Where the entry being read starts; -1 in the entry holding the cursor, or once its key is read. */
  let entryStart = -1;
  let previous = '';
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    const afterIndicator = QUOTED_SCALAR_AFTER.includes(previous);
    if (!/\s/.test(ch)) previous = ch;
    if ((ch === '"' || ch === "'") && afterIndicator) {
      const close = closingQuote(text, i);
      if (close < 0) break;
      i = close;
    } else if (ch === '#' && /\s/.test(text[i - 1] ?? ' ')) break;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && ch === ',') entryStart = i + 1;
    else if (depth === 0 && ch === ':' && entryStart >= 0 && endsFlowKey(text, i)) {
      keys.push(flowKey(text.slice(entryStart, i)));
      entryStart = -1;
    }
  }
  return keys;
}
