// The second differential test (issue 9): another generator
// (`shapedWorkspace.ts`: config YAML of other shapes, a second YAML config,
// `pyproject.toml`, env files and settings of other shapes, other `task()`
// and decorator forms) and another edit mix, of what editors do to whole
// blocks rather than characters: deleting, duplicating and moving sections at
// any depth, changing a block's indentation, joining and splitting lines,
// moving a line up or down, commenting a block in and out, multi-cursor edits
// sent bottom-up in one notification, undo (changes, then their inverses in
// reverse order), pasting or sending the whole file (with and without a range),
// closing the file and opening it again,
// typing a section character by character with the editor's auto-indent,
// retyping a value in place,
// backspacing, edits at the very start and end of the file and across the
// `task:` header, no-op changes, reversed ranges, and line ends switched on one
// line. Run through the engine of `differentialRunner.ts`, which compares every
// answer with a fresh server's. `npm test` runs a sample; `npm run test:fuzz`
// (TASKLENS_FUZZ_FULL=1) runs the full count. Replay a failure with
// TASKLENS_DIFF2_SEED / TASKLENS_DIFF2_WORKSPACE.
import { Random } from './generatedWorkspace';
import { generateShapedWorkspace, shapedConfigYaml, ShapedWorkspace } from './shapedWorkspace';
import { applied, describeDifferential, eolOf, FULL, Kind, kindOf, lineEnd, lineStarts, OffsetChange, safeOffset, Step, StepRecorder } from './differentialRunner';

// ------------------------------------------------------------------ places

/** An offset an editor's cursor can take: not inside a surrogate pair or a `\r\n`. */
function cursorOffset(text: string, offset: number): number {
  const at = safeOffset(text, Math.max(0, Math.min(offset, text.length)));
  return at > 0 && text[at - 1] === '\r' && text[at] === '\n' ? at - 1 : at;
}

interface Lines {
  readonly starts: number[];
  /** Where each line's text ends (before its line break). */
  readonly ends: number[];
}

function linesOf(text: string): Lines {
  const starts = lineStarts(text);
  return { starts, ends: starts.map((_, i) => lineEnd(text, starts, i)) };
}

/** Where a line after `line` starts: the start of the next line, or the end of the text. */
function nextStart(text: string, lines: Lines, line: number): number {
  return line + 1 < lines.starts.length ? lines.starts[line + 1] : text.length;
}

function indentOf(text: string, lines: Lines, line: number): number {
  return /^[ ]*/.exec(text.slice(lines.starts[line], lines.ends[line]))![0].length;
}

function isBlank(text: string, lines: Lines, line: number): boolean {
  return /^[ \t]*$/.test(text.slice(lines.starts[line], lines.ends[line]));
}

/** Lines [first, end) of the block at `line`: it and the blank or deeper lines below it; now and then its parent's block instead. */
function blockAt(r: Random, text: string, lines: Lines, line: number): { first: number; end: number } {
  let first = line;
  while (first > 0 && isBlank(text, lines, first)) first--;
  for (let up = r.weighted([[5, 0], [2, 1], [1, 2]]); up > 0; up--) {
    const indent = indentOf(text, lines, first);
    let parent = first - 1;
    while (parent >= 0 && (isBlank(text, lines, parent) || indentOf(text, lines, parent) >= indent)) parent--;
    if (parent < 0) break;
    first = parent;
  }
  const indent = indentOf(text, lines, first);
  let end = first + 1;
  while (end < lines.starts.length && (isBlank(text, lines, end) || indentOf(text, lines, end) > indent)) end++;
  // Trailing blank lines belong to the gap, not the block, half the time.
  if (r.chance(0.5)) while (end - 1 > first && isBlank(text, lines, end - 1)) end--;
  return { first, end };
}

function randomLine(r: Random, lines: Lines): number {
  return r.below(lines.starts.length);
}

function randomCursor(r: Random, text: string): number {
  const lines = linesOf(text);
  const line = randomLine(r, lines);
  return r.weighted([
    [2, lines.starts[line]],
    [2, lines.ends[line]],
    [1, lines.starts[line] + indentOf(text, lines, line)],
    [2, cursorOffset(text, r.between(lines.starts[line], lines.ends[line]))],
    [0.5, 0],
    [0.5, text.length],
  ]);
}

