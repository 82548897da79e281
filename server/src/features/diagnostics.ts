// Diagnostics (SPEC §7) for config YAML, `.env` files and `task()` calls, as
// functions of the workspace index. The server publishes them; `tasklens check`
// prints them.
import { Diagnostic, DiagnosticSeverity, Range } from 'vscode-languageserver-types';
import { ConfigDocument } from '../analysis/configDocument';
import { fitted } from '../analysis/intern';
import { firstAtOrAfter, LineIndex } from '../analysis/lineIndex';
import { finish } from '../analysis/steps';
import { KnownTask, PYPROJECT, TYPICAL_TASK, Workspace } from '../analysis/workspace';
import { envVarAt, fileContextKey, FileLevelCache, fieldReach, keepsResults, mayBeBeatenAtTaskLevel, optionReach, valueReach, writtenAt } from './locations';
import {
  Candidate, CLASS_SECTION_KEY, ConcurrencyControlType, ConfigNode, describeSource, didYouMean, ENV_CLASS_PREFIX, envOriginText, envTaskPart, FIELD_NAMES,
  FieldName, fieldSpec, fieldWithRole, isArgumentList, isConcurrencySetting, isFieldName, isTruthy, KNOWN_PYNENC_SECTIONS, LoadError, MapEntry, MapNode,
  MappingSource, parseTaskId, shortQuote, TaskId, taskIdToString,
} from '../resolver';
import { checkExceptionName, checkFieldValue, ValueContext } from './valueChecks';
import { FixData, keptDiagnostic, movedProblem, offsetRange, Problem, Severity } from './problems';
import { parseEnvKey } from './envKeys';

/** Appends `items` one by one: a spread's argument count is bounded by the stack, and a file can hold 150,000 sections. */
function pushAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

export interface FileProblems {
  readonly lines: LineIndex;
  readonly problems: readonly Problem[];
}

/** Takes a file's problems found so far, in order, before the rest are found. */
type ProblemSink = (batch: readonly Problem[], lines: LineIndex) => void;

/** The problems of one workspace file, or `undefined` when Tasklens has nothing to say about it. */
export function fileProblems(ws: Workspace, path: string): FileProblems | undefined {
  return finish(fileProblemSteps(ws, path));
}

/**
 * `fileProblems` in steps: a large config file's sections are checked a few
 * hundred at a time, yielding between, so that a caller can answer other
 * requests meanwhile (and drop the work when the workspace changes under it).
 */
export function* fileProblemSteps(ws: Workspace, path: string, flush?: ProblemSink): Generator<void, FileProblems | undefined> {
  switch (ws.fileKind(path)) {
    case 'config': {
      const doc = ws.configDocument(path);
      return doc ? { lines: doc.lines, problems: yield* configProblemSteps(ws, doc, flush && ((batch) => flush(batch, doc.lines))) } : unreadableConfigProblems(ws, path);
    }
    case 'env': {
      const doc = ws.envDocument(path);
      return doc ? { lines: new LineIndex(doc.text), problems: envProblems(ws, path) } : undefined;
    }
    case 'typescript':
    case 'python': {
      const text = ws.readText(path);
      return text === undefined ? undefined : { lines: new LineIndex(text), problems: [...taskCodeProblems(ws, path), ...filelessEnvProblemsAt(ws, path)] };
    }
    default:
      return undefined;
  }
}


/**
 * A config file in force that exists but has no text to read (not UTF-8, a
 * directory, no permission): the runtime refuses it, so it is a TL001 at the
 * start of the file, naming the reason (and the byte, for bad UTF-8).
 */
function unreadableConfigProblems(ws: Workspace, path: string): FileProblems | undefined {
  const loaded = ws.activeConfigFiles().get(path)?.loaded;
  if (!loaded || loaded.ok || loaded.error.kind !== 'unreadable') return undefined;
  const reason = loaded.error.reason;
  const message = `${reason[0].toUpperCase()}${reason.slice(1)}: the runtime refuses to load this file, so every task fails to configure`;
  return { lines: new LineIndex(''), problems: [{ code: 'TL001', severity: 'error', message, start: 0, end: 0 }] };
}

export function fileDiagnostics(ws: Workspace, path: string, limit?: number): Diagnostic[] {
  return finish(fileDiagnosticSteps(ws, path, limit));
}

/**
 * The file's diagnostics, at most `limit` of them: when there are more problems,
 * `limit - 1` chosen as VS Code chooses when it cuts a file's list at 1,000
 * (errors first, then warnings, then the rest, each kind in file order), listed
 * in file order, and a note at the first problem left out saying how many are
 * not shown. The note counts in the limit, so that VS Code keeps it.
 */
export function* fileDiagnosticSteps(ws: Workspace, path: string, limit = Infinity): Generator<void, Diagnostic[]> {
  const found = yield* fileProblemSteps(ws, path);
  if (!found) return [];
  const { problems, lines } = found;
  const shown = problems.length > limit ? shownProblems(problems, Math.max(0, limit - 1)) : undefined;
  const diagnostics: Diagnostic[] = [];
  let firstLeftOut: Problem | undefined;
  for (let i = 0; i < problems.length; i++) {
    if ((i & 4095) === 4095) yield;
    if (shown && shown[i] === 0) firstLeftOut ??= problems[i];
    else diagnostics.push(keptDiagnostic(problems[i], lines));
  }
  if (firstLeftOut) diagnostics.push(leftOutNote(problems.length, diagnostics.length, offsetRange(lines, firstLeftOut.start, firstLeftOut.end)));
  return diagnostics;
}

const SEVERITY_ORDER: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

/** 1 for each of the first `limit` problems by severity, then by place. */
function shownProblems(problems: readonly Problem[], limit: number): Uint8Array {
  const shown = new Uint8Array(problems.length);
  let left = limit;
  for (const severity of SEVERITY_ORDER) {
    for (let i = 0; i < problems.length && left > 0; i++) {
      if (problems[i].severity === severity) {
        shown[i] = 1;
        left--;
      }
    }
  }
  return shown;
}

