// The engine of the differential tests (issue 9): a generator of workspaces
// and an edit mix (a `DifferentialMix`) are run through `didChange` on
// long-lived in-process servers, with hovers, completions and diagnostics
// requested in between as an editor would, and after each sequence a FRESH
// server that only opened the final texts must answer exactly the same: the
// published diagnostics of every open file, hover and completion at sampled
// positions, and the document symbols of config files. A disagreement is
// shortened (fewer earlier sequences, fewer requests, a later starting text)
// and printed with its seed, its workspace and the edits, replayed on a new
// server. `differential.test.ts` and `differential2.test.ts` are two mixes.
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Position, Range } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Random } from './generatedWorkspace';
import { InProcessServer, ContentChange } from './inProcessServer';

export const FULL = process.env.TASKLENS_FUZZ_FULL === '1';

// ------------------------------------------------------------------ edits

export type Kind = 'yaml' | 'env' | 'typescript' | 'python' | 'toml' | 'json';

export function kindOf(file: string): Kind {
  if (/\.ya?ml$/.test(file)) return 'yaml';
  if (/(^|\/)\.env(\.|$)/.test(file)) return 'env';
  if (file.endsWith('.py')) return 'python';
  if (file.endsWith('.toml')) return 'toml';
  if (file.endsWith('.json')) return 'json';
  return 'typescript';
}

/** One step of a sequence: a `didChange` notification, or a request in between. */
export type Step =
  /** With `reopen`, the document is closed (the disk's text counts) and opened again with the one change's text. */
  | { readonly kind: 'change'; readonly changes: readonly ContentChange[]; readonly reopen?: true }
  | { readonly kind: 'hover' | 'completion'; readonly position: Position }
  | { readonly kind: 'diagnostics' };

/** A change as offsets into the text it applies to. */
export interface OffsetChange {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** An offset not inside a surrogate pair (an editor never splits one). */
export function safeOffset(text: string, offset: number): number {
  const code = text.charCodeAt(offset);
  return offset > 0 && code >= 0xdc00 && code <= 0xdfff ? offset - 1 : offset;
}

/** Where each line starts (`\n`, `\r\n` and a lone `\r` end a line, as LSP counts them). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 || (ch === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}

/** The offset where line `line` of `starts` ends, before its line break. */
export function lineEnd(text: string, starts: readonly number[], line: number): number {
  const end = line + 1 < starts.length ? starts[line + 1] - 1 : text.length;
  return Math.max(starts[line], text[end - 1] === '\r' ? end - 1 : end);
}

/** A random offset: anywhere, or (half the time) at a line start or end, where typing happens most. */
export function randomOffset(r: Random, text: string): number {
  if (r.chance(0.5)) {
    const starts = lineStarts(text);
    const line = r.below(starts.length);
    if (r.chance(0.5)) return starts[line];
    return lineEnd(text, starts, line);
  }
  return safeOffset(text, r.below(text.length + 1));
}

/** `\r\n` when the text has one, else `\n`. */
export function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** `text` with `change` applied. */
export function applied(text: string, change: OffsetChange): string {
  return text.slice(0, change.start) + change.text + text.slice(change.end);
}

/**
 * A sequence being written: changes given in offsets become `didChange` steps in
 * LSP positions (counted as the server counts them), with requests in between.
 */
export class StepRecorder {
  readonly steps: Step[] = [];
  private readonly doc: TextDocument;

  constructor(initial: string) {
    this.doc = TextDocument.create('file:///x', 'x', 0, initial);
  }

  get text(): string {
    return this.doc.getText();
  }

  /** One notification of these changes, each in offsets into the text the one before it left. */
  send(changes: readonly OffsetChange[]): void {
    const content: ContentChange[] = [];
    for (const change of changes) {
      const range: Range = { start: this.doc.positionAt(change.start), end: this.doc.positionAt(change.end) };
      content.push({ range, text: change.text });
      TextDocument.update(this.doc, [{ range, text: change.text }], this.doc.version + 1);
    }
    this.steps.push({ kind: 'change', changes: content });
  }

  /** One notification that sends the whole new text, without a range (a client that syncs documents in full). */
  sendWhole(text: string): void {
    TextDocument.update(this.doc, [{ text }], this.doc.version + 1);
    this.steps.push({ kind: 'change', changes: [{ text }] });
  }

  /** The document closed, then opened again with `text` (by default its text as it was). */
  reopen(text = this.text): void {
    TextDocument.update(this.doc, [{ text }], this.doc.version + 1);
    this.steps.push({ kind: 'change', changes: [{ text }], reopen: true });
  }