/** The change that undoes `change` on the text it left. */
function inverse(before: string, change: OffsetChange): OffsetChange {
  return { start: change.start, end: change.start + change.text.length, text: before.slice(change.start, change.end) };
}

// ------------------------------------------------------------------ actions

/** An action's notifications, each a list of changes applied one after another. */
type Notifications = OffsetChange[][];

const TYPED: Record<Kind, readonly string[]> = {
  yaml: [
    'src.jobs.mail.mailNow1:\nmax_retries: 3\nretry_for:\n- builtins.ValueError\n', 'running_concurrency: keys\n', 'key_arguments:\n  to: 1\n', 'max_retries: 2 # typed',
    'task:\n  max_retries: 1\n', '"src.jobs.billing.billLater2": {max_retries: 4}\n', 'retry_for: [src.errors.index.NetworkError, "pkg.failures.Flaky"]', '<<: *defaults\n', '&x ', '*x',
    'retry_for: |\n  builtins.Error\n', '- ', '# note\n',
  ],
  env: ['PYNENC__MAX_RETRIES=3\n', 'PYNENC__CONFIGTASK__SRC.JOBS.MAIL#MAILNOW1__KEY_ARGUMENTS=to\n', 'export PYNENC__FILEPATH=conf/extra.yaml\n', '# c\n', '"quoted value"'],
  typescript: ['max_retries: 3, ', "retry_for: [NetworkError, Throttled], ", "key_arguments: ['to'],\n", 'export const typed = task(async (to: string) => to, { max_retries: 1 });\n', '...base, '],
  python: ['max_retries=3, ', '@app.task(retry_for=(Flaky,))\ndef typed(a):\n    return a\n', 'key_arguments=("a",)'],
  json: ['"max_retries": 3,', '{"task": {"src.jobs.mail.mailNow1": {"max_retries": 2}}}', '"retry_for": ["builtins.ValueError"]', ', "key_arguments": {"to": 1}'],
  toml: ['max_retries = 3\n', '[tool.pynenc.task."src.jobs.mail.mailNow1"]\nmax_retries = 2\n', 'retry_for = ["builtins.ValueError"]\n', 'key_arguments = { to = 1 }\n', '[tool.pynenc]\n'],
};

/** Values a YAML value is replaced with: other forms than the generator's; the first ones leave the file loading. */
const YAML_VALUES = [
  '3', '"3"', 'keys', 'KEYS', '[to]', '[]', '{}', '{to: 1}', '~', '', '|\n  keys', '>-\n  task', '!!str 3', '"a\\tb"', "'it''s'", '[builtins.Error, src.errors.index.NetworkError]',
  '[\n  "pkg.failures.Flaky"\n]', 'true', '"false"', `"${'y'.repeat(2000)}"`, '💥',
];
/** JSON values; the last two leave the file failing to load. */
const JSON_VALUES = ['3', '"keys"', '"KEYS"', '[]', '["to"]', 'true', '"false"', 'null', '{"to": 1}', '2.5', '-1', '["builtins.Error", "pkg.failures.Flaky"]', '"x', ''];
const BREAKING_YAML_VALUES = ['*defaults', '&v 2', '{max_retries: 1', 'x: y', '- a', '@', '`x`', '%', '"unclosed'];

const COMMENT: Record<Kind, string> = { yaml: '# ', env: '# ', python: '# ', toml: '# ', typescript: '// ', json: '// ' };

/** A line start to paste a block at: mostly where a sibling of the block starts (or the end of the text), else any line. */
function destination(r: Random, text: string, lines: Lines, indent: number, gentle: boolean): number {
  if (!gentle && r.chance(0.3)) return lines.starts[randomLine(r, lines)];
  const siblings = lines.starts.filter((_, l) => !isBlank(text, lines, l) && indentOf(text, lines, l) === indent);
  return r.chance(0.15) || siblings.length === 0 ? text.length : r.pick(siblings);
}

