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
  /** For a key: the column a mapping written under it takes (its own plus the file's step, as its parent's shows). */
  readonly childIndent: number;
  /**
   * For a key inside a flow mapping (`{ a: 1, | }`, or `{` on a line above): the
   * keys written in that mapping, which the document's tree may not hold while it is open.
   */
  readonly flowKeys?: readonly string[];
  /**
   * For a key in a block mapping: the keys on the lines around it at its
   * indentation, which the tree of a piece that does not parse may not hold.
   */
  readonly siblingKeys?: readonly string[];
  /** For a list item: the other items written in its list. */
  readonly listItems?: readonly string[];
}

/** Word characters: letters and digits of any script, and those of dotted ids, env names and quotes. */
const KEY_CHARS = /[\p{L}\p{M}\p{N}_.\-#"']/u;

/** How many lines a scan for the neighbours of the cursor's line reads each way (a mapping of task settings is short; the tree has the rest). */
const NEIGHBOUR_LINES = 2000;

function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  return i;
}

/** A key as a line starts with it (after its indentation and a `- `): quoted, or plain up to its `:`. */
const KEY = String.raw`("(?:[^"\\]|\\.)*"|'[^']*'|[^\s#:'"][^:#]*?)`;
/** A `key:` line: its indentation (with a `- `) and its key. */
const KEY_LINE = new RegExp(String.raw`^(\s*(?:-\s+)?)${KEY}\s*:(\s|$)`);
/** A `key:` line up to its value, and up to a flow collection as its value. */
const KEY_BEFORE_VALUE = new RegExp(String.raw`^(\s*)(?:-\s+)?${KEY}\s*:(\s+|$)`);
const KEY_BEFORE_FLOW = new RegExp(String.raw`^(\s*)(?:-\s+)?${KEY}\s*:[ \t]+(?=[{[])`);

/** The key of a `key:` line (quotes removed), or undefined. */
export function lineKey(line: string): string | undefined {
  const m = KEY_LINE.exec(line);
  if (!m) return undefined;
  const raw = m[2];
  return raw.startsWith('"') || raw.startsWith("'") ? raw.slice(1, -1) : raw.trim();
}

/** Indentation (spaces) of line `l` and the character after it, read without slicing the line. */
function lineShape(lines: LineIndex, l: number): { indent: number; first: string } {
  const text = lines.text;
  let i = lines.lineStart(l);
  const start = i;
  while (text.charCodeAt(i) === SPACE) i++;
  return { indent: i - start, first: i < text.length ? String.fromCharCode(text.charCodeAt(i)) : '\n' };
}

const SPACE = 32;

/**
 * Where the lines a flow collection opened on a line indented `indent` may go
 * on over end, after the cursor's line: at the first line indented no more that
 * does not close it (blank lines and comments go on), else at the end of the text.
 */
function flowLinesEnd(lines: LineIndex, cursorLine: number, indent: number): number {
  for (let l = cursorLine + 1; l < lines.lineCount; l++) {
    const shape = lineShape(lines, l);
    if (shape.indent <= indent && !/[}\]\n\r#]/.test(shape.first)) return lines.lineStart(l);
  }
  return lines.text.length;
}

/** Whether line `l` holds no structure: blank, a comment, or indented with a tab (a syntax error, no key of the structure around it). */
function isTrivia(shape: { first: string }): boolean {
  return shape.first === '\n' || shape.first === '\r' || shape.first === '#' || shape.first === '\t';
}

/** The nearest line above `line` that is indented less than `indent`, not below the floor. */
function parentLine(lines: LineIndex, line: number, indent: number, floor?: ScanFloor): number | undefined {
  if (indent === 0) return undefined;
  const lowest = floor && floor.line <= line ? floor.line : 0;
  for (let l = line - 1; l >= lowest; l--) {
    const shape = lineShape(lines, l);
    if (!isTrivia(shape) && shape.indent < indent) return l;
  }
  return undefined;
}

/** A `key: value` line's value, when it is written on the line (a scalar, a flow collection, a block scalar header). */
const KEY_AND_VALUE = new RegExp(String.raw`^(\s*(?:-\s+)?)${KEY}\s*:[ \t]+([^\s#].*)?$`);