  /** A hover or a completion request at an offset of the current text. */
  ask(kind: 'hover' | 'completion', offset: number): void {
    this.steps.push({ kind, position: this.doc.positionAt(offset) });
  }

  /** Whether a change has been sent. */
  get changed(): boolean {
    return this.steps.some((step) => step.kind === 'change');
  }

  /** A wait for the diagnostics of the current text (none before the first change: the last notification was then another document's). */
  diagnostics(): void {
    if (this.changed) this.steps.push({ kind: 'diagnostics' });
  }
}

/** The text a sequence of steps leaves. */
export function finalText(initial: string, steps: readonly Step[]): string {
  const doc = TextDocument.create('file:///x', 'x', 0, initial);
  for (const step of steps) if (step.kind === 'change') TextDocument.update(doc, step.changes.map((c) => (c.range ? { range: c.range, text: c.text } : { text: c.text })), doc.version + 1);
  return doc.getText();
}

// ------------------------------------------------------------------- mixes

/** The files of a workspace, which of them the servers open, and the settings both servers get. */
export interface DifferentialWorkspace {
  readonly files: ReadonlyMap<string, string>;
  readonly opened: readonly string[];
  readonly settings?: Record<string, unknown>;
}

/** A generator of workspaces and an edit mix. */
export interface DifferentialMix {
  /** The test's title and the name in its summary line. */
  readonly name: string;
  /** The prefix of the environment variables that replay a run (`<prefix>_SEED`, `<prefix>_SEQUENCES`, `<prefix>_WORKSPACE`). */
  readonly envPrefix: string;
  readonly seed: number;
  readonly sequences: number;
  /** Sequences per generated workspace (one long-lived server each). */
  readonly perWorkspace: number;
  /** The workspace of one index, from its own generator. */
  workspace(r: Random): DifferentialWorkspace;
  /** The open file a sequence edits. */
  target(r: Random, workspace: DifferentialWorkspace): string;
  /** The steps of a sequence on `file`, starting from `text`. */
  sequence(r: Random, file: string, text: string, workspace: DifferentialWorkspace): Step[];
  /**
   * Also compare, after each sequence: definitions, references and rename
   * targets at the sampled places, hovers on keys, the quick fixes of every
   * diagnostic of the edited file, its inlay hints, the Tasks view (every
   * task's eleven values and their sources) and an explanation of one task.
   */
  readonly moreQuestions?: boolean;
}

/** Workspaces run side by side: the servers' 30 ms diagnostics debounce overlaps. */
const PARALLEL = 6;

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
  out.push(lineEnd(text, starts, r.below(starts.length)));
  const sep = /: |=|\(/g;
  const seps: number[] = [];
  for (let m = sep.exec(text); m; m = sep.exec(text)) seps.push(m.index + m[0].length);
  if (seps.length > 0) out.push(r.pick(seps));
  out.push(safeOffset(text, r.below(text.length + 1)));
  out.push(starts[r.below(starts.length)] + r.between(0, 6));
  return out.map((o) => safeOffset(text, Math.min(o, text.length)));
}

/** Where the keys of a text start: the first character of a few lines that hold more than blanks. */
function keyPositions(r: Random, text: string, count: number): number[] {
  const starts = lineStarts(text);
  const out: number[] = [];
  for (let i = 0; i < count * 3 && out.length < count; i++) {
    const start = starts[r.below(starts.length)];
    const indent = /^[ \t]*/.exec(text.slice(start, start + 200))![0].length;
    if (/[^\s]/.test(text[start + indent] ?? '')) out.push(start + indent + r.between(0, 2));
  }
  return out.map((o) => safeOffset(text, Math.min(o, text.length)));
}

async function askAll(server: InProcessServer, target: string, others: readonly string[], r: Random, near: number | undefined, more = false): Promise<Answers> {
  const settled = await server.settledDiagnostics(target);
  const diagnostics = Object.fromEntries(settled);
  const requests: { what: string; answer: unknown }[] = [];
  const ask = async (file: string, offsets: readonly number[]) => {
    const doc = server.document(file);
    const textDocument = { uri: server.uri(file) };
    for (const offset of offsets) {
      const position = doc.positionAt(offset);
      const where = `${file} ${position.line}:${position.character}`;
      requests.push({ what: `hover ${where}`, answer: await server.hover(file, position) });
      requests.push({ what: `completion ${where}`, answer: await server.completion(file, position) });
      if (!more) continue;
      requests.push({ what: `definition ${where}`, answer: await server.request('textDocument/definition', { textDocument, position }) });
      requests.push({ what: `references ${where}`, answer: await server.request('textDocument/references', { textDocument, position, context: { includeDeclaration: true } }) });
      requests.push({ what: `prepareRename ${where}`, answer: await server.request('textDocument/prepareRename', { textDocument, position }) });
    }
  };
  await ask(target, samplePositions(r, server.text(target), near).slice(0, FULL ? 5 : 4));
  if (others.length > 0) {
    const other = r.pick(others);
    await ask(other, samplePositions(r, server.text(other), undefined).slice(1, FULL ? 3 : 2));
  }
  const kind = kindOf(target);
  if (kind === 'yaml' || kind === 'toml' || kind === 'json') requests.push({ what: `documentSymbol ${target}`, answer: await server.symbols(target) });
  if (more) {
    const doc = server.document(target);
    const textDocument = { uri: server.uri(target) };
    for (const offset of keyPositions(r, server.text(target), 3)) {
      const position = doc.positionAt(offset);
      requests.push({ what: `hover ${target} ${position.line}:${position.character} (a key)`, answer: await server.hover(target, position) });
    }
    const whole = { start: doc.positionAt(0), end: doc.positionAt(doc.getText().length) };
    const own = settled.get(target) ?? [];
    requests.push({ what: `codeAction ${target} (every diagnostic)`, answer: await server.request('textDocument/codeAction', { textDocument, range: whole, context: { diagnostics: own } }) });
    for (const diagnostic of own.length > 0 ? [r.pick(own)] : []) {
      requests.push({ what: `codeAction ${target} ${JSON.stringify(diagnostic.range)}`, answer: await server.request('textDocument/codeAction', { textDocument, range: diagnostic.range, context: { diagnostics: [diagnostic] } }) });
    }
    requests.push({ what: `inlayHint ${target}`, answer: await server.request('textDocument/inlayHint', { textDocument, range: whole }) });
    const tree = await server.request<{ id: string }[]>('tasklens/taskTree', {});
    requests.push({ what: 'taskTree', answer: tree });
    if (tree.length > 0) {
      const id = r.pick(tree).id;
      requests.push({ what: `explainTask ${id}`, answer: await server.request('tasklens/explainTask', { id }) });
    }
  }
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

/** A workspace on disk, and what is asked after each sequence. */
interface Run {
  readonly root: string;
  readonly workspace: DifferentialWorkspace;
  readonly more: boolean;
}

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

async function startServer(root: string, workspace: DifferentialWorkspace): Promise<InProcessServer> {
  return InProcessServer.start(root, workspace.settings);
}

async function runSteps(server: InProcessServer, target: string, steps: readonly Step[]): Promise<number | undefined> {
  let near: number | undefined;
  for (const step of steps) {
    if (step.kind === 'change' && step.reopen) {
      await server.close(target);
      await server.open(target, step.changes[0].text);
    } else if (step.kind === 'change') {
      await server.change(target, step.changes);
      const last = step.changes[step.changes.length - 1];
      near = last.range ? server.document(target).offsetAt(last.range.start) + last.text.length : undefined;
    } else if (step.kind === 'hover') await server.hover(target, step.position);
    else if (step.kind === 'completion') await server.completion(target, step.position);
    else await server.diagnostics(target);
  }
  return near;
}

/** A fresh server that opens the texts of `texts` and nothing else, and its answers. */
async function freshAnswers(run: Run, texts: ReadonlyMap<string, string>, target: string, askSeed: number, near: number | undefined): Promise<{ answers: Answers; failures: string[] }> {
  const fresh = await startServer(run.root, run.workspace);
  try {
    // The edited document last: the pass that checks it comes after every open.
    for (const [file, text] of texts) if (file !== target) await fresh.open(file, text);
    await fresh.open(target, texts.get(target)!);
    const answers = await askAll(fresh, target, [...texts.keys()].filter((f) => f !== target), new Random(askSeed), near, run.more);
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

/** Runs a sequence and asks what is asked after it (its answers). */
async function runSequence(server: InProcessServer, run: Run, sequence: Sequence): Promise<{ near: number | undefined; answers: Answers }> {
  const near = await runSteps(server, sequence.target, sequence.steps);
  const answers = await askAll(server, sequence.target, run.workspace.opened.filter((f) => f !== sequence.target), new Random(sequence.askSeed), near, run.more);
  return { near, answers };
}

/** Puts the generated text of `target` back, as one change over the whole text. */
async function revert(server: InProcessServer, workspace: DifferentialWorkspace, target: string): Promise<void> {
  const doc = server.document(target);
  await server.change(target, [{ range: { start: doc.positionAt(0), end: doc.positionAt(doc.getText().length) }, text: workspace.files.get(target)! }]);
}

async function openAll(server: InProcessServer, workspace: DifferentialWorkspace): Promise<void> {
  for (const file of workspace.opened) await server.open(file, workspace.files.get(file)!);
  await server.settledDiagnostics(workspace.opened[workspace.opened.length - 1]);
}

/**
 * Replays `history` (sequences run before, each followed by its questions and
 * put back) and then `sequence` on a new server that opened the generated
 * files, and says whether it still differs from a fresh open.
 */
async function replayDiffers(run: Run, history: readonly Sequence[], sequence: Sequence): Promise<string | undefined> {
  const { workspace } = run;
  const server = await startServer(run.root, workspace);
  try {
    await openAll(server, workspace);
    for (const earlier of history) {
      await runSequence(server, run, earlier);
      await revert(server, workspace, earlier.target);
    }
    if (server.text(sequence.target) !== sequence.initial) await server.change(sequence.target, [{ range: { start: { line: 0, character: 0 }, end: server.document(sequence.target).positionAt(server.text(sequence.target).length) }, text: sequence.initial }]);
    const { near, answers: edited } = await runSequence(server, run, sequence);
    const texts = new Map(workspace.opened.map((f) => [f, server.text(f)] as const));
    const { answers } = await freshAnswers(run, texts, sequence.target, sequence.askSeed, near);
    return server.failures()[0] ?? compare(edited, answers);
  } finally {
    await server.stop();
  }
}

/**
 * A shorter repro: the fewest earlier sequences (none when the sequence alone
 * differs), then requests and waits dropped, then a later starting text.
 */
async function shorten(run: Run, history: readonly Sequence[], sequence: Sequence): Promise<{ history: Sequence[]; sequence: Sequence } | undefined> {
  let budget = FULL ? 80 : 40;
  const differs = (h: readonly Sequence[], s: Sequence) => {
    budget--;
    return replayDiffers(run, h, s);
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
  const lines = [`  file: ${sequence.target} (questions after it: seed ${sequence.askSeed})`, `  initial text: ${JSON.stringify(sequence.initial)}`, '  steps:'];
  for (const step of sequence.steps) lines.push(`    ${JSON.stringify(step)}`);
  lines.push(`  final text: ${JSON.stringify(finalText(sequence.initial, sequence.steps))}`);
  return lines.join('\n');
}

interface Outcome {
  sequences: number;
  byKind: Record<Kind, number>;
  /** Config texts left failing to load (TL001, TL016, TL022), of the sequences that edit a config file. */
  brokenConfigs: number;
  /** Answers with content: hovers, completion lists with items, diagnostics. */
  hovers: number;
  completions: number;
  diagnostics: number;
  failures: string[];
}

function count(outcome: Outcome, target: string, answers: Answers): void {
  outcome.sequences++;
  const kind = kindOf(target);
  outcome.byKind[kind]++;
  const own = answers.diagnostics[target] as { code?: unknown }[] | undefined;
  if ((kind === 'yaml' || kind === 'toml' || kind === 'json') && own?.some((d) => d.code === 'TL001' || d.code === 'TL016' || d.code === 'TL022')) outcome.brokenConfigs++;
  for (const list of Object.values(answers.diagnostics)) outcome.diagnostics += (list as unknown[]).length;
  for (const { what, answer } of answers.requests) {
    if (what.startsWith('hover') && answer !== null) outcome.hovers++;
    const items = Array.isArray(answer) ? answer : (answer as { items?: unknown[] } | null)?.items;
    if (what.startsWith('completion') && items && items.length > 0) outcome.completions++;
  }
}

async function runWorkspace(mix: DifferentialMix, seed: number, index: number, sequences: number, outcome: Outcome): Promise<void> {
  const r = new Random(seed + index * 7919);
  const workspace = mix.workspace(r);
  const root = writeWorkspace(workspace.files);
  const run: Run = { root, workspace, more: mix.moreQuestions === true };
  const files = workspace.opened;
  let keep = false;
  const server = await startServer(root, workspace);
  try {
    await openAll(server, workspace);
    const history: Sequence[] = [];
    for (let s = 0; s < sequences && outcome.failures.length < 3; s++) {
      const target = mix.target(r, workspace);
      const initial = server.text(target);
      const steps = mix.sequence(r, target, initial, workspace);
      // The questions after a sequence wait for the pass that checked its last change.
      if (!steps.some((step) => step.kind === 'change')) throw new Error(`${mix.name}: a sequence without a change`);
      const sequence: Sequence = { target, initial, steps, askSeed: r.below(2 ** 31) };
      const firstVersion = server.version(target);
      const { near, answers: edited } = await runSequence(server, run, sequence);
      // Which versions the server happened to check (its debounce decides): a replay waits for those.
      const asRun = { ...sequence, steps: withChecks(sequence.steps, firstVersion, new Set(server.publishedVersions(target))) };
      const texts = new Map(files.map((f) => [f, server.text(f)] as const));
      const fresh = await freshAnswers(run, texts, target, sequence.askSeed, near);
      count(outcome, target, edited);
      // A handler that threw (and so answered empty) says more than the difference it makes.
      const difference = [...server.failures(), ...fresh.failures][0] ?? compare(edited, fresh.answers);
      if (difference) {
        keep = true;
        const repro = await shorten(run, history, asRun);
        const report = [
          `workspace ${index} (${mix.envPrefix}_SEED=${seed}), sequence ${s}: the edited server and a fresh one differ`,
          `  ${difference}`,
          `  workspace kept at ${root} (this report in full: differential-failure.txt there)`,
          `  open: ${workspace.opened.join(', ')}${workspace.settings ? `; settings: ${JSON.stringify(workspace.settings)}` : ''}`,
          repro
            ? `  replayed on a new server${repro.history.length > 0 ? ` after ${repro.history.length} earlier sequence(s), each put back after it:\n${repro.history.map(describeSequence).join('\n')}\n  then` : ''}:\n${describeSequence(repro.sequence)}`
            : `  not reproduced by a new server replaying this workspace's sequences:\n${describeSequence(asRun)}`,
        ].join('\n');
        // Whole, beside the workspace: the assertion's message cuts long texts.
        fs.writeFileSync(path.join(root, 'differential-failure.txt'), report + '\n');
        outcome.failures.push(report);
      }
      history.push(asRun);
      await revert(server, workspace, target);
    }
  } finally {
    await server.stop();
    if (!keep) fs.rmSync(root, { recursive: true, force: true });
  }
}

/**
 * The test of a mix: its sequences over workspaces run side by side, every
 * answer compared with a fresh server's. `<prefix>_SEED` and `<prefix>_SEQUENCES`
 * change the run; `<prefix>_WORKSPACE=11` runs workspace 11 alone (the one a
 * failure names), `11,12` several.
 */
export function describeDifferential(mix: DifferentialMix): void {
  const env = (name: string) => process.env[`${mix.envPrefix}_${name}`];
  const seed = Number(env('SEED') ?? process.env.TASKLENS_FUZZ_SEED ?? mix.seed);
  const total = Number(env('SEQUENCES') ?? mix.sequences);
  describe(`${mix.name}: an edited server answers as a fresh one`, () => {
    const outcome: Outcome = { sequences: 0, byKind: { yaml: 0, env: 0, typescript: 0, python: 0, toml: 0, json: 0 }, brokenConfigs: 0, hovers: 0, completions: 0, diagnostics: 0, failures: [] };
    const started = performance.now();
    after(() => {
      const kinds = Object.entries(outcome.byKind).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
      const configs = outcome.byKind.yaml + outcome.byKind.toml + outcome.byKind.json;
      console.log(`${mix.name}: ${outcome.sequences} sequences (${kinds}) in ${((performance.now() - started) / 1000).toFixed(1)} s, seed ${seed}; ` +
        `${outcome.brokenConfigs} of ${configs} edited configs left failing to load; compared ${outcome.diagnostics} diagnostics, ${outcome.hovers} hovers, ${outcome.completions} non-empty completions`);
    });

    test(`${total} random edit sequences through didChange: diagnostics, hover, completion and symbols equal a fresh open`, async () => {
      const only = env('WORKSPACE');
      const indexes = only !== undefined ? only.split(',').map(Number) : Array.from({ length: Math.ceil(total / mix.perWorkspace) }, (_, i) => i);
      let next = 0;
      const worker = async () => {
        while (next < indexes.length && outcome.failures.length < 3) {
          const index = indexes[next++];
          await runWorkspace(mix, seed, index, only !== undefined ? mix.perWorkspace : Math.min(mix.perWorkspace, total - index * mix.perWorkspace), outcome);
        }
      };
      await Promise.all(Array.from({ length: PARALLEL }, worker));
      assert.deepEqual(outcome.failures, []);
    });
  });
}