/** A pasted copy of a block whose first key is renamed, as one does after duplicating a section. */
function renamedCopy(r: Random, body: string): string {
  return body.replace(/^( *)(["']?)([^\s"':#][^"':\r\n]*)\2:/, (_, spaces: string, quote: string, key: string) => `${spaces}${quote}${key}${r.pick(['_copy', '2', 'X', 'é'])}${quote}:`);
}

/** Delete, duplicate or move the block around a line. */
function blockEdit(r: Random, text: string, gentle: boolean): Notifications {
  const lines = linesOf(text);
  const { first, end } = blockAt(r, text, lines, randomLine(r, lines));
  const start = lines.starts[first];
  const stop = end < lines.starts.length ? lines.starts[end] : text.length;
  const eol = eolOf(text);
  // The block as pasted: ending in a line break.
  const body = text.slice(start, stop) + (stop === text.length && !/[\r\n]$/.test(text) ? eol : '');
  const op = r.weighted<string>([[3, 'delete'], [3, 'duplicate'], [3, 'move'], [2, 'moveTwice'], [gentle ? 0 : 1, 'reindentCopy']]);
  if (op === 'delete') return [[{ start, end: stop, text: '' }]];
  const indent = indentOf(text, lines, first);
  const to = destination(r, text, lines, indent, gentle);
  // At the end of a text without a last line break, a paste starts on a line of its own.
  const at = (where: number, pasted: string) => (where === text.length && !/(^|[\r\n])$/.test(text) ? eol + pasted : pasted);
  if (op === 'duplicate') return [[{ start: to, end: to, text: at(to, gentle || r.chance(0.7) ? renamedCopy(r, body) : body) }]];
  if (op === 'reindentCopy') {
    // Pasted at another line, at that line's indentation (as an editor's paste does).
    let toLine = 0;
    while (toLine + 1 < lines.starts.length && lines.starts[toLine + 1] <= to) toLine++;
    return [[{ start: to, end: to, text: at(to, reindented(renamedCopy(r, body), indentOf(text, lines, toLine) - indent)) }]];
  }
  if (to >= start && to <= stop) return [[{ start, end: stop, text: body }]];
  if (op === 'moveTwice') {
    // A cut, then a paste: two notifications, with the text in between.
    const cut = text.slice(0, start) + text.slice(stop);
    const pasteAt = to < start ? to : to - (stop - start);
    return [[{ start, end: stop, text: '' }], [{ start: pasteAt, end: pasteAt, text: pasteAt === cut.length && !/(^|[\r\n])$/.test(cut) ? eol + body : body }]];
  }
  // A cut and a paste in one notification: the later place first, so the earlier offsets still hold.
  if (to < start) return [[{ start, end: stop, text: '' }, { start: to, end: to, text: body }]];
  return [[{ start: to, end: to, text: at(to, body) }, { start, end: stop, text: '' }]];
}

/** `body` with every non-blank line shifted by `shift` spaces (removing no more than a line has). */
function reindented(body: string, shift: number): string {
  return body.replace(/^( *)(?=\S)/gm, (spaces: string) => ' '.repeat(Math.max(0, spaces.length + shift)));
}

/** A block's indentation changed: by spaces, or its leading spaces turned into a tab. */
function reindentEdit(r: Random, text: string): Notifications {
  const lines = linesOf(text);
  const { first, end } = blockAt(r, text, lines, randomLine(r, lines));
  const changes: OffsetChange[] = [];
  const shift = r.pick([1, 2, 4, -1, -2, -4]);
  const tab = r.chance(0.1);
  // Bottom-up, as an editor sends one edit per line: each range still holds after the ones before it.
  for (let l = end - 1; l >= first; l--) {
    if (isBlank(text, lines, l)) continue;
    const indent = indentOf(text, lines, l);
    const at = lines.starts[l];
    if (tab) changes.push({ start: at, end: at + Math.min(indent, 2), text: '\t' });
    else if (shift > 0) changes.push({ start: at, end: at, text: ' '.repeat(shift) });
    else changes.push({ start: at, end: at + Math.min(indent, -shift), text: '' });
  }
  if (changes.length === 0) return [];
  // One notification, or the whole block replaced at once.
  if (r.chance(0.5)) return [changes];
  const start = lines.starts[first];
  const stop = lines.ends[end - 1];
  return [[{ start, end: stop, text: reindented(text.slice(start, stop), tab ? 0 : shift).replace(tab ? /^ {1,2}(?=\S)/gm : /$^/, '\t') }]];
}

