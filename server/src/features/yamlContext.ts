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

/** Indentation of line `l` and the character after it, read without slicing the line. */
function lineShape(lines: LineIndex, l: number): { indent: number; first: string } {
  const text = lines.text;
  let i = lines.lineStart(l);
  const start = i;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
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
    if (shape.first === '\n' || shape.first === '\r' || shape.first === '#' || shape.indent >= limit) continue;
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
  while (wordEnd < text.length && KEY_CHARS.test(text[wordEnd])) wordEnd++;
  const lineStart = lines.lineStart(line);
  const base = { wordStart: lineStart + wordStart, wordEnd: lineStart + wordEnd };
  const indent = indentOf(text);
  const none: YamlCursor = { path: [], kind: 'none', ...base, hasColon: false, inList: false, indent };
  if (/^\s*#/.test(before) || /\s#/.test(before)) return none;

  // `key: value|` or `key: [a, |`
  const colon = /^(\s*)(?:-\s+)?("(?:[^"\\]|\\.)*"|'[^']*'|[^\s#:'"][^:#]*?)\s*:(\s+|$)/.exec(before);
  if (colon && before.length >= colon[0].length) {
    const field = colon[2].replace(/^["']|["']$/g, '').trim();
    const valueText = before.slice(colon[0].length);
    const inList = /\[[^\]]*$/.test(valueText);
    const path = enclosingPath(lines, line, indentOf(text), floor);
    return { path, kind: 'value', field, ...base, hasColon: true, inList, indent };
  }
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
