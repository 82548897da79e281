// The cheap text tests that decide how much of a Python file must be read
// (SPEC §10: files without a task decorator or call are not parsed), and the
// line scanner that reads module-level imports and classes of the files that
// are not parsed. indexOf rather than regular expressions over the whole text.

/** `skip`: nothing Tasklens uses; `scan`: imports and classes by a line scan; `parse`: the parser. */
export type PythonAnalysisDepth = 'skip' | 'scan' | 'parse';

function isIdentifierChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code > 127;
}

/** `.task`, `.direct_task` or `.workflow` followed by something that ends the name (two passes over the text). */
export function hasTaskMarker(text: string): boolean {
  for (let i = text.indexOf('task'); i !== -1; i = text.indexOf('task', i + 4)) {
    if (isIdentifierChar(text.charCodeAt(i + 4))) continue;
    const before = text.charCodeAt(i - 1);
    if (before === 46 /* . */ || (before === 95 /* _ */ && text.startsWith('.direct_', i - 8))) return true;
  }
  for (let i = text.indexOf('.workflow'); i !== -1; i = text.indexOf('.workflow', i + 9)) {
    if (!isIdentifierChar(text.charCodeAt(i + 9))) return true;
  }
  return false;
}

/** Whether `word` starts a line (column 0) somewhere in `text`, followed by a space, tab or `(`. */
function startsALine(text: string, word: string): boolean {
  if (text.startsWith(word) && isBreak(text.charCodeAt(word.length))) return true;
  const needle = '\n' + word;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + 1)) {
    if (isBreak(text.charCodeAt(i + needle.length))) return true;
  }
  return false;
}

function isBreak(code: number): boolean {
  return code === 32 || code === 9 || code === 40 || code === 92 /* \ */;
}

/** How much of a Python file must be read; never too little for what the index uses. */
export function pythonAnalysisDepth(text: string): PythonAnalysisDepth {
  if (hasTaskMarker(text) || text.includes('Pynenc')) return 'parse';
  // Imports usually come first: the cheapest order.
  if (startsALine(text, 'import') || startsALine(text, 'from') || startsALine(text, 'class')) return 'scan';
  return 'skip';
}

// ---------------------------------------------------------------------------
// The line scanner.

export interface ScannedImport {
  readonly kind: 'import' | 'from';
  /** `import a.b as c`: module `a.b`; `from ..x import y`: module `x`, level 2. */
  readonly module: string;
  readonly level: number;
  /** For `from`: `[name, alias]` pairs; `*` for a star import. For `import`: one pair `[dotted, alias?]`. */
  readonly names: readonly (readonly [string, string | undefined])[];
}

export interface ScannedClass {
  readonly name: string;
  readonly nameStart: number;
  /** Positional bases as written (`Exception`, `errors.Base`); keyword arguments left out. */
  readonly bases: readonly string[];
}

export interface ScanResult {
  readonly imports: readonly ScannedImport[];
  readonly classes: readonly ScannedClass[];
}

const DOTTED = /^[A-Za-z_\u00a1-\uffff][\w\u00a1-\uffff]*(?:\s*\.\s*[A-Za-z_\u00a1-\uffff][\w\u00a1-\uffff]*)*$/;

/**
 * Module-level (column 0) `import`, `from ... import` and `class` statements.
 * Parenthesised and backslash-continued statements over several lines are
 * followed; anything it cannot read is left out.
 */
export function scanModuleStatements(text: string, withClasses = true): ScanResult {
  const imports: ScannedImport[] = [];
  const classes: ScannedClass[] = [];
  let lineStart = 0;
  while (lineStart < text.length) {
    const c = text.charCodeAt(lineStart);
    let next = text.indexOf('\n', lineStart);
    if (next === -1) next = text.length;
    if (c === 105 /* i */ || c === 102 /* f */ || (c === 99 /* c */ && withClasses)) {
      const word = c === 105 ? 'import' : c === 102 ? 'from' : 'class';
      if (text.startsWith(word, lineStart) && isBreak(text.charCodeAt(lineStart + word.length))) {
        const end = statementEnd(text, lineStart);
        const statement = stripComments(text.slice(lineStart, end));
        if (word === 'class') {
          const cls = readClass(statement, lineStart);
          if (cls !== undefined) classes.push(cls);
        } else {
          const imp = word === 'import' ? readImport(statement) : readFrom(statement);
          if (imp !== undefined) imports.push(...imp);
        }
        next = Math.max(next, end);
      }
    }
    lineStart = next + 1;
  }
  return { imports, classes };
}