/** A line joined with the next one, split in two, moved up or down, or its line end switched. */
function lineEdit(r: Random, text: string): Notifications {
  const lines = linesOf(text);
  const line = randomLine(r, lines);
  const op = r.pick(['join', 'split', 'splitIndented', 'up', 'down', 'eol', 'deleteLine', 'duplicateLine']);
  const eol = eolOf(text);
  const start = lines.starts[line];
  const end = lines.ends[line];
  const next = nextStart(text, lines, line);
  switch (op) {
    case 'join': {
      if (next >= text.length && end === text.length) return [];
      // The line break and, like an editor's "join lines", the next line's indentation, replaced by one space.
      const following = line + 1 < lines.starts.length ? indentOf(text, lines, line + 1) : 0;
      return [[{ start: end, end: Math.min(text.length, next + following), text: r.chance(0.5) ? ' ' : '' }]];
    }
    case 'split':
    case 'splitIndented': {
      const at = cursorOffset(text, r.between(start, end));
      const indent = ' '.repeat(indentOf(text, lines, line) + (op === 'splitIndented' ? 2 : 0));
      return [[{ start: at, end: at, text: eol + indent }]];
    }
    case 'up':
    case 'down': {
      const other = op === 'up' ? line - 1 : line + 1;
      if (other < 0 || other >= lines.starts.length) return [];
      const a = Math.min(line, other);
      const aText = text.slice(lines.starts[a], lines.ends[a]);
      const bText = text.slice(lines.starts[a + 1], lines.ends[a + 1]);
      return [[{ start: lines.starts[a], end: lines.ends[a + 1], text: bText + text.slice(lines.ends[a], lines.starts[a + 1]) + aText }]];
    }
    case 'eol': {
      const brk = text.slice(end, next);
      if (brk === '') return [[{ start: end, end: end, text: '\r' }]];
      return [[{ start: end, end: next, text: brk === '\r\n' ? r.pick(['\n', '\r']) : '\r\n' }]];
    }
    case 'deleteLine':
      return [[{ start, end: next, text: '' }]];
    default:
      return [[{ start, end: start, text: text.slice(start, next) + (next === text.length && next === end ? eol : '') }]];
  }
}

/** A block commented out line by line, or commented lines brought back. */
function commentEdit(r: Random, text: string, kind: Kind): Notifications {
  const lines = linesOf(text);
  const { first, end } = blockAt(r, text, lines, randomLine(r, lines));
  const mark = COMMENT[kind];
  const changes: OffsetChange[] = [];
  const commented = (l: number) => text.slice(lines.starts[l] + indentOf(text, lines, l)).startsWith(mark.trim());
  const uncomment = commented(first);
  const column = Math.min(...Array.from({ length: end - first }, (_, i) => (isBlank(text, lines, first + i) ? Infinity : indentOf(text, lines, first + i))));
  for (let l = end - 1; l >= first; l--) {
    if (isBlank(text, lines, l)) continue;
    const at = lines.starts[l] + (uncomment ? indentOf(text, lines, l) : Number.isFinite(column) ? column : 0);
    if (uncomment) {
      if (!commented(l)) continue;
      changes.push({ start: at, end: at + (text.slice(at).startsWith(mark) ? mark.length : mark.trim().length), text: '' });
    } else changes.push({ start: at, end: at, text: mark });
  }
  return changes.length > 0 ? [changes] : [];
}

/** The same text typed at the start or the end of a few lines at once, sent bottom-up in one notification. */
function multiCursorEdit(r: Random, text: string, kind: Kind): Notifications {
  const lines = linesOf(text);
  const first = randomLine(r, lines);
  const count = Math.min(lines.starts.length - first, r.between(2, 4));
  const typed = r.pick(kind === 'yaml' ? [' ', '  ', '- ', 'x', ' # c', ':', '\t'] : [' ', 'x', '# ', ',', '=']);
  const atEnd = r.chance(0.4);
  const changes: OffsetChange[] = [];
  for (let l = first + count - 1; l >= first; l--) {
    const at = atEnd ? lines.ends[l] : lines.starts[l] + indentOf(text, lines, l);
    changes.push({ start: at, end: at, text: typed });
  }
  return [changes];
}