/**
 * Whether a line indented `indent` below `parent` continues the scalar written
 * there (`key: value` or `key: |`, the lines under it are its text), rather
 * than holding keys.
 */
function continuesScalar(lines: LineIndex, parent: number, indent: number): boolean {
  const m = KEY_AND_VALUE.exec(lines.lineText(parent));
  // An anchor or a tag may stand before a mapping below; a flow collection still open is handled before.
  return m !== null && m[3] !== undefined && indent > m[1].length && !/^[&!{[]/.test(m[3]);
}

/**
 * The keys on the lines at `indent` around `line`, up to the first line
 * indented less (list items at that indentation end the scan: no mapping).
 */
function siblingKeys(lines: LineIndex, line: number, indent: number): string[] {
  const keys: string[] = [];
  for (const step of [-1, 1]) {
    for (let l = line + step, n = 0; l >= 0 && l < lines.lineCount && n < NEIGHBOUR_LINES; l += step, n++) {
      const shape = lineShape(lines, l);
      if (isTrivia(shape) || shape.indent > indent) continue;
      if (shape.indent < indent || shape.first === '-') break;
      const key = lineKey(lines.lineText(l));
      if (key !== undefined) keys.push(key);
    }
  }
  return keys;
}

/** The items (`- x`) at `itemIndent` of the block list under the key on line `keyLine`, except the one on `line`. */
function blockListItems(lines: LineIndex, keyLine: number, line: number, itemIndent: number): string[] {
  const items: string[] = [];
  for (let l = keyLine + 1, n = 0; l < lines.lineCount && n < NEIGHBOUR_LINES; l++, n++) {
    const shape = lineShape(lines, l);
    if (isTrivia(shape) || shape.indent > itemIndent) continue;
    if (shape.indent < itemIndent || shape.first !== '-') break;
    const item = /^\s*-\s+(.*?)(?:\s+#.*)?$/.exec(lines.lineText(l));
    if (l !== line && item) items.push(flowKey(item[1]));
  }
  return items;
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
    if (isTrivia(shape) || shape.indent >= limit) continue;
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
  const parent = parentLine(lines, line, indent, floor);
  // A mapping under the key is indented by the step its own line has from its parent's (at column 0 when above the floor).
  const childIndent = indent + Math.max(2, indent - (parent === undefined ? 0 : lineShape(lines, parent).indent));
  const none: YamlCursor = { path: [], kind: 'none', ...base, hasColon: false, inList: false, indent, childIndent };
  if (/^\s*#/.test(before) || /\s#/.test(before)) return none;

  // In a flow collection: `key: { a: 1, b: | }`, `key: [a, |`, `{ |`, or one opened on a line above (`task: {`).
  const flow = flowAround(lines, line, indent, offset, floor);
  if (flow === 'closed') return none;
  if (flow) {
    const path = flow.path;
    // `{ key:val| }` is one plain scalar, neither a key nor its value.
    if (flow.at === 'key' && text[wordStart - 1] === ':') return none;
    if (flow.at === 'key') return { path, kind: 'key', ...base, hasColon: /^\s*:/.test(text.slice(wordEnd)), inList: false, indent, childIndent, flowKeys: flow.written };
    const key = path.pop();
    return key === undefined ? none : { path, kind: 'value', field: key, ...base, hasColon: true, inList: flow.at === 'item', indent, childIndent, listItems: flow.items };
  }
  const colon = KEY_BEFORE_VALUE.exec(before);
  if (colon) {
    // `key: |` or `key: >`: a block scalar's header; its text comes on the lines below.
    if (/^[|>]/.test(before.slice(colon[0].length))) return none;
    // `key: value|`
    const field = colon[2].replace(/^["']|["']$/g, '').trim();
    return { path: enclosingPath(lines, line, indent, floor), kind: 'value', field, ...base, hasColon: true, inList: false, indent, childIndent };
  }
  // Under `key: value` or `key: |`, a more indented line is the scalar's text.
  if (parent !== undefined && continuesScalar(lines, parent, indent)) return none;
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
        return { path: enclosingPath(lines, l, own, floor), kind: 'value', field: key, ...base, hasColon: false, inList: true, indent, childIndent, listItems: blockListItems(lines, l, line, itemIndent) };
      }
    }
    return none;
  }
  // A key being typed: only key characters before the cursor on the line.
  if (/^\s*[^\s:#]*$/.test(before)) {
    const after = text.slice(wordEnd);
    return { path: enclosingPath(lines, line, indent, floor), kind: 'key', ...base, hasColon: /^\s*:/.test(after), inList: false, indent, childIndent, siblingKeys: siblingKeys(lines, line, indent) };
  }
  return none;
}

// ---------------------------------------------------------- flow collections

/** Where a flow collection opens on a line: right after `key: `, `- ` or the indentation. */
function flowOpener(text: string): { at: number; field?: string } | undefined {
  const bare = /^\s*(?:-\s+)?(?=[{[])/.exec(text);
  if (bare) return { at: bare[0].length };
  const colon = KEY_BEFORE_FLOW.exec(text);
  return colon ? { at: colon[0].length, field: colon[2].replace(/^["']|["']$/g, '').trim() } : undefined;
}

/**
 * The flow collection around the cursor, opened on its line or on a line
 * above that encloses it (`task: {` then entries, one a line): where the cursor
 * is in it, with the keys leading there. `closed` when the line opens one that
 * ends before the cursor (`key: [a]|`).
 */
function flowAround(lines: LineIndex, line: number, indent: number, offset: number, floor?: ScanFloor): (FlowAt & { readonly path: string[] }) | 'closed' | undefined {
  const at = (l: number, opener: { at: number; field?: string }) => {
    // Read from a copy of the lines it can span, not from the whole text.
    const start = lines.lineStart(l);
    const openerIndent = lineShape(lines, l).indent;
    const window = lines.text.slice(start, flowLinesEnd(lines, lines.positionAt(offset).line, openerIndent));
    const flow = flowPosition(window, opener.at, offset - start, openerIndent);
    return flow && { ...flow, path: [...enclosingPath(lines, l, openerIndent, floor), ...(opener.field !== undefined ? [opener.field] : []), ...flow.keys] };
  };
  const own = flowOpener(lines.lineText(line));
  const opensHere = own !== undefined && lines.lineStart(line) + own.at < offset;
  const here = opensHere ? at(line, own) : undefined;
  if (here) return here;
  for (let l = parentLine(lines, line, indent, floor); l !== undefined; l = parentLine(lines, l, lineShape(lines, l).indent, floor)) {
    const opener = flowOpener(lines.lineText(l));
    const above = opener && at(l, opener);
    if (above) return above;
  }
  return opensHere ? 'closed' : undefined;
}

/** An open `{` or `[` before the cursor. */
interface FlowFrame {
  readonly open: '{' | '[';
  /** For a mapping: the key of the entry being written, once its `:` is typed. */
  key?: string;
  /** Where the entry (or item) being written starts. */
  entryStart: number;
  /** For a mapping: the keys of its entries so far. */
  readonly keys: string[];
  /** For a list: its items so far. */
  readonly items: string[];
}

/** Where the cursor is in the flow collections around it. */
interface FlowAt {
  /** The keys leading from the outermost collection to the cursor's. */
  readonly keys: string[];
  readonly at: 'key' | 'value' | 'item';
  /** For a key: the other keys of its mapping (after the cursor too). */
  readonly written: string[];
  /** For an item: the other items of its list (after the cursor too). */
  readonly items: string[];
}

/** What a quote may follow to open a quoted scalar (elsewhere, as in `don't`, it is a plain character). */
const QUOTED_SCALAR_AFTER = '{[,:';

/** Where the quote opened at `at` closes on its line, or -1. */
function closingQuote(text: string, at: number): number {
  const quote = text[at];
  for (let i = at + 1; i < text.length && text[i] !== '\n'; i++) {
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

/** A key or item as written in a flow collection: comments on the lines before it dropped, quotes removed. */
function flowKey(raw: string): string {
  const key = raw.replace(/(^|\s)#[^\n]*/g, ' ').trim();
  return /^(["']).*\1$/.test(key) ? key.slice(1, -1) : key;
}

/** Whether a `#` at `at` starts a comment (at a line start or after a space). */
function startsComment(text: string, at: number): boolean {
  return text[at] === '#' && (at === 0 || /\s/.test(text[at - 1]));
}

/** Where the line holding `at` ends. */
function lineEndAfter(text: string, at: number): number {
  const end = text.indexOf('\n', at);
  return end < 0 ? text.length : end;
}

/**
 * Where `cursor` is in the flow collections that open at `from` (on a line
 * indented `indent`; the collections may go on over the lines below): the keys
 * leading to it, whether it is at a key, a value or a list item (in a quoted
 * scalar too), and the other keys or items of its collection. Undefined outside
 * every collection.
 */
function flowPosition(text: string, from: number, cursor: number, indent: number): FlowAt | undefined {
  const frames: FlowFrame[] = [];
  /** The last character before `i` that is not a space. */
  let previous = '{';
  /** Where the rest of the collection holding the cursor starts: after the quoted scalar holding it, or nowhere when that does not close. */
  let rest: number | undefined = cursor;
  for (let i = from; i < cursor; i++) {
    const ch = text[i];
    const top = frames[frames.length - 1];
    const afterIndicator = QUOTED_SCALAR_AFTER.includes(previous);
    if (startsComment(text, i)) {
      i = lineEndAfter(text, i);
      continue;
    }
    if (!/\s/.test(ch)) previous = ch;
    if (ch === '{' || ch === '[') frames.push({ open: ch, entryStart: i + 1, keys: [], items: [] });
    else if (!top) {
      if (!/\s/.test(ch)) return undefined;
    } else if ((ch === '"' || ch === "'") && afterIndicator) {
      const close = closingQuote(text, i);
      if (close < 0 || close >= cursor) {
        // The cursor is in this quoted scalar: a key, a value or an item like any other.
        rest = close < 0 ? undefined : close + 1;
        break;
      }
      i = close;
    } else if (ch === '}' || ch === ']') frames.pop();
    else if (ch === ',') {
      if (top.open === '[') top.items.push(flowKey(text.slice(top.entryStart, i)));
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
  const after = rest === undefined ? { keys: [], items: [] } : flowEntriesAfter(text, rest, innermost.open, indent);
  if (innermost.open === '[') return { keys, at: 'item', written: [], items: [...innermost.items, ...after.items] };
  if (innermost.key !== undefined) return { keys: [...keys, innermost.key], at: 'value', written: [], items: [] };
  return { keys, at: 'key', written: [...innermost.keys, ...after.keys], items: [] };
}

/**
 * The keys (of a mapping) or items (of a list) of the entries after the one
 * holding `from`, up to the end of its collection, or of the lines that go on
 * with it: those indented more than `indent`, or that close it.
 */
function flowEntriesAfter(text: string, from: number, open: '{' | '[', indent: number): { keys: string[]; items: string[] } {
  const keys: string[] = [];
  const items: string[] = [];
  let depth = 0;
  /** Where the entry being read starts; -1 in the entry holding the cursor, or once its key is read. */
  let entryStart = -1;
  let previous = '';
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    const afterIndicator = QUOTED_SCALAR_AFTER.includes(previous);
    if (ch === '\n') {
      let next = i + 1;
      while (text[next] === ' ') next++;
      if (next - i - 1 <= indent && !/[}\]\n\r#]/.test(text[next] ?? '')) break;
      continue;
    }
    if (startsComment(text, i)) {
      i = lineEndAfter(text, i) - 1;
      continue;
    }
    if (!/\s/.test(ch)) previous = ch;
    if ((ch === '"' || ch === "'") && afterIndicator) {
      const close = closingQuote(text, i);
      if (close < 0) break;
      i = close;
    } else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      if (depth === 0) {
        if (open === '[' && entryStart >= 0) items.push(flowKey(text.slice(entryStart, i)));
        break;
      }
      depth--;
    } else if (depth === 0 && ch === ',') {
      if (open === '[' && entryStart >= 0) items.push(flowKey(text.slice(entryStart, i)));
      entryStart = i + 1;
    } else if (depth === 0 && open === '{' && ch === ':' && entryStart >= 0 && endsFlowKey(text, i)) {
      keys.push(flowKey(text.slice(entryStart, i)));
      entryStart = -1;
    }
  }
  return { keys, items };
}