function leftOutNote(total: number, shown: number, range: Range): Diagnostic {
  const count = (n: number) => n.toLocaleString('en-US');
  const more = total - shown === 1 ? '1 more problem in this file is' : `${count(total - shown)} more problems in this file are`;
  return {
    range,
    severity: DiagnosticSeverity.Information,
    source: 'tasklens',
    message: `${more} not shown (${count(shown)} of ${count(total)} shown, errors first). \`tasklens check\` lists them all; the setting tasklens.maxDiagnosticsPerFile changes the limit.`,
  };
}

/** Problems of the workspace, by file; `file: null` for those that belong to no file. */
export interface WorkspaceFileProblems {
  readonly file: string | null;
  readonly lines?: LineIndex;
  readonly problems: readonly Problem[];
}

/**
 * Every problem a task will meet at run time, whatever its source (SPEC §9):
 * config files of every format, `pyproject.toml`, the FILEPATH files, env files,
 * task code, and env values that no file holds. The editor publishes the same
 * problems file by file.
 */
export function workspaceProblems(ws: Workspace): WorkspaceFileProblems[] {
  return [...eachFileProblems(ws)];
}

/**
 * `workspaceProblems` in the same order, a large config file's a few hundred
 * sections at a time (several parts for one file): with `keepingNoResults`, a
 * caller that prints each part holds one part's problems, not the file's.
 */
export function* eachProblemBatch(ws: Workspace): Generator<WorkspaceFileProblems> {
  for (const file of workspaceFiles(ws)) {
    const parts: WorkspaceFileProblems[] = [];
    const steps = fileProblemSteps(ws, file, (batch, lines) => parts.push({ file, lines, problems: batch }));
    let step = steps.next();
    for (;;) {
      yield* parts.splice(0);
      if (step.done) break;
      step = steps.next();
    }
    const rest = step.value;
    if (rest && rest.problems.length > 0) yield { file, lines: rest.lines, problems: rest.problems };
  }
  const homeless = filelessProblems(ws);
  if (homeless.length > 0) yield { file: null, problems: homeless };
}

/** Every file `check` looks at, in the order it reports them. */
function workspaceFiles(ws: Workspace): string[] {
  const files = new Set<string>(ws.listFiles());
  for (const file of ws.envFilePaths()) files.add(file);
  for (const file of ws.activeConfigFiles().keys()) files.add(file);
  for (const file of ws.settings.configFiles) files.add(file);
  files.add(PYPROJECT);
  return [...files].sort();
}

/** `workspaceProblems` a file at a time, in the same order: a caller can print each and let it go. */
export function* eachFileProblems(ws: Workspace): Generator<WorkspaceFileProblems> {
  for (const file of workspaceFiles(ws)) {
    const found = fileProblems(ws, file);
    if (found && found.problems.length > 0) yield { file, lines: found.lines, problems: found.problems };
  }
  const homeless = filelessProblems(ws);
  if (homeless.length > 0) yield { file: null, problems: homeless };
}

// ------------------------------------------------------ env values from no file

/** An env value that no file holds (`--env`, the process env, the `tasklens.env` setting), and what it breaks. */
interface FilelessEnvProblem {
  readonly task: KnownTask | undefined;
  readonly problem: Omit<Problem, 'start' | 'end'>;
}

/** The problems env values from no file cause, per task they reach (a typical task when none is defined). */
function filelessEnvProblems(ws: Workspace): FilelessEnvProblem[] {
  const found: FilelessEnvProblem[] = [];
  const env = ws.environment();
  const defined = [...ws.tasks().values()];
  for (const [key, value] of env) {
    if (value.origin.file !== undefined) continue;
    const parsed = parseEnvKey(key);
    if (parsed === undefined) continue;
    const label = `${shortQuote(key)} (${envOriginText(value.origin.via) ?? 'env'})`;
    if (parsed.kind === 'unknownField') {
      if (parsed.strict) found.push({ task: undefined, problem: { code: 'TL002', severity: 'error', message: `${label}: '${shortQuote(parsed.field)}' is not a task setting` } });
      continue;
    }
    if (parsed.kind === 'filepath') {
      const failed = ws.activeConfigFiles().get(ws.relativePath(value.value));
      if (failed && !failed.loaded.ok) found.push({ task: undefined, problem: { code: 'TL001', severity: 'error', message: `${label}: ${failed.loaded.error.message}` } });
      continue;
    }
    const targets: (KnownTask | undefined)[] = parsed.taskPart !== undefined ? defined.filter((t) => envTaskPart(t.taskId) === parsed.taskPart) : defined.length > 0 ? defined : [undefined];
    if (parsed.taskPart !== undefined && targets.length === 0) {
      if (defined.length > 0) found.push({ task: undefined, problem: { code: 'TL008', severity: 'warning', message: `${label}: no task matches '${shortQuote(parsed.taskPart)}'` } });
      continue;
    }
    for (const task of targets) {
      // Only where this value is the one in force for the task.
      const winner = ws.resolveField(task ?? TYPICAL_TASK, parsed.field).source;
      if (winner.kind !== 'env' || winner.key !== key || winner.file !== undefined) continue;
      const node: ConfigNode = { type: 'string', value: value.value };
      const problems = fieldSpec(parsed.field)!.type === 'exceptionList' && value.value !== ''
        ? [{ code: 'TL017' as const, severity: 'error' as const, message: 'retry_for cannot be set through an env var: the value is split into characters and fails' }]
        : checkFieldValue(fieldSpec(parsed.field)!, node, { exceptions: ws.exceptions(), syntax: 'env' });
      for (const p of problems) found.push({ task, problem: { code: p.code, severity: p.severity, message: `${label}: ${p.message}` } });
    }
  }
  return found;
}

/** The file-less env problems by the task-code file that holds them, and those no definition holds; kept per workspace state. */
const filelessMemo = new WeakMap<Workspace, { readonly state: number; readonly byFile: Map<string, Problem[]>; readonly homeless: Problem[] }>();