/** A whole text typed or pasted: as one change over the whole text, or without a range at all. */
function wholeEdit(r: Random, text: string, kind: Kind, workspace: ShapedWorkspace, file: string): { whole: string; range: boolean } {
  const lines = linesOf(text);
  const whole = r.weighted<string>([
    [1, text],
    [2, text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text.replace(/\n/g, '\r\n')],
    [2, kind === 'yaml' ? shapedConfigYaml(new Random(r.below(2 ** 31)), workspace.tasks, r.between(0, 12)) : workspace.files.get(file) ?? text],
    [1, text.slice(nextStart(text, lines, 0))],
    [1, text.slice(0, lines.starts[lines.starts.length - 1])],
    [0.5, ''],
  ]);
  return { whole, range: r.chance(0.6) };
}

/** An edit at the very start or end of the file. */
function edgeEdit(r: Random, text: string, kind: Kind): Notifications {
  const eol = eolOf(text);
  const atStart = r.chance(0.5);
  const snippet = r.pick(kind === 'yaml' ? ['# c' + eol, eol, 'task:' + eol, '---' + eol, ' ', '\ufeff', 'max_retries: 1' + eol, '  '] : ['# c' + eol, eol, ' ', 'x']);
  if (atStart) {
    if (r.chance(0.3) && text.length > 0) return [[{ start: 0, end: safeOffset(text, Math.min(text.length, r.between(1, 3))), text: '' }]];
    return [[{ start: 0, end: 0, text: snippet }]];
  }
  const end = text.length;
  if (r.chance(0.3) && end > 0) return [[{ start: cursorOffset(text, end - r.between(1, 3)), end, text: '' }]];
  return [[{ start: end, end, text: r.pick([eol, snippet, '  src.jobs.gone.f: {max_retries: 1}', 'retry_for: []', eol + eol]) }]];
}