/** The end of the logical line starting at `from`: open brackets and trailing backslashes continue it. */
function statementEnd(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) depth++;
    else if (c === 41 || c === 93 || c === 125) depth = Math.max(0, depth - 1);
    else if (c === 35 /* # */) {
      const nl = text.indexOf('\n', i);
      if (nl === -1) return text.length;
      i = nl - 1;
    } else if (c === 58 /* : */ && depth === 0) return i; // `class X(Y):` ends at its colon
    else if (c === 10) {
      if (depth > 0) continue;
      if (i > from && text.charCodeAt(i - 1) === 92) continue;
      if (i > from + 1 && text.charCodeAt(i - 1) === 13 && text.charCodeAt(i - 2) === 92) continue;
      return i;
    } else if (c === 39 || c === 34) return i; // a string: not an import or class header we read
  }
  return text.length;
}

function stripComments(statement: string): string {
  return statement.replace(/#[^\n]*/g, '').replace(/\\\r?\n/g, ' ');
}

function readImport(statement: string): ScannedImport[] | undefined {
  const body = statement.slice('import'.length).split(';')[0];
  const out: ScannedImport[] = [];
  for (const part of body.split(',')) {
    const m = /^\s*(\S+(?:\s*\.\s*\S+)*?)\s*(?:\bas\s+([A-Za-z_]\w*))?\s*$/.exec(part);
    if (m === null) continue;
    const dotted = m[1].replace(/\s+/g, '');
    if (!DOTTED.test(dotted)) continue;
    out.push({ kind: 'import', module: dotted, level: 0, names: [[dotted, m[2]]] });
  }
  return out;
}

function readFrom(statement: string): ScannedImport[] | undefined {
  const m = /^from\s+(\.*)\s*([\w.\s]*?)\s+import\s+([\s\S]*)$/.exec(statement.split(';')[0].trim());
  if (m === null) return undefined;
  const level = m[1].length;
  const module = m[2].replace(/\s+/g, '');
  if (module !== '' && !DOTTED.test(module)) return undefined;
  if (level === 0 && module === '') return undefined;
  const list = m[3].replace(/[()]/g, ' ');
  const names: [string, string | undefined][] = [];
  for (const part of list.split(',')) {
    const p = part.trim();
    if (p === '') continue;
    if (p === '*') {
      names.push(['*', undefined]);
      continue;
    }
    const nm = /^([A-Za-z_\u00a1-\uffff][\w\u00a1-\uffff]*)(?:\s+as\s+([A-Za-z_\u00a1-\uffff][\w\u00a1-\uffff]*))?$/.exec(p);
    if (nm !== null) names.push([nm[1], nm[2]]);
  }
  return [{ kind: 'from', module, level, names }];
}

function readClass(statement: string, offset: number): ScannedClass | undefined {
  const m = /^class\s+([A-Za-z_\u00a1-\uffff][\w\u00a1-\uffff]*)\s*(?:\[[^\]]*\]\s*)?(?:\(([\s\S]*)\))?\s*$/.exec(statement);
  if (m === null) return undefined;
  const nameStart = offset + statement.indexOf(m[1], 5);
  const bases: string[] = [];
  if (m[2] !== undefined) {
    for (const part of splitTopLevel(m[2])) {
      const base = part.trim();
      if (base === '' || base.includes('=') || base.startsWith('*')) continue;
      const compact = base.replace(/\s+/g, '');
      bases.push(DOTTED.test(compact) ? compact : base);
    }
  }
  return { name: m[1], nameStart, bases };
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