function filelessByPlace(ws: Workspace): { readonly byFile: Map<string, Problem[]>; readonly homeless: Problem[] } {
  ws.tasks(); // brings the task index up to date first, so that the state read next is the one computed from
  const state = ws.stateVersion;
  const kept = filelessMemo.get(ws);
  if (kept && kept.state === state) return kept;
  const byFile = new Map<string, Problem[]>();
  const homeless: Problem[] = [];
  if (hasFilelessEnv(ws)) {
    for (const { task, problem } of filelessEnvProblems(ws)) {
      const definition = task?.definition;
      if (!definition) {
        homeless.push({ ...problem, start: 0, end: 0 });
        continue;
      }
      const list = byFile.get(definition.file) ?? [];
      list.push({ ...problem, start: definition.nameRange.start, end: definition.nameRange.end });
      byFile.set(definition.file, list);
    }
  }
  const memo = { state, byFile, homeless };
  filelessMemo.set(ws, memo);
  return memo;
}

/** The file-less env problems placed at the definitions of the tasks in `path`. */
function filelessEnvProblemsAt(ws: Workspace, path: string): Problem[] {
  return filelessByPlace(ws).byFile.get(path) ?? [];
}

/** The file-less env problems that no task definition can hold. */
function filelessProblems(ws: Workspace): Problem[] {
  return filelessByPlace(ws).homeless;
}

function hasFilelessEnv(ws: Workspace): boolean {
  for (const value of ws.environment().values()) if (value.origin.file === undefined) return true;
  return false;
}

// ------------------------------------------------------------ shared checks

function shadowProblem(field: FieldName, node: ConfigNode, winner: Candidate, forWhom: string): Problem {
  return {
    code: 'TL014',
    severity: 'hint',
    unnecessary: true,
    message: `${field} here never takes effect${forWhom ? ` ${forWhom}` : ''}: overridden by ${shortQuote(describeSource(winner.source))}`,
    start: node.loc?.start ?? 0,
    end: node.loc?.end ?? 0,
  };
}

function stringItems(node: ConfigNode): { text: string; node: ConfigNode }[] {
  if (node.type === 'list') return node.items.filter((i) => i.type === 'string').map((i) => ({ text: (i as { value: string }).value, node: i }));
  if (node.type === 'map') return node.entries.map((e) => ({ text: e.key, node: { type: 'string', value: e.key, loc: e.keyLoc } }));
  return [];
}

/** TL009 / TL018: argument names that are not parameters of the task function. */
function parameterProblems(field: FieldName, node: ConfigNode, tasks: readonly KnownTask[]): Problem[] {
  const spec = fieldSpec(field)!;
  if (!isArgumentList(spec)) return [];
  const withParams = tasks.filter((t) => t.definition?.parameters !== undefined);
  if (withParams.length === 0) return [];
  const isKey = spec.role === 'concurrencyKey';
  const problems: Problem[] = [];
  for (const item of stringItems(node)) {
    if (spec.role === 'cacheExclusions' && item.text === '*') continue;
    const missing = withParams.filter((t) => !t.definition!.parameters!.includes(item.text));
    if (missing.length === 0) continue;
    const names = missing.slice(0, 3).map((t) => t.id).join(', ') + (missing.length > 3 ? ` and ${missing.length - 3} more` : '');
    const params = missing[0].definition!.parameters!;
    const suggestion = didYouMean(item.text, params);
    problems.push({
      code: isKey ? 'TL009' : 'TL018',
      severity: isKey ? 'error' : 'warning',
      message: `'${shortQuote(item.text)}' is not a parameter of ${names} (parameters: ${params.join(', ') || 'none'})${suggestion ? `: did you mean '${suggestion}'?` : ''}`,
      start: item.node.loc?.start ?? node.loc?.start ?? 0,
      end: item.node.loc?.end ?? node.loc?.end ?? 0,
      data: suggestion ? { replaceWith: suggestion, title: `Change to '${suggestion}'` } : undefined,
    });
  }
  return problems;
}

const RUNNING = fieldWithRole('runningConcurrency').name;
const REGISTRATION = fieldWithRole('registrationConcurrency').name;
const KEY_ARGUMENTS = fieldWithRole('concurrencyKey').name;

/** Whether `field` resolves to `keys` for `task`. */
function resolvesToKeys(ws: Workspace, task: KnownTask | TaskId, field: FieldName): boolean {
  return ws.resolveField(task, field).value === ConcurrencyControlType.KEYS;
}

/** Whether `field`'s value is known for `task`: a computed or failing one says nothing. */
function resolvesKnown(ws: Workspace, task: KnownTask | TaskId, field: FieldName): boolean {
  const resolved = ws.resolveField(task, field);
  return resolved.computed !== true && resolved.error === undefined;
}

/**
 * TL010, TL011, TL015: settings that depend on other fields of the same task.
 * `insertAt` says where a quick fix adds `running_concurrency: keys` (asked only
 * for a TL010 that has one). Loops, not closures: this runs for a few fields of
 * every section of a large file.
 */
