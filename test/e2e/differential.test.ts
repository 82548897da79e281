// A differential test of the server (issue 9): random edit sequences are sent
// through `textDocument/didChange` (incremental changes: characters, lines,
// whole sections, tabs, CRLF, lone `\r`, astral characters, edits spanning
// sections, several changes in one notification), with hovers, completions and
// diagnostics requested in between as an editor would. Then a FRESH server that
// only opened the final texts must answer exactly the same: the published
// diagnostics of every open file, hover and completion at sampled positions,
// and the document symbols. Config YAML, `.env`, TypeScript and Python
// documents are edited, in generated workspaces (a config.yaml of a few to ~50
// per-task sections in varied styles, a `.env`, TypeScript `task()` files,
// Python `@app.task` files).
//
// The servers run in this process (`startServer` over in-memory streams), so
// every message still goes through the LSP connection. `npm test` runs a sample
// of 40 sequences; `npm run test:fuzz` (TASKLENS_FUZZ_FULL=1) runs 2,000.
// Seeded: a failure prints the seed, the workspace, and a shortened repro (the
// text before the sequence and the edits), replayed on a new server. The engine
// is `differentialRunner.ts`; `differential2.test.ts` is a second mix.
import { FIELDS, generateWorkspace, PARAMS, Random, yamlValue } from './generatedWorkspace';
import { describeDifferential, eolOf, FULL, Kind, kindOf, lineStarts, OffsetChange, randomOffset, safeOffset, Step, StepRecorder } from './differentialRunner';

// ------------------------------------------------------------------ edits

/** The kinds of document this mix edits. */
type EditedKind = Exclude<Kind, 'toml' | 'json'>;

const SNIPPETS: Record<EditedKind, readonly string[]> = {
  yaml: [
    'a', 'x', ' ', '  ', ':', ': ', '\n', '\n  ', '\n    ', '\t', '#', ' # c', '-', '- ', '[', ']', '{', '}', ',', ', ', '"', "'", '? ', '\r\n', '\r',
    '💥', 'é', '𝒳', 'max_re', 'max_retries: ', 'max_retries: 3', 'running_concurrency: ', 'keys', 'KEYS', 'key_arguments: [', 'key_arguments: {}',
    'retry_for: [builtins.', 'task:\n', '  src.tasks.', '  src.tasks.jobs0.send:\n    max_retries: 1\n', 'null', '~', 'true', '"false"', '1.5: x\n', '&a ', '*a',
    '---\n', '<<: ', '{max_retries: 2, registration_concurrency: }', '{running_concurrency}', 'customerId: 1', '"src.tasks.jobs0.x": {}',
  ],
  env: [
    'PYNENC__', 'PYNENC__CONFIGTASK__', 'MAX_RETRIES', '=', '#', ' #', '"', "'", '\n', '\r\n', '\r', 'export ', 'SRC.TASKS.JOBS0#', '__', 'RETRY_FOR=x', 'false', '\\n',
    '💥', ' ', '\t', 'SHOP.ORDERS0#PLACE_ORDER_0__KEY_ARGUMENTS=to',
  ],
  typescript: [
    'task(', 'task({', '})', '(', ')', '{', '}', '[', ']', ',', ', ', ': ', 'max_retries: ', 'maxRetries: 1, ', '...base, ', "'KEYS'", 'ConcurrencyControlType.KEYS',
    'retry_for: [', 'NetworkError', "key_arguments: ['", "'", '"', '`', '=>', 'async ', 'export const x = ', 'null', 'undefined', '\n', '\r\n', '//', '/*', 'app.task(',
    ';', '💥', '\t', 'class E extends Error {}\n',
  ],
  python: [
    '@app.task', '@app.task(', '(', ')', ',', ', ', '=', 'max_retries=', 'max_retries=3', 'retry_for=(', 'PaymentError', 'ValueError,', 'running_concurrency=',
    'ConcurrencyControlType.', 'CCT.KEYS', 'key_arguments=("', '"', "'", '\n', '\r\n', '    ', '\t', 'def ', 'def f(a):\n    pass\n', 'class E(Exception):\n    pass\n',
    '#', '**opts', 'None', 'True', '💥', ':', '\\',
  ],
};

