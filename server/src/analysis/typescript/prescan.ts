// The pre-scan, run on every TypeScript file before anything else: must the file
// be parsed, can a line scan read its classes, or does it hold nothing Tasklens
// cares about? Most files of an application mention neither `task(` nor a class
// that extends something, and parsing them would be the bulk of the work. It
// runs on every file, so it is written with indexOf rather than regular
// expressions that would try a match at every offset. Text only: this module
// never loads the compiler.
import { AnalysisDepth, ClassRecord, ExportLink, FileRecord, fileRecord } from './fileRecord';

function isIdentifierChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 36 || code > 127;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** The next offset at or after `from` where `word` stands as a whole word; -1 when none. */
function nextWord(text: string, word: string, from: number): number {
  for (let i = text.indexOf(word, from); i !== -1; i = text.indexOf(word, i + word.length)) {
    if ((i === 0 || !isIdentifierChar(text.charCodeAt(i - 1))) && !isIdentifierChar(text.charCodeAt(i + word.length))) return i;
  }
  return -1;
}

function skipSpaces(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/**
 * Offsets of `task(`, `app.task (`, `task<T>(` for any of the names, in order;
 * `limit` stops early when only their existence matters.
 */
export function taskCallOffsets(text: string, names: readonly string[], limit = Infinity): number[] {
  const offsets: number[] = [];
  for (const name of names) {
    if (name === '') continue;
    for (let i = nextWord(text, name, 0); i !== -1 && offsets.length < limit; i = nextWord(text, name, i + name.length)) {
      const next = text.charCodeAt(skipSpaces(text, i + name.length));
      if (next === 40 /* ( */ || next === 60 /* < */) offsets.push(i);
    }
  }
  return names.length > 1 ? offsets.sort((a, b) => a - b) : offsets;
}

function hasTaskCall(text: string, names: readonly string[]): boolean {
  return taskCallOffsets(text, names, 1).length > 0;
}

/** `class X extends`, `class X<T> extends`: `extends` before the class body starts. `firstClass` is the first `class` word. */
function hasClassExtends(text: string, firstClass: number): boolean {
  for (let i = firstClass; i !== -1; i = nextWord(text, 'class', i + 5)) {
    const extendsAt = nextWord(text, 'extends', i + 5);
    if (extendsAt === -1) return false;
    const brace = text.indexOf('{', i);
    const semicolon = text.indexOf(';', i);
    const bodyStart = Math.min(brace === -1 ? text.length : brace, semicolon === -1 ? text.length : semicolon);
    if (extendsAt < bodyStart) return true;
  }
  return false;
}

/** Which `export` forms the file uses that the line scan cannot follow. */
function exportForms(text: string): { reexports: boolean; exportList: boolean } {
  let exportList = false;
  for (let i = nextWord(text, 'export', 0); i !== -1; i = nextWord(text, 'export', i + 6)) {
    const at = skipSpaces(text, i + 6);
    const next = text.charCodeAt(at);
    // `export * from` and `export { X } from` (barrels) carry re-exports that resolution follows.
    if (next === 42 /* * */) return { reexports: true, exportList: true };
    if (next === 123 /* { */) {
      exportList = true;
      const close = text.indexOf('}', at);
      if (close !== -1 && text.startsWith('from', skipSpaces(text, close + 1))) return { reexports: true, exportList: true };
    }
  }
  return { reexports: false, exportList };
}

/**
 * How much of `text` must be read to get all its facts; conservative (never too
 * little). Each check is a pass over the text, so there are as few as can be.
 */
export function analysisDepth(text: string, taskFunctionNames: readonly string[]): AnalysisDepth {
  if (hasTaskCall(text, taskFunctionNames)) return 'parse';
  const firstClass = nextWord(text, 'class', 0);
  if (firstClass !== -1 && hasClassExtends(text, firstClass)) return 'parse';
  const exports = exportForms(text);
  if (exports.reexports) return 'parse';
  // A local `export { X as Y }` may rename a class, which the line scan cannot see.
  if (firstClass !== -1) return exports.exportList ? 'parse' : 'classScan';
  return 'skip';
}

const CLASS_MODIFIERS_BEFORE = /^[ \t]*(?:(?:export|default|declare|abstract)[ \t]+)*$/;
const CLASS_NAME_AFTER = /^[ \t]+([A-Za-z_$][\w$]*)/;
const DEFAULT_EXPORT_OF_NAME = /^[ \t]+([A-Za-z_$][\w$]*)[ \t]*;?[ \t]*(?:\r?\n|$)/;

/**
 * Classes of a file without `class ... extends`, so none has a base: a class
 * keyword that starts a line (after modifiers) declares one. Comments and
 * strings rarely look like that.
 */
export function scanClasses(file: string, module: string, text: string): FileRecord {
  const classes: ClassRecord[] = [];
  const exportLinks: ExportLink[] = [];
  const lines = new LineCounter(text);
  for (let i = nextWord(text, 'class', 0); i !== -1; i = nextWord(text, 'class', i + 5)) {
    const lineStart = text.lastIndexOf('\n', i) + 1;
    const modifiers = text.slice(lineStart, i);
    if (!CLASS_MODIFIERS_BEFORE.test(modifiers)) continue;
    const isDefault = nextWord(modifiers, 'default', 0) !== -1;
    const name = CLASS_NAME_AFTER.exec(text.slice(i + 5, i + 200))?.[1];
    if (name === undefined && !isDefault) continue;
    const start = name === undefined ? i : text.indexOf(name, i + 5);
    const end = name === undefined ? i + 5 : start + name.length;
    classes.push({ name: name ?? 'default', nameRange: { start, end }, line: lines.lineAt(start), extendsRef: undefined, extendsText: undefined });
    if (isDefault && name !== undefined) exportLinks.push({ exportedName: 'default', localName: name });
  }
  for (let i = text.indexOf('export default'); i !== -1; i = text.indexOf('export default', i + 14)) {
    const name = DEFAULT_EXPORT_OF_NAME.exec(text.slice(i + 14, i + 200))?.[1];
    if (name !== undefined && name !== 'class') exportLinks.push({ exportedName: 'default', localName: name });
  }
  return fileRecord(file, module, 'classScan', { classes, exportLinks });
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