/** An edit across the `task:` header: from the section above it into its first child, or the header line itself. */
function headerEdit(r: Random, text: string): Notifications {
  const lines = linesOf(text);
  let header = -1;
  for (let l = 0; l < lines.starts.length; l++) if (/^["']?task["']?\s*:/.test(text.slice(lines.starts[l], lines.ends[l]))) header = l;
  if (header < 0) return [[{ start: 0, end: 0, text: r.pick(['task:\n', 'task:\n  max_retries: 1\n']) }]];
  const hStart = lines.starts[header];
  const hEnd = lines.ends[header];
  const eol = eolOf(text);
  switch (r.below(6)) {
    case 0: {
      // From somewhere above the header to somewhere in the line below it.
      const from = header > 0 ? cursorOffset(text, r.between(lines.starts[header - 1], hEnd)) : hStart;
      const below = header + 1 < lines.starts.length ? header + 1 : header;
      const to = cursorOffset(text, r.between(hEnd, lines.ends[below]));
      return [[{ start: from, end: to, text: r.pick(['', `task:${eol}  `, eol, `x: 1${eol}task:${eol}`, text.slice(from, to).toUpperCase()]) }]];
    }
    case 1:
      return [[{ start: hStart, end: hEnd, text: r.pick(['tasks:', 'Task:', 'task: # c', 'task: {}', '  task:', 'task:  ', 'task', 'task: &t', 'task: !!map']) }]];
    case 2:
      // A top-level line right under the header: `task:` becomes empty.
      return [[{ start: nextStart(text, lines, header), end: nextStart(text, lines, header), text: r.pick(['max_retries: 1', '# column 0', '', 'x:']) + eol }]];
    case 3:
      return [[{ start: hStart, end: nextStart(text, lines, header), text: '' }]];
    case 4: {
      // The header moved: cut, then pasted at another line.
      const line = text.slice(hStart, nextStart(text, lines, header));
      const to = lines.starts[randomLine(r, lines)];
      const pasteAt = to <= hStart ? to : to - line.length;
      return [[{ start: hStart, end: hStart + line.length, text: '' }], [{ start: pasteAt, end: pasteAt, text: /\n$/.test(line) ? line : line + eol }]];
    }
    default:
      // An edit that ends exactly at the header, and one that starts exactly after it.
      return [[{ start: Math.max(0, hStart - r.between(0, 3)), end: hStart, text: r.pick(['', eol, `# c${eol}`]) }], [{ start: hEnd, end: hEnd, text: r.pick([' ', ' # c', '', eol]) }]];
  }
}

/** A value replaced by another form of value, or a key by another key. */
function valueEdit(r: Random, text: string, kind: Kind, workspace: ShapedWorkspace, gentle: boolean): Notifications {
  const pattern = kind === 'yaml' ? /^( *-? *)([^\s#:][^:\r\n]*?):(?: +([^\r\n#]*?))?(?= #|\r|$)/gm : kind === 'toml' ? /^()([\w"'.-]+) *= *([^\r\n]*)$/gm : kind === 'env' ? /^()([^=\r\n]+)=([^\r\n]*)$/gm : kind === 'json' ? /()("[^"\r\n]*") *: *(\[[^\]\r\n]*\]|[^,{}[\]\r\n]*)/g : /()([a-z_]+)[:=] ?([^,)}\r\n]*)/g;
  const matches: RegExpExecArray[] = [];
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    // A gentle edit leaves block scalars and keys whose value is on the lines below alone.
    if (gentle && kind === 'yaml' && (m[3] === undefined || m[3] === '' || /^[|>]/.test(m[3]))) continue;
    matches.push(m);
  }
  if (matches.length === 0) return [];
  const m = r.pick(matches);
  const keyStart = m.index + m[1].length;
  if (r.chance(gentle ? 0.15 : 0.35)) {
    const ids = workspace.tasks.map((t) => t.id);
    const key = r.pick(kind === 'env' ? ['PYNENC__MAX_RETRIES', 'PYNENC__CONFIGTASK__RETRY_FOR', 'PYNENC__FILEPATH', 'pynenc__x'] : [...ids.slice(0, 3), `"${r.pick(ids.length > 0 ? ids : ['a.b'])}"`, 'max_retries', 'key_arguments', 'retry_for', 'max_retries ', 'task', '<<', '𝒳', 'clé']);
    return [[{ start: keyStart, end: keyStart + m[2].length, text: key }]];
  }
  // Inside a flow collection over several lines the comma after the value stays.
  const written = m[3] ?? '';
  const valueText = written.replace(/,$/, '');
  const valueStart = m.index + m[0].length - written.length;
  let value = kind === 'yaml' ? r.pick(gentle || r.chance(0.6) ? YAML_VALUES : BREAKING_YAML_VALUES)
    : kind === 'json' ? r.pick(JSON_VALUES.slice(0, gentle ? -2 : undefined))
    : r.pick(['3', '"keys"', "'x'", '[]', '', 'true', '["builtins.Error"]', '{ to = 1 }', 'a # b', '(Flaky,)']);
  if (gentle && valueText !== written && value.includes('\n')) value = '3';
  const sep = kind === 'yaml' && m[3] === undefined ? ' ' : '';
  return [[{ start: valueStart, end: valueStart + valueText.length, text: sep + value.replace(/\n/g, eolOf(text) + ' '.repeat(m[1].length + 2)) }]];
}

/** A snippet typed character by character (an editor's Enter keeps the line's indentation), with requests now and then. */
function typeText(r: Random, record: StepRecorder, kind: Kind): void {
  const text = record.text;
  let at = randomCursor(r, text);
  const lines = linesOf(text);
  let line = 0;
  while (line + 1 < lines.starts.length && lines.starts[line + 1] <= at) line++;
  const indent = ' '.repeat(indentOf(text, lines, line));
  const eol = eolOf(text);
  for (const ch of r.pick(TYPED[kind])) {
    const typed = ch === '\n' ? eol + indent : ch;
    record.send([{ start: at, end: at, text: typed }]);
    at += typed.length;
    if (r.chance(0.15)) record.ask(r.chance(0.6) ? 'completion' : 'hover', at);
  }
}

/** Words typed over a value a character at a time: what a gentle sequence types, which keeps a loading file loading. */
const VALUE_WORDS = ['3', '12', 'keys', 'task', 'true', 'false', 'to', 'builtins.ValueError', 'arguments', 'disabled'];

/**
 * A value retyped in place: backspaced a few characters, then a word typed one
 * character at a time, with requests now and then, so every step re-reads the
 * one section and the results kept for the others are what answer.
 */
function retypeValue(r: Random, record: StepRecorder, kind: Kind): void {
  const pattern = kind === 'yaml' ? /: ([A-Za-z0-9_.]+)(?=,|\]|\}| #|\r|$)/gm : kind === 'env' ? /=([^\r\n#]*)$/gm : kind === 'toml' ? / = ("?[A-Za-z0-9_.]+"?)$/gm : /: ([A-Za-z0-9_.'"]+)(?=,| \}|\r|$)/gm;
  const matches: RegExpExecArray[] = [];
  for (let m = pattern.exec(record.text); m; m = pattern.exec(record.text)) matches.push(m);
  if (matches.length === 0) return;
  const m = r.pick(matches);
  let at = m.index + m[0].length;
  // Quotes stay: the word goes inside them.
  if (/["']$/.test(m[1])) at--;
  for (let n = Math.min(r.between(1, 4), m[1].replace(/["']/g, '').length); n > 0; n--) {
    record.send([{ start: at - 1, end: at, text: '' }]);
    at--;
  }
  for (const ch of r.pick(VALUE_WORDS)) {
    record.send([{ start: at, end: at, text: ch }]);
    at++;
    if (r.chance(0.2)) record.ask(r.chance(0.5) ? 'completion' : 'hover', at);
  }
}

/** Backspace held down: one character at a time, from a place towards the start. */
function backspaces(r: Random, record: StepRecorder): void {
  let at = randomCursor(r, record.text);
  for (let n = r.between(1, 10); n > 0 && at > 0; n--) {
    const text = record.text;
    const from = cursorOffset(text, at - 1);
    const start = from === at ? cursorOffset(text, at - 2) : from;
    if (start >= at) break;
    record.send([{ start, end: at, text: '' }]);
    at = start;
    if (r.chance(0.1)) record.ask('completion', at);
  }
}

/**
 * Any one action's notifications on `text`. A gentle action mostly leaves a
 * loading file loading (whole sections deleted, duplicated and renamed, moved
 * among their siblings; values changed; blocks commented), so the per-section
 * reading and the kept results are what answer.
 */
function someAction(r: Random, text: string, kind: Kind, workspace: ShapedWorkspace, gentle: boolean): Notifications {
  const op = r.weighted<string>(gentle
    ? [[5, 'block'], [3, 'comment'], [6, 'value'], [1, 'noop']]
    : [[4, 'block'], [2, 'reindent'], [4, 'line'], [2, 'comment'], [1, 'multi'], [2, 'edge'], [kind === 'yaml' ? 3 : 0, 'header'], [4, 'value'], [1, 'noop'], [0.3, 'reversed']]);
  switch (op) {
    case 'block':
      return blockEdit(r, text, gentle);
    case 'reindent':
      return reindentEdit(r, text);
    case 'line':
      return lineEdit(r, text);
    case 'comment':
      return commentEdit(r, text, kind);
    case 'multi':
      return multiCursorEdit(r, text, kind);
    case 'edge':
      return edgeEdit(r, text, kind);
    case 'header':
      return headerEdit(r, text);
    case 'value':
      return valueEdit(r, text, kind, workspace, gentle);
    case 'noop': {
      const at = randomCursor(r, text);
      const end = cursorOffset(text, at + r.between(0, 5));
      return [[{ start: at, end, text: text.slice(at, end) }]];
    }
    default:
      return [[{ start: randomCursor(r, text), end: randomCursor(r, text), text: r.pick(['', 'x', '\n']) }]];
  }
}

/** A random sequence of steps from `initial`, in this mix's edits. */
function shapedSequence(r: Random, file: string, initial: string, workspace: ShapedWorkspace): Step[] {
  const kind = kindOf(file);
  const record = new StepRecorder(initial);
  const n = r.between(1, FULL ? 10 : 7);
  const gentle = r.chance(0.5);
  const sendAll = (notifications: Notifications) => {
    for (const changes of notifications) {
      // A reversed range (end before start) goes as it is: LSP orders its ends; an editor never sends one, but a client may.
      record.send(changes);
      if (r.chance(0.2)) record.ask(r.chance(0.5) ? 'completion' : 'hover', randomCursor(r, record.text));
    }
  };
  // At least one change: the questions after the sequence wait for the pass that checked it.
  for (let i = 0; i < n || !record.changed; i++) {
    const text = record.text;
    const op = r.weighted<string>([[10, 'action'], [2, 'undo'], [gentle ? 0.5 : 1.5, 'type'], [gentle ? 3 : 1, 'retype'], [gentle ? 0 : 1, 'backspace'], [1, 'whole'], [0.4, 'reopen']]);
    if (op === 'type') typeText(r, record, kind);
    else if (op === 'retype') retypeValue(r, record, kind);
    // Closed (the disk's text counts meanwhile) and opened again: with the text it had, or as it is on disk.
    else if (op === 'reopen') record.reopen(r.chance(0.7) ? text : workspace.files.get(file));
    else if (op === 'backspace') backspaces(r, record);
    else if (op === 'whole') {
      const { whole, range } = wholeEdit(r, text, kind, workspace, file);
      if (range) record.send([{ start: 0, end: text.length, text: whole }]);
      else record.sendWhole(whole);
    } else if (op === 'undo') {
      // A few actions, each its own notifications, then every change undone in reverse order, one notification each.
      const done: { before: string; change: OffsetChange }[] = [];
      for (let k = r.between(1, 3); k > 0; k--) {
        for (const changes of someAction(r, record.text, kind, workspace, gentle)) {
          let shadow = record.text;
          for (const [i, change] of changes.entries()) {
            if (change.end < change.start) changes[i] = { start: change.end, end: change.start, text: change.text };
          }
          for (const change of changes) {
            done.push({ before: shadow, change });
            shadow = applied(shadow, change);
          }
          record.send(changes);
        }
        if (r.chance(0.3)) record.diagnostics();
      }
      for (let k = done.length - 1; k >= 0; k--) {
        record.send([inverse(done[k].before, done[k].change)]);
        if (r.chance(0.15)) record.ask('hover', randomCursor(r, record.text));
      }
    } else sendAll(someAction(r, text, kind, workspace, gentle));
    if (r.chance(0.15)) record.diagnostics();
  }
  return record.steps;
}

// Every answer of the list compared (`moreQuestions`): definitions, references, quick fixes, inlay hints, the Tasks view.
describeDifferential({
  name: 'differential2',
  moreQuestions: true,
  sequences: FULL ? 2_000 : 36,
  perWorkspace: FULL ? 20 : 6,
  seed: 20_261_117,
  envPrefix: 'TASKLENS_DIFF2',
  // Now and then (in the full run) more sections than one step of the diagnostics pass checks.
  workspace: (r) => generateShapedWorkspace(r, r.weighted([[4, r.between(0, 6)], [3, r.between(7, 20)], [FULL ? 1 : 0, r.between(21, 60)], [FULL ? 0.2 : 0, r.between(250, 700)]])),
  target: (r, workspace) => {
    const { opened, configs } = workspace as ShapedWorkspace;
    const weight = (file: string): number => {
      if (file === configs[0]) return 40;
      if (configs.includes(file)) return 8;
      if (file === '.env') return 12;
      if (file.startsWith('.env')) return 4;
      if (file === 'pyproject.toml') return 10;
      if (file.startsWith('src/jobs/')) return 7;
      if (file.endsWith('.py')) return 3;
      return 3;
    };
    return r.weighted(opened.map((f) => [weight(f), f] as const));
  },
  sequence: (r, file, text, workspace) => shapedSequence(r, file, text, workspace as ShapedWorkspace),
});