const LINES: Record<EditedKind, readonly string[]> = {
  yaml: ['', '# note', '    # indented note', '\t', '    ', 'max_retries: 3', '  call_result_cache: true', '    force_new_workflow: false', '  src.tasks.new.f:', '    key_arguments: [a, b]', '  - stray', '- x', '  ]', '  }', 'task:', '  key_arguments: {}', '  key_arguments: {customerId: 1}', '  running_concurrency: keys', '? max_retries', ': 3'],
  env: ['', '# note', 'PYNENC__MAX_RETRIES=2', 'PYNENC__CONFIGTASK__RUNNING_CONCURRENCY=keys', 'export PYNENC__FORCE_NEW_WORKFLOW=false', 'PYNENC__CONFIGTASK__RETRY_FOR=', 'BROKEN', '=x'],
  typescript: ['', '// note', 'export const late = task(async (a: string) => a, { max_retries: 2 });', 'export class Late extends NetworkError {}', '}', 'task(', "import { task } from '../../lib/tasks';"],
  python: ['', '# note', '@app.task(max_retries=2)', 'def late(a):', '    return a', 'class Late(PaymentError): pass', 'from shop.errors import Timeout as T', '    @app.task', 'if True:'],
};

/** Lines any file takes: blank, comments (in every language here but TypeScript, where a `#` line is a syntax error, and that is fine too). */
const GENTLE_LINES: readonly string[] = ['', '    ', '# note', '  # indented note'];

/** The line range [start, end) of a section around `offset`: a line at the section's indentation and what is indented below it. */
function sectionAround(text: string, offset: number): { start: number; end: number } {
  const starts = lineStarts(text);
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1] <= offset) line++;
  const indentOf = (l: number) => /^[ ]*/.exec(text.slice(starts[l]))![0].length;
  const indent = indentOf(line);
  let end = line + 1;
  while (end < starts.length && (indentOf(end) > indent || /^[ \t]*(\r?\n|$)/.test(text.slice(starts[end], starts[end] + 200)))) end++;
  return { start: starts[line], end: end < starts.length ? starts[end] : text.length };
}

/**
 * The edits of a rough sequence: anything, most of which leaves YAML that fails
 * to load. A gentle sequence changes values and keys and moves whole lines and
 * sections, so the file keeps loading for a while and the per-section reading
 * and caches are what answer.
 */
const ROUGH: readonly (readonly [number, string])[] = [
  [4, 'changeValue'], [2, 'changeKey'], [5, 'insert'], [3, 'delete'], [1, 'deleteSpan'], [2, 'insertLine'], [1, 'deleteLine'], [1, 'replace'],
  [1, 'moveSection'], [1, 'deleteSection'], [1, 'duplicateSection'], [1, 'randomChars'],
];
const GENTLE: readonly (readonly [number, string])[] = [
  [8, 'changeValue'], [3, 'changeKey'], [2, 'insertLine'], [1, 'deleteLine'], [1, 'moveSection'], [1, 'deleteSection'], [1, 'insert'],
];

