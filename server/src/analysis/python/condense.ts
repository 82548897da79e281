// Most of a task file is function bodies, and nothing in a body that holds no
// task marker matters to Tasklens. On the first read of a file, the bodies of
// top-level `def`s and `class`es without a marker are replaced by `...` before
// parsing; the parse is then a fraction of the work, and every offset the
// reader reports is mapped back to the real text. A file whose condensed text
// does not parse cleanly is parsed whole instead (the caller checks).

/** A condensed text and the way back to the offsets of the original. */
export interface CondensedText {
  readonly text: string;
  /** Offset in `text` → offset in the original. */
  readonly toOriginal: (offset: number) => number;
}

const FILLER = '\n ...\n';

interface LogicalLine {
  /** Where the line starts (column 0). */
  readonly start: number;
  /** The newline that ends it (or the text's length). */
  readonly end: number;
  /** The last character of code on it (not a comment or space); -1 when none. */
  readonly lastCode: number;
}

/**
 * The logical lines that start at column 0 with code (not a blank line, not a
 * comment), found by a pass that knows strings, comments, brackets and
 * backslash continuations. Undefined when the text ends inside a string.
 */
function topLevelLines(text: string): LogicalLine[] | undefined {
  const lines: LogicalLine[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    // At the start of a physical line that starts a logical line.
    const c = text.charCodeAt(i);
    const atColumn0 = c !== 32 && c !== 9 && c !== 12 && c !== 10 && c !== 13 && c !== 35;
    const start = i;
    let depth = 0;
    let lastCode = -1;
    for (;;) {
      if (i >= n) break;
      const ch = text.charCodeAt(i);
      if (ch === 10) {
        if (depth === 0 && !(lastCode === i - 1 && text.charCodeAt(i - 1) === 92) && !(text.charCodeAt(i - 1) === 13 && text.charCodeAt(i - 2) === 92 && lastCode === i - 2)) break;
        i++;
        continue;
      }
      if (ch === 35 /* # */) {
        const nl = text.indexOf('\n', i);
        i = nl === -1 ? n : nl;
        continue;
      }
      if (ch === 39 || ch === 34) {
        const end = stringEnd(text, i);
        if (end === -1) return undefined;
        lastCode = end - 1;
        i = end;
        continue;
      }
      if (ch === 40 || ch === 91 || ch === 123) depth++;
      else if (ch === 41 || ch === 93 || ch === 125) depth = depth > 0 ? depth - 1 : 0;
      if (ch !== 32 && ch !== 9 && ch !== 13 && ch !== 12) lastCode = i;
      i++;
    }
    if (atColumn0) lines.push({ start, end: Math.min(i, n), lastCode });
    i++;
  }
  return lines;
}

/** The offset after the string literal whose opening quote is at `i`; -1 when it never closes. */
function stringEnd(text: string, i: number): number {
  const q = text.charCodeAt(i);
  const triple = text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q;
  let j = triple ? i + 3 : i + 1;
  const n = text.length;
  while (j < n) {
    const ch = text.charCodeAt(j);
    if (ch === 92) {
      j += 2;
      continue;
    }
    if (ch === q) {
      if (!triple) return j + 1;
      if (text.charCodeAt(j + 1) === q && text.charCodeAt(j + 2) === q) return j + 3;
    } else if (ch === 10 && !triple) {
      // An unclosed one-line string: Python stops it at the line's end.
      return j;
    }
    j++;
  }
  return -1;
}

function holdsTaskMarker(text: string, from: number, to: number): boolean {
  for (const marker of ['.task', '.direct_task', '.workflow']) {
    const at = text.indexOf(marker, from);
    if (at !== -1 && at < to) return true;
  }
  return false;
}

const BLOCK_HEADER = /^(?:async[ \t]+def|def|class)[ \t]/;
const IMPORT = /^(?:import|from)[ \t\\(]/;

/**
 * The text with marker-free top-level bodies cut out, and the column-0
 * `import` / `from` statements too (the caller reads them with the line
 * scanner); undefined when nothing would be cut.
 */
export function condensePython(text: string): CondensedText | undefined {
  const lines = topLevelLines(text);
  if (lines === undefined) return undefined;
  const parts: string[] = [];
  /** [condensed start, original start, length] of each kept segment. */
  const segments: number[] = [];
  let condensedLength = 0;
  let keptFrom = 0;
  let cut = false;
  const keep = (from: number, to: number): void => {
    if (to <= from) return;
    segments.push(condensedLength, from, to - from);
    parts.push(text.slice(from, to));
    condensedLength += to - from;
  };
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k];
    const head = text.slice(line.start, line.start + 10);
    if (IMPORT.test(head)) {
      // `import a; x = 1` keeps its line: the scanner reads the import, the parser the rest.
      if (text.indexOf(';', line.start) !== -1 && text.indexOf(';', line.start) < line.end) continue;
      const next = k + 1 < lines.length ? lines[k + 1].start : text.length;
      keep(keptFrom, line.start);
      keptFrom = next;
      cut = true;
      continue;
    }
    if (line.lastCode < 0 || text.charCodeAt(line.lastCode) !== 58 /* : */) continue;
    if (!BLOCK_HEADER.test(head)) continue;
    const bodyStart = line.end;
    const bodyEnd = k + 1 < lines.length ? lines[k + 1].start : text.length;
    if (bodyEnd - bodyStart < 64 || holdsTaskMarker(text, bodyStart, bodyEnd)) continue;
    keep(keptFrom, bodyStart);
    parts.push(FILLER);
    condensedLength += FILLER.length;
    keptFrom = bodyEnd;
    cut = true;
  }
  if (!cut) return undefined;
  keep(keptFrom, text.length);
  const condensed = parts.join('');
  const toOriginal = (offset: number): number => {
    let lo = 0;
    let hi = segments.length / 3 - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (segments[mid * 3] <= offset) lo = mid;
      else hi = mid - 1;
    }
    const cStart = segments[lo * 3];
    const oStart = segments[lo * 3 + 1];
    const length = segments[lo * 3 + 2];
    if (offset < cStart) return oStart;
    return offset - cStart <= length ? oStart + (offset - cStart) : oStart + length;
  };
  return { text: condensed, toOriginal };
}