function interplayProblems(ws: Workspace, field: FieldName, node: ConfigNode, tasks: readonly (KnownTask | TaskId)[], insertAt?: () => InsertPoint | undefined): Problem[] {
  if (tasks.length === 0) return [];
  const spec = fieldSpec(field)!;
  if (spec.role === 'concurrencyKey') {
    if (stringItems(node).length === 0) return [];
    for (const t of tasks) {
      if (resolvesToKeys(ws, t, RUNNING) || resolvesToKeys(ws, t, REGISTRATION) || !resolvesKnown(ws, t, RUNNING) || !resolvesKnown(ws, t, REGISTRATION)) return [];
    }
    const point = insertAt?.();
    const data = point ? { insertAt: point.offset, insertText: point.text, title: `Add ${RUNNING}: keys` } : undefined;
    return [{ code: 'TL010', severity: 'warning', message: `${KEY_ARGUMENTS} has no effect: neither ${RUNNING} nor ${REGISTRATION} is keys for this task`, ...placeOf(node), data }];
  }
  if (isConcurrencySetting(spec)) {
    if (node.type !== 'string' || node.value !== ConcurrencyControlType.KEYS) return [];
    for (const t of tasks) {
      const keys = ws.resolveField(t, KEY_ARGUMENTS);
      if (keys.computed === true || !Array.isArray(keys.value) || keys.value.length > 0) return [];
    }
    return [{ code: 'TL011', severity: 'warning', message: `${field} is keys but ${KEY_ARGUMENTS} is empty, so it behaves like task (one call at a time for the whole task)`, ...placeOf(node) }];
  }
  if (spec.role === 'reroute' && node.type !== 'computed' && isTruthy(node)) {
    let idle = true;
    for (const t of tasks) {
      if (ws.resolveField(t, RUNNING).value !== ConcurrencyControlType.DISABLED) {
        idle = false;
        break;
      }
    }
    return [idle
      ? { code: 'TL015', severity: 'info', message: `${field} does nothing here: ${RUNNING} is disabled for this task`, ...placeOf(node) }
      : { code: 'TL015', severity: 'warning', message: `${field}: true reroutes blocked calls again and again; with a steady trigger (a cron job, say) the queue grows without bound`, ...placeOf(node) }];
  }
  return [];
}

function placeOf(node: ConfigNode): { start: number; end: number } {
  return { start: node.loc?.start ?? 0, end: node.loc?.end ?? 0 };
}

// -------------------------------------------------------------------- YAML

/**
 * The load errors without a second syntax error on the same line: the parser's
 * next complaints there follow from its first (`-` typed alone is three), and
 * the runtime's reader stops at the first.
 */
function firstSyntaxErrorPerLine(errors: readonly LoadError[]): LoadError[] {
  const lines = new Set<number>();
  const kept: LoadError[] = [];
  for (const error of errors) {
    if (error.kind === 'syntax' && error.line !== undefined) {
      if (lines.has(error.line)) continue;
      lines.add(error.line);
    }
    kept.push(error);
  }
  return kept;
}

function loadProblem(error: LoadError, doc: ConfigDocument, active: boolean): Problem {
  const start = error.start ?? (error.line !== undefined ? doc.lines.lineStart(error.line - 1) : 0);
  const end = Math.max(error.end ?? start, start + 1);
  const code = error.kind === 'duplicateKey' ? 'TL016' : error.kind === 'multipleDocuments' ? 'TL022' : 'TL001';
  const consequence = active ? 'the runtime refuses to load this file, so every task fails to configure' : "the runtime's YAML reader refuses this file";
  return { code, severity: 'error', message: `${error.reason[0].toUpperCase()}${error.reason.slice(1)}: ${consequence}`, start, end: Math.min(end, doc.text.length) };
}

interface YamlScope {
  readonly ws: Workspace;
  readonly doc: ConfigDocument;
  readonly mapping: MappingSource | undefined;
  readonly ctx: ValueContext;
  readonly definedTasks: ReadonlyMap<string, KnownTask>;
  /** Where the file's syntax errors start, in order. */
  readonly errorStarts: readonly number[];
  /** Computed on first use: see `perTaskCache`. */
  contextKey?: string;
  /** Per field, computed on first use: whether a per-task value here can be beaten at all (`mayBeBeatenAtTaskLevel`). */
  beatable?: Map<FieldName, boolean>;
}

export function configProblems(ws: Workspace, doc: ConfigDocument): Problem[] {
  return finish(configProblemSteps(ws, doc));
}

/** How many per-task sections are checked between two steps of `configProblemSteps`. */
const SECTIONS_PER_STEP = 250;

/** With `flush`, the problems found so far go to it at each step, and what is returned is the rest. */
function* configProblemSteps(ws: Workspace, doc: ConfigDocument, flush?: (batch: readonly Problem[]) => void): Generator<void, Problem[]> {
  const mapping = ws.activeConfigFiles().get(doc.path);
  const problems = firstSyntaxErrorPerLine(doc.errors).map((e) => loadProblem(e, doc, mapping !== undefined));
  const errorStarts = doc.errors.flatMap((e) => (e.kind === 'syntax' && e.start !== undefined ? [e.start] : [])).sort((a, b) => a - b);
  const scope: YamlScope = { ws, doc, mapping: mapping?.loaded.ok ? mapping : undefined, ctx: { exceptions: ws.exceptions(), syntax: 'yaml' }, definedTasks: ws.tasks(), errorStarts };
  const yaml = doc.format === 'yaml';
  const inSyntax = (found: Problem[]) => (yaml ? found : found.map((p) => inFileSyntax(p, doc)));
  for (const entry of doc.settings.entries) {
    if (entry.key === CLASS_SECTION_KEY && entry.value.type === 'map') {
      const sections = classSectionProblems(scope, entry.value, problems);
      for (let step = sections.next(); !step.done; step = sections.next()) {
        if (flush && problems.length > 0) flush(inSyntax(problems.splice(0)));
        yield;
      }
      continue;
    } else if (isFieldName(entry.key)) {
      pushAll(problems, fieldEntryProblems(scope, entry, 'generic', undefined));
    } else if (entry.key === '<<' && yaml) {
      problems.push(mergeKeyProblem(entry));
    } else if (!KNOWN_PYNENC_SECTIONS.includes(entry.key)) {
      problems.push(unknownKeyProblem(entry, 'warning', 'is not a task setting nor a known pynenc section'));
    }
    if (yaml) pushAll(problems, nestedMergeKeys(entry.value, false));
  }
  return inSyntax(problems);
}

/**
 * Fixes are decided in YAML terms (`keys`, `[id]`); in a JSON or TOML file they
 * are written in its syntax (`"keys"`, `["id"]`), keys quoted where they were.
 * Insertions and removals, which depend on the surrounding layout, are YAML-only.
 */
