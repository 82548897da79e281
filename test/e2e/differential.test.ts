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
// text before the sequence and the edits), replayed on a new server.
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Position, Range } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { FIELDS, generateWorkspace, PARAMS, Random, yamlValue } from './generatedWorkspace';
import { InProcessServer, ContentChange } from './inProcessServer';

const FULL = process.env.TASKLENS_FUZZ_FULL === '1';
const SEED = Number(process.env.TASKLENS_DIFF_SEED ?? process.env.TASKLENS_FUZZ_SEED ?? 20_260_901);
const SEQUENCES = Number(process.env.TASKLENS_DIFF_SEQUENCES ?? (FULL ? 2_000 : 40));
/** Sequences per generated workspace (one long-lived server each). */
const PER_WORKSPACE = FULL ? 25 : 8;
/** Workspaces run side by side: the servers' 30 ms diagnostics debounce overlaps. */
const PARALLEL = 6;

// ------------------------------------------------------------------ edits

type Kind = 'yaml' | 'env' | 'typescript' | 'python';

function kindOf(file: string): Kind {
  if (file.endsWith('.yaml')) return 'yaml';
  if (file.endsWith('.env')) return 'env';
  if (file.endsWith('.py')) return 'python';
  return 'typescript';
}

const SNIPPETS: Record<Kind, readonly string[]> = {
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

const LINES: Record<Kind, readonly string[]> = {
  yaml: ['', '# note', '    # indented note', '\t', '    ', 'max_retries: 3', '  call_result_cache: true', '    force_new_workflow: false', '  src.tasks.new.f:', '    key_arguments: [a, b]', '  - stray', '- x', '  ]', '  }', 'task:', '  key_arguments: {}', '  key_arguments: {customerId: 1}', '  running_concurrency: keys', '? max_retries', ': 3'],
  env: ['', '# note', 'PYNENC__MAX_RETRIES=2', 'PYNENC__CONFIGTASK__RUNNING_CONCURRENCY=keys', 'export PYNENC__FORCE_NEW_WORKFLOW=false', 'PYNENC__CONFIGTASK__RETRY_FOR=', 'BROKEN', '=x'],
  typescript: ['', '// note', 'export const late = task(async (a: string) => a, { max_retries: 2 });', 'export class Late extends NetworkError {}', '}', 'task(', "import { task } from '../../lib/tasks';"],
  python: ['', '# note', '@app.task(max_retries=2)', 'def late(a):', '    return a', 'class Late(PaymentError): pass', 'from shop.errors import Timeout as T', '    @app.task', 'if True:'],
};

/** Lines any file takes: blank, comments (in every language here but TypeScript, where a `#` line is a syntax error, and that is fine too). */
const GENTLE_LINES: readonly string[] = ['', '    ', '# note', '  # indented note'];

/** One step of a sequence: a `didChange` notification, or a request in between. */
type Step =
  | { readonly kind: 'change'; readonly changes: readonly ContentChange[] }
  | { readonly kind: 'hover' | 'completion'; readonly position: Position }
  | { readonly kind: 'diagnostics' };

/** An offset not inside a surrogate pair (an editor never splits one). */
function safeOffset(text: string, offset: number): number {
  const code = text.charCodeAt(offset);
  return offset > 0 && code >= 0xdc00 && code <= 0xdfff ? offset - 1 : offset;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 || (ch === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}

/** A random offset: anywhere, or (half the time) at a line start or end, where typing happens most. */
function randomOffset(r: Random, text: string): number {
  if (r.chance(0.5)) {
    const starts = lineStarts(text);
    const line = r.below(starts.length);
    if (r.chance(0.5)) return starts[line];
    const end = line + 1 < starts.length ? starts[line + 1] - 1 : text.length;
    return Math.max(starts[line], text[end - 1] === '\r' ? end - 1 : end);
  }
  return safeOffset(text, r.below(text.length + 1));
}

/** A change as offsets into `text`. */
interface OffsetChange {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

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

function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** One random change of `text`, as offsets. */
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

function randomChange(r: Random, kind: Kind, text: string, rough = true): OffsetChange {
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

const VALUE_PATTERN: Record<Kind, RegExp> = {
  // Block lines only: a value inside a flow mapping would take the rest of the line.
  yaml: /^ *([a-z_]+): ([^\r\n#{}]*?)(?= #|\r|$)/gm,
  env: /__([A-Z_]+)=([^\r\n]*)/g,
  typescript: /([a-z_]+): ([^,}\r\n]+)/g,
  python: /([a-z_]+)=([^,)\r\n]+)/g,
};

/** The value of a `field: value` (`KEY=value`, `field=value`) somewhere in the text, replaced by another value for that field. */
function valueAt(r: Random, kind: Kind, text: string): OffsetChange | undefined {
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
function keyAt(r: Random, kind: Kind, text: string): OffsetChange | undefined {
  const pattern = kind === 'env' ? /__([A-Z_]+)=/g : kind === 'python' ? /([a-z_]+)=/g : /([A-Za-z_][\w.]*):/g;
  const all = matchesOf(pattern, text);
  if (all.length === 0) return undefined;
  const m = r.pick(all);
  const field = r.pick(FIELDS);
  const replacement = kind === 'env' ? r.pick([field.toUpperCase(), 'MAX_RETRIE', `SRC.TASKS.JOBS0#X__${field.toUpperCase()}`]) : r.pick([field, field.slice(0, -1), 'maxRetries', 'src.tasks.jobs0.sendEmail0', 'shop.orders0.place_order_0', 'task']);
  return { start: m.index + (kind === 'env' ? 2 : 0), end: m.index + (kind === 'env' ? 2 : 0) + m[1].length, text: replacement };
}

/** Typing a word character by character at one place: one change per character. */
function typing(r: Random, kind: Kind, text: string): OffsetChange[] {
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

function toRange(doc: TextDocument, change: OffsetChange): Range {
  return { start: doc.positionAt(change.start), end: doc.positionAt(change.end) };
}

/** A random sequence of steps from `initial`, with the text after each change. */
function randomSequence(r: Random, kind: Kind, initial: string): Step[] {
  const steps: Step[] = [];
  const doc = TextDocument.create('file:///x', 'x', 0, initial);
  const send = (changes: OffsetChange[]) => {
    const content: ContentChange[] = [];
    for (const change of changes) {
      content.push({ range: toRange(doc, change), text: change.text });
      TextDocument.update(doc, [{ range: content[content.length - 1].range, text: change.text }], doc.version + 1);
    }
    steps.push({ kind: 'change', changes: content });
  };
  const rough = r.chance(0.5);
  const n = r.between(1, FULL ? 14 : 10);
  for (let i = 0; i < n; i++) {
    const text = doc.getText();
    if (r.chance(0.12)) {
      for (const change of typing(r, kind, text)) {
        send([change]);
        if (r.chance(0.4)) steps.push({ kind: r.chance(0.6) ? 'completion' : 'hover', position: doc.positionAt(change.start + change.text.length) });
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
      send(changes.slice(0, 1));
      // The rest go in the same notification: ranges against the text each one leaves.
      const last = steps.pop() as Extract<Step, { kind: 'change' }>;
      const content = [...last.changes];
      for (const change of changes.slice(1)) {
        content.push({ range: toRange(doc, change), text: change.text });
        TextDocument.update(doc, [{ range: content[content.length - 1].range, text: change.text }], doc.version + 1);
      }
      steps.push({ kind: 'change', changes: content });
    } else if (r.chance(0.04)) {
      // Line ends switched for the whole text (a "CRLF" click), as one change over the whole range.
      const switched = text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text.replace(/\n/g, '\r\n');
      send([{ start: 0, end: text.length, text: switched }]);
    } else {
      const change = randomChange(r, kind, text, rough);
      send([change]);
      if (r.chance(0.35)) steps.push({ kind: r.chance(0.5) ? 'completion' : 'hover', position: doc.positionAt(change.start + change.text.length) });
    }
    if (r.chance(0.12)) steps.push({ kind: 'diagnostics' });
  }
  return steps;
}

/** The text a sequence of steps leaves. */
function finalText(initial: string, steps: readonly Step[]): string {
  const doc = TextDocument.create('file:///x', 'x', 0, initial);
  for (const step of steps) if (step.kind === 'change') TextDocument.update(doc, step.changes.map((c) => ({ range: c.range, text: c.text })), doc.version + 1);
  return doc.getText();
}

// ------------------------------------------------------------- comparing

/** What both servers are asked after the sequence, and what they answer. */
interface Answers {
  readonly diagnostics: Record<string, unknown>;
  readonly requests: { readonly what: string; readonly answer: unknown }[];
}

/** Positions to ask about in a document: near the last edit, line ends, after `: ` / `=`, anywhere. */
function samplePositions(r: Random, text: string, near: number | undefined): number[] {
  const out: number[] = [];
  if (near !== undefined) out.push(Math.min(near, text.length));
  const starts = lineStarts(text);
  const line = r.below(starts.length);
  const lineEnd = line + 1 < starts.length ? starts[line + 1] - 1 : text.length;
  out.push(Math.max(starts[line], text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd));
  const sep = /: |=|\(/g;
  const seps: number[] = [];
  for (let m = sep.exec(text); m; m = sep.exec(text)) seps.push(m.index + m[0].length);
  if (seps.length > 0) out.push(r.pick(seps));
  out.push(safeOffset(text, r.below(text.length + 1)));
  out.push(starts[r.below(starts.length)] + r.between(0, 6));
  return out.map((o) => safeOffset(text, Math.min(o, text.length)));
}

async function askAll(server: InProcessServer, target: string, others: readonly string[], r: Random, near: number | undefined): Promise<Answers> {
  const diagnostics = Object.fromEntries(await server.settledDiagnostics(target));
  const requests: { what: string; answer: unknown }[] = [];
  const ask = async (file: string, offsets: readonly number[]) => {
    const doc = server.document(file);
    for (const offset of offsets) {
      const position = doc.positionAt(offset);
      const where = `${file} ${position.line}:${position.character}`;
      requests.push({ what: `hover ${where}`, answer: await server.hover(file, position) });
      requests.push({ what: `completion ${where}`, answer: await server.completion(file, position) });
    }
  };
  await ask(target, samplePositions(r, server.text(target), near).slice(0, FULL ? 5 : 4));
  const other = r.pick(others);
  await ask(other, samplePositions(r, server.text(other), undefined).slice(1, FULL ? 3 : 2));
  if (kindOf(target) === 'yaml') requests.push({ what: `documentSymbol ${target}`, answer: await server.symbols(target) });
  return { diagnostics, requests };
}

/** Where two JSON values first differ, or undefined. */
function firstDifference(a: unknown, b: unknown, at = '$'): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return `${at}: ${short(a)} (edited) ≠ ${short(b)} (fresh)`;
  if (Array.isArray(a) !== Array.isArray(b)) return `${at}: ${short(a)} (edited) ≠ ${short(b)} (fresh)`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${at}.${key}`);
    if (found) return found;
  }
  return undefined;
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function compare(edited: Answers, fresh: Answers): string | undefined {
  const diagnostics = firstDifference(edited.diagnostics, fresh.diagnostics, 'diagnostics');
  if (diagnostics) return diagnostics;
  for (let i = 0; i < edited.requests.length; i++) {
    const found = firstDifference(edited.requests[i].answer, fresh.requests[i].answer, edited.requests[i].what);
    if (found) return found;
  }
  return undefined;
}

// ------------------------------------------------------------- running

interface Sequence {
  readonly target: string;
  readonly initial: string;
  readonly steps: readonly Step[];
  /** The seed of the positions asked about afterwards. */
  readonly askSeed: number;
}

/** Writes a workspace to a new temporary folder. */
function writeWorkspace(files: ReadonlyMap<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklens-diff-'));
  for (const [file, text] of files) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

/** The files the servers open: everything but the helper library. */
function openedFiles(files: ReadonlyMap<string, string>): string[] {
  return [...files.keys()].filter((f) => f !== 'lib/tasks.ts').sort();
}

async function runSteps(server: InProcessServer, target: string, steps: readonly Step[]): Promise<number | undefined> {
  let near: number | undefined;
  for (const step of steps) {
    if (step.kind === 'change') {
      await server.change(target, step.changes);
      const last = step.changes[step.changes.length - 1];
      near = server.document(target).offsetAt(last.range.start) + last.text.length;
    } else if (step.kind === 'hover') await server.hover(target, step.position);
    else if (step.kind === 'completion') await server.completion(target, step.position);
    else await server.diagnostics(target);
  }
  return near;
}

/** A fresh server that opens the texts of `texts` and nothing else, and its answers. */
async function freshAnswers(root: string, texts: ReadonlyMap<string, string>, target: string, askSeed: number, near: number | undefined): Promise<{ answers: Answers; failures: string[] }> {
  const fresh = await InProcessServer.start(root);
  try {
    // The edited document last: the pass that checks it comes after every open.
    for (const [file, text] of texts) if (file !== target) await fresh.open(file, text);
    await fresh.open(target, texts.get(target)!);
    const answers = await askAll(fresh, target, [...texts.keys()].filter((f) => f !== target), new Random(askSeed), near);
    return { answers, failures: fresh.failures() };
  } finally {
    await fresh.stop();
  }
}

/** The steps with a wait for diagnostics after each change whose version the server checked while they ran. */
function withChecks(steps: readonly Step[], firstVersion: number, checked: ReadonlySet<number>): Step[] {
  const out: Step[] = [];
  let version = firstVersion;
  steps.forEach((step, i) => {
    out.push(step);
    if (step.kind !== 'change') return;
    version++;
    if (checked.has(version) && i + 1 < steps.length && steps[i + 1].kind !== 'diagnostics') out.push({ kind: 'diagnostics' });
  });
  return out;
}

/** Runs a sequence and asks what is asked after it (its answers), then puts the generated text back. */
async function runSequence(server: InProcessServer, files: ReadonlyMap<string, string>, sequence: Sequence): Promise<{ near: number | undefined; answers: Answers }> {
  const near = await runSteps(server, sequence.target, sequence.steps);
  const answers = await askAll(server, sequence.target, openedFiles(files).filter((f) => f !== sequence.target), new Random(sequence.askSeed), near);
  return { near, answers };
}

async function revert(server: InProcessServer, files: ReadonlyMap<string, string>, target: string): Promise<void> {
  const doc = server.document(target);
  await server.change(target, [{ range: { start: doc.positionAt(0), end: doc.positionAt(doc.getText().length) }, text: files.get(target)! }]);
}

/**
 * Replays `history` (sequences run before, each followed by its questions and
 * put back) and then `sequence` on a new server that opened the generated
 * files, and says whether it still differs from a fresh open.
 */
async function replayDiffers(root: string, files: ReadonlyMap<string, string>, history: readonly Sequence[], sequence: Sequence): Promise<string | undefined> {
  const server = await InProcessServer.start(root);
  try {
    for (const file of openedFiles(files)) await server.open(file, files.get(file)!);
    await server.settledDiagnostics(openedFiles(files)[openedFiles(files).length - 1]);
    for (const earlier of history) {
      await runSequence(server, files, earlier);
      await revert(server, files, earlier.target);
    }
    if (server.text(sequence.target) !== sequence.initial) await server.change(sequence.target, [{ range: { start: { line: 0, character: 0 }, end: server.document(sequence.target).positionAt(server.text(sequence.target).length) }, text: sequence.initial }]);
    const { near, answers: edited } = await runSequence(server, files, sequence);
    const texts = new Map(openedFiles(files).map((f) => [f, server.text(f)] as const));
    const { answers } = await freshAnswers(root, texts, sequence.target, sequence.askSeed, near);
    return compare(edited, answers) ?? (server.failures().length > 0 ? server.failures()[0] : undefined);
  } finally {
    await server.stop();
  }
}

/**
 * A shorter repro: the fewest earlier sequences (none when the sequence alone
 * differs), then requests and waits dropped, then a later starting text.
 */
async function shorten(root: string, files: ReadonlyMap<string, string>, history: readonly Sequence[], sequence: Sequence): Promise<{ history: Sequence[]; sequence: Sequence } | undefined> {
  let budget = FULL ? 80 : 40;
  const differs = (h: readonly Sequence[], s: Sequence) => {
    budget--;
    return replayDiffers(root, files, h, s);
  };
  let kept: Sequence[];
  if (await differs([], sequence)) kept = [];
  else if (await differs(history, sequence)) {
    kept = [...history];
    for (let i = 0; i < kept.length && budget > 0; ) {
      const candidate = [...kept.slice(0, i), ...kept.slice(i + 1)];
      if (await differs(candidate, sequence)) kept = candidate;
      else i++;
    }
  } else return undefined;
  let steps = [...sequence.steps];
  for (let i = steps.length - 1; i >= 0 && budget > 0; i--) {
    if (steps[i].kind === 'change') continue;
    const candidate = [...steps.slice(0, i), ...steps.slice(i + 1)];
    if (await differs(kept, { ...sequence, steps: candidate })) steps = candidate;
  }
  let initial = sequence.initial;
  // Start later: the text after the first change becomes the initial text.
  while (steps.length > 1 && steps[0].kind === 'change' && budget > 0) {
    const later = finalText(initial, steps.slice(0, 1));
    if (!(await differs(kept, { ...sequence, initial: later, steps: steps.slice(1) }))) break;
    initial = later;
    steps = steps.slice(1);
  }
  return { history: kept, sequence: { ...sequence, initial, steps } };
}

function describeSequence(sequence: Sequence): string {
  const lines = [`  file: ${sequence.target}`, `  initial text: ${JSON.stringify(sequence.initial)}`, '  steps:'];
  for (const step of sequence.steps) lines.push(`    ${JSON.stringify(step)}`);
  lines.push(`  final text: ${JSON.stringify(finalText(sequence.initial, sequence.steps))}`);
  return lines.join('\n');
}

interface Outcome {
  sequences: number;
  byKind: Record<Kind, number>;
  /** Config texts left failing to load (TL001, TL016, TL022), of the sequences that edit the config. */
  brokenConfigs: number;
  /** Answers with content: hovers, completion lists with items, diagnostics. */
  hovers: number;
  completions: number;
  diagnostics: number;
  failures: string[];
}

function count(outcome: Outcome, target: string, answers: Answers): void {
  outcome.sequences++;
  outcome.byKind[kindOf(target)]++;
  const config = answers.diagnostics['config.yaml'] as { code?: unknown }[] | undefined;
  if (kindOf(target) === 'yaml' && config?.some((d) => d.code === 'TL001' || d.code === 'TL016' || d.code === 'TL022')) outcome.brokenConfigs++;
  for (const list of Object.values(answers.diagnostics)) outcome.diagnostics += (list as unknown[]).length;
  for (const { what, answer } of answers.requests) {
    if (what.startsWith('hover') && answer !== null) outcome.hovers++;
    const items = Array.isArray(answer) ? answer : (answer as { items?: unknown[] } | null)?.items;
    if (what.startsWith('completion') && items && items.length > 0) outcome.completions++;
  }
}

async function runWorkspace(index: number, sequences: number, outcome: Outcome): Promise<void> {
  const r = new Random(SEED + index * 7919);
  // A few to ~50 per-task sections (~25 in the sample, to keep it fast).
  const sections = r.weighted([
    [3, r.between(1, 8)],
    [2, r.between(9, 25)],
    [FULL ? 1 : 0, r.between(26, 50)],
  ]);
  const generated = generateWorkspace(r, sections);
  const root = writeWorkspace(generated.files);
  const files = openedFiles(generated.files);
  let keep = false;
  const server = await InProcessServer.start(root);
  try {
    for (const file of files) await server.open(file, generated.files.get(file)!);
    await server.settledDiagnostics(files[files.length - 1]);
    const history: Sequence[] = [];
    for (let s = 0; s < sequences && outcome.failures.length < 3; s++) {
      const target = r.weighted<string>([
        [5, 'config.yaml'],
        [2, '.env'],
        ...files.filter((f) => f.endsWith('.ts')).map((f) => [1.5 / Math.max(1, files.filter((g) => g.endsWith('.ts')).length), f] as const),
        ...files.filter((f) => f.endsWith('.py')).map((f) => [2 / Math.max(1, files.filter((g) => g.endsWith('.py')).length), f] as const),
      ]);
      const initial = server.text(target);
      const steps = randomSequence(r, kindOf(target), initial);
      const sequence: Sequence = { target, initial, steps, askSeed: r.below(2 ** 31) };
      const firstVersion = server.version(target);
      const { near, answers: edited } = await runSequence(server, generated.files, sequence);
      // Which versions the server happened to check (its debounce decides): a replay waits for those.
      const asRun = { ...sequence, steps: withChecks(sequence.steps, firstVersion, new Set(server.publishedVersions(target))) };
      const texts = new Map(files.map((f) => [f, server.text(f)] as const));
      const fresh = await freshAnswers(root, texts, target, sequence.askSeed, near);
      count(outcome, target, edited);
      const difference = compare(edited, fresh.answers) ?? [...server.failures(), ...fresh.failures][0];
      if (difference) {
        keep = true;
        const repro = await shorten(root, generated.files, history, asRun);
        outcome.failures.push([
          `workspace ${index} (TASKLENS_DIFF_SEED=${SEED}), sequence ${s}: the edited server and a fresh one differ`,
          `  ${difference}`,
          `  workspace kept at ${root}`,
          repro
            ? `  replayed on a new server${repro.history.length > 0 ? ` after ${repro.history.length} earlier sequence(s), each put back after it:\n${repro.history.map(describeSequence).join('\n')}\n  then` : ''}:\n${describeSequence(repro.sequence)}`
            : `  not reproduced by a new server replaying this workspace's sequences:\n${describeSequence(asRun)}`,
        ].join('\n'));
      }
      history.push(asRun);
      await revert(server, generated.files, target);
    }
  } finally {
    await server.stop();
    if (!keep) fs.rmSync(root, { recursive: true, force: true });
  }
}

describe('differential: an edited server answers as a fresh one', () => {
  const outcome: Outcome = { sequences: 0, byKind: { yaml: 0, env: 0, typescript: 0, python: 0 }, brokenConfigs: 0, hovers: 0, completions: 0, diagnostics: 0, failures: [] };
  const started = performance.now();
  after(() => {
    const kinds = Object.entries(outcome.byKind).map(([k, n]) => `${k} ${n}`).join(', ');
    console.log(`differential: ${outcome.sequences} sequences (${kinds}) in ${((performance.now() - started) / 1000).toFixed(1)} s, seed ${SEED}; ` +
      `${outcome.brokenConfigs} of ${outcome.byKind.yaml} edited configs left failing to load; compared ${outcome.diagnostics} diagnostics, ${outcome.hovers} hovers, ${outcome.completions} non-empty completions`);
  });

  test(`${SEQUENCES} random edit sequences through didChange: diagnostics, hover, completion and symbols equal a fresh open`, async () => {
    // TASKLENS_DIFF_WORKSPACE=11 runs workspace 11 alone (the one a failure names).
    const only = process.env.TASKLENS_DIFF_WORKSPACE;
    const indexes = only !== undefined ? only.split(',').map(Number) : Array.from({ length: Math.ceil(SEQUENCES / PER_WORKSPACE) }, (_, i) => i);
    let next = 0;
    const worker = async () => {
      while (next < indexes.length && outcome.failures.length < 3) {
        const index = indexes[next++];
        await runWorkspace(index, only !== undefined ? PER_WORKSPACE : Math.min(PER_WORKSPACE, SEQUENCES - index * PER_WORKSPACE), outcome);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    assert.deepEqual(outcome.failures, []);
  });
});