function randomChange(r: Random, kind: EditedKind, text: string, rough = true): OffsetChange {
  const at = randomOffset(r, text);
  const eol = eolOf(text);
  const op = r.weighted<string>(rough ? ROUGH : GENTLE);
  switch (op) {
    case 'changeValue':
    case 'changeKey': {
      const found = op === 'changeValue' ? valueAt(r, kind, text) : keyAt(r, kind, text);
      if (found) return found;
      return { start: at, end: at, text: r.pick(SNIPPETS[kind]) };
    }
    case 'insert':
      return { start: at, end: at, text: r.pick(SNIPPETS[kind]) };
    case 'delete':
      return { start: at, end: safeOffset(text, Math.min(text.length, at + r.between(1, 12))), text: '' };
    case 'deleteSpan':
      return { start: at, end: safeOffset(text, Math.min(text.length, at + r.between(10, 160))), text: '' };
    case 'insertLine': {
      const starts = lineStarts(text);
      const lineStart = r.pick(starts);
      return { start: lineStart, end: lineStart, text: r.pick(rough ? LINES[kind] : GENTLE_LINES) + eol };
    }
    case 'deleteLine': {
      const starts = lineStarts(text);
      const i = r.below(starts.length);
      return { start: starts[i], end: i + 1 < starts.length ? starts[i + 1] : text.length, text: '' };
    }
    case 'replace':
      return { start: at, end: safeOffset(text, Math.min(text.length, at + r.between(1, 20))), text: r.pick(SNIPPETS[kind]) };
    case 'randomChars': {
      const alphabet = ' \t\n:-#{}[],"\'ax1🎉\u00e9\r';
      let s = '';
      for (let i = r.between(1, 4); i > 0; i--) s += [...alphabet][r.below([...alphabet].length)];
      return { start: at, end: at, text: s };
    }
    default: {
      const section = sectionAround(text, at);
      const body = text.slice(section.start, section.end);
      if (op === 'deleteSection') return { start: section.start, end: section.end, text: '' };
      const to = r.pick(lineStarts(text));
      const withEol = body.endsWith('\n') || body === '' ? body : body + eol;
      if (op === 'duplicateSection') return { start: to, end: to, text: withEol };
      // A move is a delete and an insert: sent as one replacing change over both places.
      if (to >= section.start && to <= section.end) return { start: section.start, end: section.end, text: body };
      if (to < section.start) return { start: to, end: section.end, text: withEol + text.slice(to, section.start) };
      return { start: section.start, end: to, text: text.slice(section.end, to) + withEol };
    }
  }
}

/** Every match of `pattern` in `text` (global). */
function matchesOf(pattern: RegExp, text: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) out.push(m);
  return out;
}

const VALUE_PATTERN: Record<EditedKind, RegExp> = {
  // Block lines only: a value inside a flow mapping would take the rest of the line.
  yaml: /^ *([a-z_]+): ([^\r\n#{}]*?)(?= #|\r|$)/gm,
  env: /__([A-Z_]+)=([^\r\n]*)/g,
  typescript: /([a-z_]+): ([^,}\r\n]+)/g,
  python: /([a-z_]+)=([^,)\r\n]+)/g,
};

/** The value of a `field: value` (`KEY=value`, `field=value`) somewhere in the text, replaced by another value for that field. */
function valueAt(r: Random, kind: EditedKind, text: string): OffsetChange | undefined {
  const all = matchesOf(VALUE_PATTERN[kind], text);
  if (all.length === 0) return undefined;
  const m = r.pick(all);
  const field = m[1].toLowerCase();
  const start = m.index + m[0].length - m[2].length;
  let value = yamlValue(r, FIELDS.includes(field) ? field : r.pick(FIELDS), { id: '', params: PARAMS }, ['builtins.Error', 'src.errors.NetworkError', 'shop.errors.PaymentError', 'shop.errors.Missing']);
  if (kind === 'typescript') value = value.replace(/^\[(.*)\]$/, (_, items: string) => `[${items.split(', ').filter((i) => i !== '').map((i) => (/^["']/.test(i) ? i : `'${i}'`)).join(', ')}]`).replace(/^\{\}$/, '{}');
  if (kind === 'python') value = value.replace(/^\[(.*)\]$/, (_, items: string) => `(${items.split(', ').filter((i) => i !== '').map((i) => (/^["']/.test(i) ? i : `"${i}"`)).join(', ')},)`).replace(/^true$/, 'True').replace(/^false$/, 'False');
  if (kind === 'env') value = value.replace(/^\[(.*)\]$/, '$1');
  return { start, end: start + m[2].length, text: value };
}

/** A key somewhere in the text (a field or a task id), replaced by another one. */
function keyAt(r: Random, kind: EditedKind, text: string): OffsetChange | undefined {
  const pattern = kind === 'env' ? /__([A-Z_]+)=/g : kind === 'python' ? /([a-z_]+)=/g : /([A-Za-z_][\w.]*):/g;
  const all = matchesOf(pattern, text);
  if (all.length === 0) return undefined;
  const m = r.pick(all);
  const field = r.pick(FIELDS);
  const replacement = kind === 'env' ? r.pick([field.toUpperCase(), 'MAX_RETRIE', `SRC.TASKS.JOBS0#X__${field.toUpperCase()}`]) : r.pick([field, field.slice(0, -1), 'maxRetries', 'src.tasks.jobs0.sendEmail0', 'shop.orders0.place_order_0', 'task']);
  return { start: m.index + (kind === 'env' ? 2 : 0), end: m.index + (kind === 'env' ? 2 : 0) + m[1].length, text: replacement };
}