function inFileSyntax(problem: Problem, doc: ConfigDocument): Problem {
  const data = problem.data;
  if (!data) return problem;
  const quotedHere = /^["']/.test(doc.text.slice(problem.start, problem.start + 1));
  // The fixes' YAML is plain: a word, a number, a bool, or a flow list of words.
  const write = (yamlText: string): string => {
    const list = /^\[(.*)\]$/.exec(yamlText);
    if (list) return JSON.stringify(list[1].split(',').map((item) => item.trim()).filter((item) => item !== ''));
    if (/^(true|false|-?\d+)$/.test(yamlText)) return yamlText;
    if (!quotedHere && doc.format === 'toml' && /^[A-Za-z0-9_-]+$/.test(yamlText)) return yamlText;
    return JSON.stringify(yamlText);
  };
  const fixed: FixData = {
    title: data.title,
    replaceWith: data.replaceWith !== undefined ? write(data.replaceWith) : undefined,
    alternatives: data.alternatives?.map(write),
  };
  const usable = fixed.replaceWith !== undefined || (fixed.alternatives?.length ?? 0) > 0;
  return { ...problem, data: usable ? fixed : undefined };
}

function mergeKeyProblem(entry: MapEntry): Problem {
  return {
    code: 'TL021',
    severity: 'warning',
    message: "The merge key '<<' is not applied by the runtime's YAML reader: the merged settings do nothing. Write them out.",
    start: entry.keyLoc?.start ?? 0,
    end: entry.keyLoc?.end ?? 0,
  };
}

function nestedMergeKeys(node: ConfigNode, skipTop: boolean): Problem[] {
  const problems: Problem[] = [];
  const visit = (n: ConfigNode, top: boolean) => {
    if (n.type === 'list') n.items.forEach((i) => visit(i, false));
    if (n.type !== 'map') return;
    for (const e of n.entries) {
      if (e.key === '<<' && !top) problems.push(mergeKeyProblem(e));
      visit(e.value, false);
    }
  };
  visit(node, skipTop);
  return problems;
}

function unknownKeyProblem(entry: MapEntry, severity: 'error' | 'warning', why: string): Problem {
  const suggestion = didYouMean(entry.key, FIELD_NAMES);
  const start = entry.keyLoc?.start ?? 0;
  const end = entry.keyLoc?.end ?? start;
  return {
    code: 'TL002',
    severity,
    message: `Unknown field '${shortQuote(entry.key)}': it ${why}${suggestion ? `. Did you mean '${suggestion}'?` : ''}`,
    start,
    end,
    data: suggestion ? { replaceWith: suggestion, title: `Change to '${suggestion}'` } : { removeStart: start, removeEnd: entry.value.loc?.end ?? end, title: `Remove '${shortQuote(entry.key)}'` },
  };
}

/** The `task:` section's problems, added to `problems`: its entries', then the merge keys nested in them. */
function* classSectionProblems(scope: YamlScope, section: MapNode, problems: Problem[]): Generator<void, void> {
  const merges: Problem[] = [];
  const yaml = scope.doc.format === 'yaml';
  let sections = 0;
  for (const entry of section.entries) {
    const value = entry.value;
    if (isFieldName(entry.key)) {
      pushAll(problems, fieldEntryProblems(scope, entry, 'class', undefined));
    } else if (value.type === 'map') {
      const kept = cachedSectionProblems(scope, entry, value);
      pushAll(problems, kept.problems);
      if (yaml) pushAll(merges, kept.merges);
      if (++sections % SECTIONS_PER_STEP === 0) yield;
      continue;
    } else if (entry.key !== '<<' && !isSectionBeingWritten(entry)) {
      problems.push(unknownKeyProblem(entry, 'error', 'is not a task setting'));
    }
    if (yaml) pushAll(merges, nestedMergeKeys(value, false));
  }
  pushAll(problems, merges);
}

/** A task id with nothing under it yet (`src.tasks.email.sendEmail:` just typed): the runtime skips it, and it is no unknown field. */
function isSectionBeingWritten(entry: MapEntry): boolean {
  return entry.value.type === 'string' && entry.value.value === '' && parseTaskId(entry.key) !== undefined;
}

/** A per-task section's problems, and its nested merge keys (reported after all sections: they depend on the section alone). */
interface SectionProblems {
  readonly problems: readonly Problem[];
  readonly merges: readonly Problem[];
}

const NO_PROBLEMS: readonly Problem[] = [];
/** What most sections of a large file have: one object for all of them. */
const NO_SECTION_PROBLEMS: SectionProblems = { problems: NO_PROBLEMS, merges: NO_PROBLEMS };

/**
 * Problems kept per section with offsets relative to its place when they were
 * found, reused while `key` (what else they depend on) is unchanged; the place
 * may have moved since. What is handed out is the kept arrays themselves: read,
 * never changed.
 */
class AnchoredProblems {
  private readonly kept = new WeakMap<object, { readonly context: string; readonly errors: string; readonly anchor: number; readonly found: SectionProblems }>();

  /**
   * The problems kept for `owner`, or undefined. `context` is the same string object
   * for every section of a run (`contextKeyOf`), so comparing it costs nothing per section.
   */
  get(owner: object, context: string, errors: string, anchor: number): SectionProblems | undefined {
    const hit = this.kept.get(owner);
    if (!hit || hit.context !== context || hit.errors !== errors) return undefined;
    if (hit.anchor === anchor) return hit.found;
    // Kept where they are now: the diagnostics given for them carry on to the next move.
    const found = { problems: shifted(hit.found.problems, hit.anchor, anchor), merges: shifted(hit.found.merges, hit.anchor, anchor) };
    this.kept.set(owner, { context, errors, anchor, found });
    return found;
  }

  set(owner: object, context: string, errors: string, anchor: number, found: SectionProblems): SectionProblems {
    if (keepsResults()) this.kept.set(owner, { context, errors, anchor, found });
    return found;
  }
}

/**
 * A per-task section's problems depend on the section itself, on everything
 * outside this file, and on this file's generic and class-level values
 * (`fileContextKey`). While those are unchanged, a section's problems are reused,
 * so an edit re-checks the edited section only. Offsets are kept relative to the
 * section, which may move.
 */
const sectionCache = new AnchoredProblems();

function cachedSectionProblems(scope: YamlScope, entry: MapEntry, section: MapNode): SectionProblems {
  const anchor = entry.keyLoc?.start;
  if (anchor === undefined) return sectionProblems(scope, entry, section);
  // (Called for every section of a large file on each run: nothing is made for a section kept.)
  const errors = scope.errorStarts.length === 0 ? '' : errorsWithin(scope.errorStarts, anchor, section.loc?.end ?? anchor);
  const context = contextKeyOf(scope);
  return sectionCache.get(entry, context, errors, anchor) ?? sectionCache.set(entry, context, errors, anchor, sectionProblems(scope, entry, section));
}

function sectionProblems(scope: YamlScope, entry: MapEntry, section: MapNode): SectionProblems {
  const merges = nestedMergeKeys(section, false);
  const problems = perTaskProblems(scope, entry, section);
  // (Kept per section: the arrays `push` built, fitted.)
  if (problems.length === 0 && merges.length === 0) return NO_SECTION_PROBLEMS;
  return { problems: problems.length > 0 ? fitted(problems) : NO_PROBLEMS, merges: merges.length > 0 ? fitted(merges) : NO_PROBLEMS };
}

/** The last context key handed out: an equal key is this very string, so kept results compare it by reference. */
let lastContextKey = '';

const NOTHING_KEPT = '';

/** What a section's or value's kept problems depend on outside it: see `fileContextKey`. */
function contextKeyOf(scope: YamlScope): string {
  // Nothing is kept for a next version (`tasklens check`): there is nothing to compare it with.
  if (!keepsResults()) return NOTHING_KEPT;
  if (scope.contextKey === undefined) {
    const key = fileContextKey(scope.ws, scope.doc, scope.mapping !== undefined);
    if (key !== lastContextKey) lastContextKey = key;
    scope.contextKey = lastContextKey;
  }
  return scope.contextKey;
}

/**
 * Kept problems for a place that moved from `from` to `to`: only what lies at or
 * after its old place moves with it (a problem with no place of its own sits at
 * 0, where a fresh read puts it).
 */
function shifted(problems: readonly Problem[], from: number, to: number): readonly Problem[] {
  const shift = to - from;
  return shift === 0 || problems.length === 0 ? problems : problems.map((p) => (p.start < from ? p : movedProblem(p, shift)));
}

function perTaskProblems(scope: YamlScope, entry: MapEntry, section: MapNode): Problem[] {
  const problems: Problem[] = [];
  const taskId = parseTaskId(entry.key);
  const defined = scope.definedTasks.get(entry.key);
  if (defined === undefined && scope.definedTasks.size > 0) {
    const suggestion = scope.ws.suggestTaskId(entry.key);
    const start = entry.keyLoc?.start ?? 0;
    problems.push({
      code: 'TL008',
      severity: 'warning',
      message: `No task '${shortQuote(entry.key)}' is defined in the workspace${taskId === undefined ? ' (a task id is <module>.<function>)' : ''}${suggestion ? `. Did you mean '${suggestion}'?` : ''}`,
      start,
      end: entry.keyLoc?.end ?? start,
      data: suggestion ? { replaceWith: suggestion, title: `Change to '${suggestion}'` } : undefined,
    });
  }
  const task = defined ?? (taskId ? { id: entry.key, taskId } : undefined);
  for (const field of section.entries) {
    if (isFieldName(field.key)) pushAll(problems, fieldEntryProblems(scope, field, 'task', task, section));
    else if (field.key !== '<<') problems.push(unknownKeyProblem(field, 'error', 'is not a task setting'));
  }
  return problems;
}

/**
 * The checks of a generic or class-level value against the tasks it reaches
 * (TL009, TL018, TL010, TL011, TL015): finding those tasks costs a pass over
 * every task, so the result is kept while nothing it depends on changes (see
 * `FileLevelCache`), with offsets relative to the value, which may move.
 */
const reachProblemsCache = new FileLevelCache<{ readonly anchor: number; readonly problems: readonly Problem[] }>();

function reachedTaskProblems(scope: YamlScope, field: FieldName, node: ConfigNode): readonly Problem[] {
  const anchor = node.loc?.start ?? 0;
  const context = contextKeyOf(scope);
  const kept = reachProblemsCache.get(scope.ws, scope.doc, scope.mapping !== undefined, field, node, () => {
    const { reached } = valueReach(scope.ws, scope.doc, field, node, context);
    const tasks = reached.length > 0 ? reached : [TYPICAL_TASK];
    return { anchor, problems: [...parameterProblems(field, node, reached), ...interplayProblems(scope.ws, field, node, tasks)] };
  }, context);
  return shifted(kept.problems, kept.anchor, anchor);
}

function fieldEntryProblems(scope: YamlScope, entry: MapEntry, level: 'generic' | 'class' | 'task', task: KnownTask | undefined, section?: MapNode): Problem[] {
  const field = entry.key as FieldName;
  const spec = fieldSpec(field)!;
  const node = entry.value;
  // A value that holds a syntax error is what the parser made of the text past it, not a value written: its TL001 says what is wrong.
  if (holdsSyntaxError(scope.errorStarts, node)) return [];
  const problems = checkFieldValue(spec, node, scope.ctx);
  if (scope.mapping === undefined) return problems;
  // TL014: the value never takes effect (its message names the winner's line, so it is never kept).
  const probe = level === 'task' ? task : TYPICAL_TASK;
  if (probe && (level !== 'task' || taskLevelBeatable(scope, field))) {
    const reach = fieldReach(scope.ws, probe, field, writtenAt(scope.doc.path, node));
    const winner = reach.applies ? reach.winner : undefined;
    if (winner) problems.push(shadowProblem(field, node, winner, level === 'task' ? `for ${shortQuote(task!.id)}` : 'for any task'));
  }
  if (level !== 'task') {
    pushAll(problems, reachedTaskProblems(scope, field, node));
    return problems;
  }
  const tasks = task ? [task] : [];
  pushAll(problems, parameterProblems(field, node, tasks));
  // (Only TL010 of `key_arguments` inserts.)
  const insertAt = section && entry.keyLoc?.start !== undefined && spec.role === 'concurrencyKey' ? () => yamlInsertPoint(scope.doc, entry) : undefined;
  pushAll(problems, interplayProblems(scope.ws, field, node, tasks, insertAt));
  return problems;
}

/** `mayBeBeatenAtTaskLevel` for this file, once per field of a run. */
function taskLevelBeatable(scope: YamlScope, field: FieldName): boolean {
  scope.beatable ??= new Map();
  let beatable = scope.beatable.get(field);
  if (beatable === undefined) scope.beatable.set(field, (beatable = mayBeBeatenAtTaskLevel(scope.ws, scope.doc.path, field)));
  return beatable;
}

function holdsSyntaxError(errorStarts: readonly number[], node: ConfigNode): boolean {
  const start = node.loc?.start;
  const end = node.loc?.end;
  if (start === undefined || end === undefined) return false;
  const first = firstAtOrAfter(errorStarts, start);
  return first < errorStarts.length && errorStarts[first] < end;
}

/**
 * The syntax errors that start inside [from, to), as offsets from `from`: a
 * section's checks depend on them (a value holding one is not checked), so its
 * kept problems are keyed by them.
 */
function errorsWithin(errorStarts: readonly number[], from: number, to: number): string {
  let key = '';
  for (let i = firstAtOrAfter(errorStarts, from); i < errorStarts.length && errorStarts[i] < to; i++) key += `,${errorStarts[i] - from}`;
  return key;
}

/** Where the TL010 fix writes `running_concurrency: keys`, and the text it writes. */
interface InsertPoint {
  readonly offset: number;
  readonly text: string;
}

function yamlInsertPoint(doc: ConfigDocument, entry: MapEntry): InsertPoint {
  const start = entry.keyLoc!.start!;
  const line = doc.lines.positionAt(start).line;
  const lineStart = doc.lines.lineStart(line);
  return { offset: lineStart, text: `${doc.text.slice(lineStart, start)}${RUNNING}: keys\n` };
}

/**
 * Before the `key_arguments` option, in the object's own layout: on a line of its
 * own when the key starts its line, else inline. The enum member only when the
 * file has `ConcurrencyControlType` in scope; otherwise its value, `'keys'`.
 */
function codeInsertPoint(text: string, entry: MapEntry, python: boolean): InsertPoint | undefined {
  const start = entry.keyLoc?.start;
  if (start === undefined) return undefined;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const indent = text.slice(lineStart, start);
  if (python) return { offset: start, text: `${RUNNING}="keys",${/^\s*$/.test(indent) ? `\n${indent}` : ' '}` };
  const value = /\b(?:import|const|let|var|enum|class)\b[^;]*\bConcurrencyControlType\b/.test(text) ? 'ConcurrencyControlType.KEYS' : "'keys'";
  return { offset: start, text: `${RUNNING}: ${value},${/^\s*$/.test(indent) ? `\n${indent}` : ' '}` };
}

// --------------------------------------------------------------------- .env

export function envProblems(ws: Workspace, path: string): Problem[] {
  const doc = ws.envDocument(path);
  if (!doc) return [];
  if (doc.failure) {
    const { reason, start, end } = doc.failure;
    const message = `This env file is not read (${reason}): no variable comes from it`;
    return [{ code: 'TL001', severity: 'error', message, start, end }];
  }
  const problems: Problem[] = [];
  const env = ws.environment();
  const tasks = ws.tasks();
  const ctxBase = { exceptions: ws.exceptions(), syntax: 'env' as const };
  const inForce = ws.envFilePaths().includes(path);
  for (const entry of doc.entries) {
    const key = parseEnvKey(entry.key);
    if (key === undefined) continue;
    const keyRange = { start: entry.keyStart, end: entry.keyEnd };
    if (key.kind === 'unknownField') {
      const suggestion = didYouMean(key.field, FIELD_NAMES.map((f) => f.toUpperCase()));
      const fieldStart = entry.keyEnd - key.field.length;
      problems.push({
        code: 'TL002',
        severity: key.strict ? 'error' : 'warning',
        message: `Unknown field '${shortQuote(key.field)}' in ${shortQuote(entry.key)}${suggestion ? `. Did you mean '${suggestion}'?` : ''}`,
        start: fieldStart,
        end: entry.keyEnd,
        data: suggestion ? { replaceWith: suggestion, title: `Change to '${suggestion}'` } : undefined,
      });
      continue;
    }
    if (key.kind !== 'field') continue;
    const node: ConfigNode = { type: 'string', value: entry.value, loc: { line: entry.line, start: entry.valueStart, end: entry.valueEnd } };
    let task: KnownTask | undefined;
    if (key.taskPart !== undefined) {
      task = ws.taskByEnvPart(key.taskPart);
      if (task === undefined && tasks.size > 0) {
        const suggestion = ws.suggestEnvTaskPart(key.taskPart);
        const start = entry.keyStart + ENV_CLASS_PREFIX.length;
        problems.push({
          code: 'TL008',
          severity: 'warning',
          message: `No task matches '${shortQuote(key.taskPart)}' (per-task env vars are PYNENC__CONFIGTASK__<MODULE>#<FUNC>__<FIELD>, upper-cased)${suggestion ? `. Did you mean '${suggestion}' (${ws.taskByEnvPart(suggestion)!.id})?` : ''}`,
          start,
          end: start + key.taskPart.length,
          data: suggestion ? { replaceWith: suggestion, title: `Change to '${suggestion}'` } : undefined,
        });
      }
    }
    if (fieldSpec(key.field)!.type === 'exceptionList' && entry.value !== '') {
      problems.push({ code: 'TL017', severity: 'error', message: 'retry_for cannot be set through an env var: the value is split into characters and fails. Only an empty value works (it empties the list); set it in the config file instead.', ...keyRange });
      continue;
    }
    pushAll(problems, checkFieldValue(fieldSpec(key.field)!, node, { ...ctxBase, start: entry.valueStart, end: entry.valueEnd }));
    // TL014: a stronger env source sets the same variable, or a more specific variable wins everywhere.
    const merged = env.get(entry.key);
    if (merged && !(merged.origin.file === path && merged.origin.line === entry.line) && inForce) {
      const by = merged.origin.via === 'file' ? `${merged.origin.file}:${merged.origin.line}` : merged.origin.via === 'setting' ? 'the tasklens.env setting' : merged.origin.via === 'cli' ? '--env' : 'the process env';
      problems.push({ code: 'TL014', severity: 'hint', unnecessary: true, message: `${shortQuote(entry.key)} here never takes effect: overridden by ${by}`, start: entry.keyStart, end: entry.valueEnd });
    } else if (key.taskPart === undefined) {
      const reach = fieldReach(ws, TYPICAL_TASK, key.field, envVarAt(entry.key));
      const winner = reach.applies ? reach.winner : undefined;
      if (winner) problems.push({ code: 'TL014', severity: 'hint', unnecessary: true, message: `${shortQuote(entry.key)} never takes effect for any task: overridden by ${shortQuote(describeSource(winner.source))}`, start: entry.keyStart, end: entry.valueEnd });
    }
  }
  return problems;
}

// -------------------------------------------------------------- TypeScript

const NO_OFFSETS: ReadonlySet<number> = new Set();
const NO_FIXES: ReadonlyMap<number, string> = new Map();

/** The problems of one task-code file (TypeScript `task()` calls, Python decorators). */
export function taskCodeProblems(ws: Workspace, path: string): Problem[] {
  const facts = ws.taskFacts(path);
  if (!facts) return [];
  const problems: Problem[] = [];
  for (const definition of facts.tasks) {
    const python = definition.language === 'python';
    if (definition.refusal) {
      problems.push({ code: definition.refusal.code, severity: 'error', message: definition.refusal.message, start: definition.nameRange.start, end: definition.nameRange.end });
      continue;
    }
    if (definition.func === undefined) {
      problems.push({ code: 'TL020', severity: 'warning', message: 'The task name of this task() call cannot be determined: name the function or assign the result to a variable', start: definition.nameRange.start, end: definition.nameRange.end });
      continue;
    }
    const task: KnownTask = { id: taskIdToString({ module: definition.module, func: definition.func }), taskId: { module: definition.module, func: definition.func }, definition };
    const ctx: ValueContext = { exceptions: ws.exceptionsFor(task), syntax: python ? 'python' : 'typescript' };
    if (definition.singleExceptionRetryFor) {
      const single = definition.singleExceptionRetryFor;
      problems.push({
        code: 'TL025',
        severity: 'error',
        message: `retry_for is one exception class, not a tuple: ${single.text} is not iterable, so the task fails at its first call. Write ${single.fixText}.`,
        start: single.range.start,
        end: single.range.end,
        data: { replaceWith: single.fixText, title: `Change to ${single.fixText}` },
      });
    }
    if (!definition.options) continue;
    // (Most tasks have neither: no Set and no Map for each of 40,000 tasks.)
    const refStarts: ReadonlySet<number> = definition.exceptionRefs.length > 0 ? new Set(definition.exceptionRefs.map((r) => r.range.start)) : NO_OFFSETS;
    const tupleFixes: ReadonlyMap<number, string> = definition.missingTupleCommas?.length ? new Map(definition.missingTupleCommas.map((m) => [m.range.start, m.fixText])) : NO_FIXES;
    for (const entry of definition.options.entries) {
      if (!isFieldName(entry.key)) {
        if (!definition.optionsHaveSpread) problems.push(unknownKeyProblem(entry, 'error', python ? 'is not a task option (the decorator raises TypeError at import)' : 'is not a task option'));
        continue;
      }
      const field = entry.key;
      const node = entry.value;
      if (node.type === 'null' || node.type === 'computed') continue;
      if (fieldSpec(field)!.type === 'exceptionList' && node.type === 'list') {
        for (const item of node.items) {
          if (item.type !== 'string' || refStarts.has(item.loc?.start ?? -1)) continue;
          pushAll(problems, checkExceptionName(item.value, ctx, placeOf(item)));
        }
      } else {
        const found = checkFieldValue(fieldSpec(field)!, node, ctx);
        // `("user_id")` is a string: the fix adds the comma that makes it a tuple.
        const tuple = node.loc?.start !== undefined ? tupleFixes.get(node.loc.start) : undefined;
        pushAll(problems, found.map((p) => (tuple && p.code === 'TL013' ? { ...p, data: { replaceWith: tuple, title: `Change to ${tuple}` } } : p)));
      }
      const reach = optionReach(ws, task, field, writtenAt(undefined, node));
      if (reach.applies && reach.winner) problems.push(shadowProblem(field, node, reach.winner, ''));
      pushAll(problems, parameterProblems(field, node, [task]));
      const insertAt = fieldSpec(field)!.role === 'concurrencyKey' ? () => codeInsertPoint(ws.readText(path) ?? '', entry, python) : undefined;
      pushAll(problems, interplayProblems(ws, field, node, [task], insertAt));
    }
    for (const ref of definition.exceptionRefs) {
      const at = { start: ref.range.start, end: ref.range.end };
      if (ref.qualifiedName === undefined) {
        problems.push({ code: 'TL006', severity: 'warning', message: `'${ref.identifier}' could not be resolved to an exception class in the workspace`, ...at });
        continue;
      }
      const cls = ctx.exceptions.lookup(ref.qualifiedName);
      if (cls === undefined) problems.push({ code: 'TL006', severity: 'warning', message: `Exception class '${ref.qualifiedName}' was not found in the workspace`, ...at });
      else if (!cls.extendsError) problems.push({ code: 'TL007', severity: 'error', message: `'${ref.identifier}' (${ref.qualifiedName}) does not ${python ? 'derive from Exception' : 'extend Error'}, so it cannot be retried for`, ...at });
    }
  }
  return problems;
}