/** Typing a word character by character at one place: one change per character. */
function typing(r: Random, kind: EditedKind, text: string): OffsetChange[] {
  const at = randomOffset(r, text);
  const word = r.pick(kind === 'yaml' ? ['max_retries: 3', '  key_arguments: [to]', 'keys', '\n    running_concurrency: k', ' # c'] : kind === 'env' ? ['PYNENC__MAX_RETRIES=1', '__KEY_ARGUMENTS=to'] : kind === 'python' ? ['max_retries=2, ', '@app.task\ndef g(x):\n    pass\n'] : ['max_retries: 2, ', 'retry_for: [NetworkError], ']);
  const out: OffsetChange[] = [];
  let offset = at;
  for (const ch of word) {
    out.push({ start: offset, end: offset, text: ch });
    offset += ch.length;
  }
  return out;
}

/** A random sequence of steps from `initial`. */
function randomSequence(r: Random, kind: EditedKind, initial: string): Step[] {
  const record = new StepRecorder(initial);
  const rough = r.chance(0.5);
  const n = r.between(1, FULL ? 14 : 10);
  for (let i = 0; i < n; i++) {
    const text = record.text;
    if (r.chance(0.12)) {
      for (const change of typing(r, kind, text)) {
        record.send([change]);
        if (r.chance(0.4)) record.ask(r.chance(0.6) ? 'completion' : 'hover', change.start + change.text.length);
      }
    } else if (r.chance(0.12)) {
      // Several changes in one notification, each on the text the one before left.
      const changes: OffsetChange[] = [];
      let shadow = text;
      for (let k = r.between(2, 3); k > 0; k--) {
        const change = randomChange(r, kind, shadow, rough);
        changes.push(change);
        shadow = shadow.slice(0, change.start) + change.text + shadow.slice(change.end);
      }
      record.send(changes);
    } else if (r.chance(0.04)) {
      // Line ends switched for the whole text (a "CRLF" click), as one change over the whole range.
      const switched = text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text.replace(/\n/g, '\r\n');
      record.send([{ start: 0, end: text.length, text: switched }]);
    } else {
      const change = randomChange(r, kind, text, rough);
      record.send([change]);
      if (r.chance(0.35)) record.ask(r.chance(0.5) ? 'completion' : 'hover', change.start + change.text.length);
    }
    if (r.chance(0.12)) record.diagnostics();
  }
  return record.steps;
}

describeDifferential({
  name: 'differential',
  envPrefix: 'TASKLENS_DIFF',
  seed: 20_260_901,
  sequences: FULL ? 2_000 : 40,
  perWorkspace: FULL ? 25 : 8,
  workspace: (r) => {
    // A few to ~50 per-task sections (~25 in the sample, to keep it fast).
    const sections = r.weighted([
      [3, r.between(1, 8)],
      [2, r.between(9, 25)],
      [FULL ? 1 : 0, r.between(26, 50)],
    ]);
    const { files } = generateWorkspace(r, sections);
    // Everything but the helper library is open.
    return { files, opened: [...files.keys()].filter((f) => f !== 'lib/tasks.ts').sort() };
  },
  target: (r, { opened }) => {
    const ts = opened.filter((f) => f.endsWith('.ts'));
    const py = opened.filter((f) => f.endsWith('.py'));
    return r.weighted<string>([
      [5, 'config.yaml'],
      [2, '.env'],
      ...ts.map((f) => [1.5 / Math.max(1, ts.length), f] as const),
      ...py.map((f) => [2 / Math.max(1, py.length), f] as const),
    ]);
  },
  sequence: (r, file, text) => randomSequence(r, kindOf(file) as EditedKind, text),
});
