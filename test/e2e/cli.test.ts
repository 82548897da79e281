// The command line (SPEC §9) run as a process on fixture workspaces:
// `explain`, `check` and `resolve`, their JSON shapes, exit codes and errors.
//
// Each run costs a process start (~0.6 s of CPU), so every run a test needs is
// named in CLI_RUNS and they all start together before the first test, two at a
// time (this machine has two cores); a test awaits the run it names. A run a
// test asks for that is not listed still works: it just starts late. The bin as
// a process answers explain, check, the process env, exit codes and --help;
// what only depends on the arguments and files (refused arguments, malformed
// files, the vector sample) calls the CLI's `main` in-process (`inProcess`).
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as cp from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Readable } from 'stream';
import { FIELD_NAMES, FieldName, FieldResolution, SourceKind, TaskResolution } from '../../server/src/resolver';
import { CLI, FIXTURES } from '../paths';
import { loadVectors, mismatches, VectorCase } from '../unit/vectorCases';
import { APP, FORMS } from '../features/assertions';
import { CliRun, runCli } from '../cliInProcess';
import { cleanEnv } from './lspClient';

const BROKEN = path.join(FIXTURES, 'broken');

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI as a process; the test's own PYNENC__ variables are never passed on. */
function spawnCli(args: readonly string[], extraEnv: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    // The bin as an installed `tasklens` runs it: a program of its own, not `node cli.js`.
    cp.execFile(CLI, args, { env: { ...cleanEnv(), ...extraEnv }, cwd: os.tmpdir(), maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      const status = error === null ? 0 : typeof error.code === 'number' ? error.code : NaN;
      if (Number.isNaN(status)) reject(error);
      else resolve({ status, stdout, stderr });
    });
  });
}

const PARALLEL = 2;
const waiting: (() => void)[] = [];
let running = 0;

/** `work` once fewer than PARALLEL processes are running. */
async function inTurn<T>(work: () => Promise<T>): Promise<T> {
  if (running >= PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Every run asked for, by its arguments and env: a run is made once, and its result read by the test that names it. */
const runs = new Map<string, Promise<Run>>();
const asked = new Set<string>();

function start(args: readonly string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  const key = JSON.stringify([args, extraEnv]);
  let run = runs.get(key);
  if (!run) {
    run = inTurn(() => spawnCli(args, extraEnv));
    // Awaited by its test; until then a failure must not count as unhandled.
    run.catch(() => undefined);
    runs.set(key, run);
  }
  return run;
}

/** The run of the CLI with `args` (and `extraEnv` added to a clean env). */
function tasklens(args: readonly string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  asked.add(JSON.stringify([args, extraEnv]));
  return start(args, extraEnv);
}

/** The CLI's `main` in this process, from the same folder the bin runs in. */
function inProcess(args: readonly string[], extraEnv: Record<string, string> = {}): Promise<CliRun> {
  return runCli(args, extraEnv, os.tmpdir());
}

interface SourceJson {
  kind: SourceKind;
  file?: string;
  line?: number;
  level?: 'generic' | 'class' | 'task';
  key?: string;
}
interface FieldJson {
  value: unknown;
  error?: string;
  source: SourceJson;
  shadowed: (SourceJson & { value: unknown })[];
}
interface ExplainJson {
  task: string;
  fields: Record<FieldName, FieldJson>;
}

async function explainJson(args: readonly string[], extraEnv?: Record<string, string>): Promise<ExplainJson> {
  return explainOutput(await tasklens(['explain', ...args, '--format', 'json'], extraEnv));
}

function explainOutput(run: Run): ExplainJson {
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as ExplainJson;
}

/** `explain --format json` by the CLI's `main` in-process. */
const explainInProcess = async (args: readonly string[]): Promise<ExplainJson> => explainOutput(await inProcess(['explain', ...args, '--format', 'json']));

const KINDS: readonly string[] = ['default', 'task_options', 'config_values', 'pyproject', 'config_file', 'env_filepath', 'env_class_filepath', 'env'];

/** The shape SPEC §9 gives a source: a known kind, a relative file, a 1-based line, a known level. */
function assertSourceShape(source: SourceJson, where: string): void {
  assert.ok(KINDS.includes(source.kind), `${where}: kind ${source.kind}`);
  if (source.file !== undefined) assert.ok(!path.isAbsolute(source.file) && !source.file.includes('\\'), `${where}: relative file ${source.file}`);
  if (source.line !== undefined) assert.ok(Number.isInteger(source.line) && source.line >= 1, `${where}: 1-based line ${source.line}`);
  if (source.level !== undefined) assert.ok(['generic', 'class', 'task'].includes(source.level), `${where}: level ${source.level}`);
  if (source.kind === 'env') assert.match(source.key ?? '', /^PYNENC__/, `${where}: env key`);
}

// Files the runs read, written before any run starts.
const SCRATCH = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklens-cli-'));
/** An env file outside the workspace, for --env-file. */
const WORKER_ENV = path.join(SCRATCH, 'worker.env');
/** A copy of the app whose .env sets retry_for, which is an error. */
const BAD_ENV_APP = path.join(SCRATCH, 'bad-env-app');
/** The resolver vectors' cases, one scenario file each. */
const SCENARIOS = path.join(SCRATCH, 'scenarios');
/** Every 19th vector case: a spread over formats, sources, conversions and load failures. */
const VECTOR_SAMPLE: readonly VectorCase[] = loadVectors().filter((_, i) => i % 19 === 0);
const scenarioFile = (testCase: VectorCase) => path.join(SCENARIOS, `${testCase.id}.json`);
const INVALID_SCENARIO = path.join(SCENARIOS, 'invalid.json');

function writeScratch(): void {
  fs.writeFileSync(WORKER_ENV, 'PYNENC__MAX_RETRIES=11\n');
  fs.cpSync(APP, BAD_ENV_APP, { recursive: true });
  fs.writeFileSync(path.join(BAD_ENV_APP, '.env'), '# retry_for cannot come from env\nPYNENC__CONFIGTASK__RETRY_FOR=builtins.Error\n');
  fs.mkdirSync(SCENARIOS);
  for (const testCase of VECTOR_SAMPLE) fs.writeFileSync(scenarioFile(testCase), JSON.stringify(testCase));
  fs.writeFileSync(INVALID_SCENARIO, JSON.stringify({ files: {} }));
}

const SEND_EMAIL = ['explain', 'src.tasks.email.sendEmail', '--root', APP];
const json = (args: readonly string[]) => [...args, '--format', 'json'];

/** The runs the tests below read, started together. */
const CLI_RUNS: readonly (readonly [readonly string[], Record<string, string>?])[] = [
  [json(SEND_EMAIL)],
  [json([...SEND_EMAIL, '--env', 'PYNENC__CONFIGTASK__RUNNING_CONCURRENCY=TASK']), { PYNENC__CONFIGTASK__CALL_RESULT_CACHE: 'true' }],
  [json(['explain', 'src.tasks.billing.refund', '--root', APP, '--env-file', WORKER_ENV])],
  [SEND_EMAIL],
  [['explain', 'src.tasks.email.sendEmal', '--root', APP]],
  [['--help']],
  [json(['check', '--root', BROKEN])],
  [json(['check', '--root', APP])],
];

before(() => {
  writeScratch();
  for (const [args, env] of CLI_RUNS) void start(args, env);
});

after(() => {
  fs.rmSync(SCRATCH, { recursive: true, force: true });
});

describe('tasklens explain --format json', () => {
  let sendEmail: ExplainJson;
  before(async () => {
    sendEmail = await explainJson(SEND_EMAIL.slice(1));
  });

  test('one object: the task and its eleven fields, each with value, source and shadowed', () => {
    const out = sendEmail;
    assert.equal(out.task, 'src.tasks.email.sendEmail');
    assert.deepEqual(Object.keys(out.fields), [...FIELD_NAMES]);
    for (const [name, field] of Object.entries(out.fields)) {
      assert.ok('value' in field && 'source' in field && Array.isArray(field.shadowed), name);
      assertSourceShape(field.source, name);
      field.shadowed.forEach((s, i) => {
        assertSourceShape(s, `${name}.shadowed[${i}]`);
        assert.ok('value' in s, `${name}.shadowed[${i}] has its value`);
      });
    }
  });

  test('the chain of max_retries: the env var wins, the rest shadowed strongest first', () => {
    const out = sendEmail;
    assert.deepEqual(out.fields.max_retries, {
      value: 7,
      source: { kind: 'env', key: 'PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES', file: '.env', line: 2 },
      shadowed: [
        { kind: 'config_file', file: 'config.yaml', line: 9, level: 'task', value: 5 },
        { kind: 'config_file', file: 'config.yaml', line: 5, level: 'class', value: 1 },
        { kind: 'task_options', file: 'src/tasks/email.ts', line: 9, value: 2 },
      ],
    });
  });

  test('values as JSON: enums as their value, retry_for as qualified names, defaults unconverted', () => {
    const out = sendEmail;
    assert.equal(out.fields.running_concurrency.value, 'keys');
    assert.deepEqual(out.fields.retry_for.value, ['src.errors.network.NetworkError']);
    assert.deepEqual(out.fields.retry_for.shadowed[0].value, ['src.errors.network.NetworkError', 'builtins.TypeError']);
    assert.deepEqual(out.fields.registration_concurrency, { value: 'disabled', source: { kind: 'default' }, shadowed: [] });
    assert.deepEqual(out.fields.parallel_batch_size.shadowed, [{ kind: 'pyproject', file: 'pyproject.toml', line: 5, level: 'generic', value: 20 }]);
  });

  test('the process env and --env are env sources; an invalid value is an error naming the value', async () => {
    const out = await explainJson(['src.tasks.email.sendEmail', '--root', APP, '--env', 'PYNENC__CONFIGTASK__RUNNING_CONCURRENCY=TASK'], { PYNENC__CONFIGTASK__CALL_RESULT_CACHE: 'true' });
    assert.equal(out.fields.call_result_cache.value, true);
    assert.deepEqual(out.fields.call_result_cache.source, { kind: 'env', key: 'PYNENC__CONFIGTASK__CALL_RESULT_CACHE', via: 'process' });
    assert.equal(out.fields.running_concurrency.value, null);
    assert.match(out.fields.running_concurrency.error ?? '', /'TASK' is not a valid ConcurrencyControlType/);
    assert.equal(out.fields.running_concurrency.source.kind, 'env');
  });

  test('--env-file replaces the default env files', async () => {
    const out = await explainJson(['src.tasks.billing.refund', '--root', APP, '--env-file', WORKER_ENV]);
    assert.equal(out.fields.max_retries.value, 11);
    assert.equal(out.fields.force_new_workflow.value, false, 'the default .env is not read');
  });

  test('run as `node cli.js` or with `--` before the arguments: --env-file is still Tasklens\'s', () => {
    const node = (args: string[]) => cp.spawnSync(process.execPath, [CLI, ...args], { env: cleanEnv(), cwd: os.tmpdir(), encoding: 'utf8' });
    // Node 20 loads the file into the process env first; its values keep the file as their source.
    const direct = node(['explain', 'src.tasks.billing.refund', '--root', APP, '--env-file', WORKER_ENV, '--format', 'json']);
    assert.equal(direct.status, 0, direct.stderr);
    const field = (JSON.parse(direct.stdout) as ExplainJson).fields.max_retries;
    assert.equal(field.value, 11);
    assert.deepEqual({ kind: field.source.kind, file: field.source.file }, { kind: 'env', file: path.relative(APP, WORKER_ENV) });
    // With `--` Node reads none of it, so a missing file is named by Tasklens, not by Node.
    const missing = node(['--', 'check', '--root', APP, '--env-file', 'missing.env']);
    assert.deepEqual([missing.status, missing.stderr], [2, 'tasklens: --env-file missing.env: not found\n']);
    const viaBin = cp.spawnSync(CLI, ['--', 'check', '--root', APP, '--env-file', 'missing.env'], { env: cleanEnv(), encoding: 'utf8' });
    assert.deepEqual([viaBin.status, viaBin.stderr], [2, 'tasklens: --env-file missing.env: not found\n']);
  });

  test('the text format is an aligned table', async () => {
    const run = await tasklens(SEND_EMAIL);
    assert.equal(run.status, 0);
    const lines = run.stdout.split('\n');
    assert.equal(lines[0], 'Task src.tasks.email.sendEmail');
    const header = lines.find((l) => l.startsWith('field '));
    const row = lines.find((l) => l.startsWith('max_retries '));
    assert.ok(header && row, run.stdout);
    assert.equal(row.indexOf(' 7 ') + 1, header.indexOf('value'), 'the value column is aligned');
    assert.equal(row.indexOf('PYNENC__'), header.indexOf('source'), 'the source column is aligned');
    assert.ok(row.endsWith('PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES (.env:2)'), row);
  });
});

describe('exit codes and errors', () => {
  test('an unknown task: exit 2 and one line with a did-you-mean', async () => {
    const run = await tasklens(['explain', 'src.tasks.email.sendEmal', '--root', APP]);
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, "tasklens: unknown task 'src.tasks.email.sendEmal' — did you mean 'src.tasks.email.sendEmail'? (4 known, defined by task code)\n");
  });

  test('bad arguments: exit 2, the reason on the first line, then the usage', async () => {
    const cases: [string[], string][] = [
      [['explain', 'a.b', '--format', 'xml'], "tasklens: --format must be text or json, got 'xml'"],
      [['explain', '--root', APP], 'tasklens: explain takes one task id'],
      [['explain', 'a.b', '--verbose'], 'tasklens: unknown option --verbose'],
      [['frobnicate'], "tasklens: unknown command 'frobnicate'"],
    ];
    // Refused before any file is read: the arguments alone decide, in-process.
    for (const [args, first] of cases) {
      const run = await inProcess(args);
      assert.equal(run.status, 2, args.join(' '));
      // One line, nothing after it.
      assert.equal(run.stderr, `${first}\n`);
    }
  });

  /**
   * `check --format json` run as a process on a workspace of 8,000 sections with a
   * bad value each (megabytes of output, many writes), its stdout given to `read`;
   * the workspace is removed after.
   */
  async function checkManyProblems(read: (stdout: Readable) => void): Promise<{ status: number | null; stderr: string }> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklens-output-'));
    fs.writeFileSync(path.join(root, 'config.yaml'), `task:\n${Array.from({ length: 8_000 }, (_, i) => `  app.jobs.job${i}:\n    max_retries: many\n`).join('')}`);
    try {
      return await new Promise((resolve) => {
        const child = cp.spawn(process.execPath, [CLI, 'check', '--root', root, '--format', 'json'], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        read(child.stdout);
        child.on('close', (status) => resolve({ status, stderr }));
      });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }

  test('a reader that stops early (`check | head`): no stack trace, the status is the check\'s', async () => {
    let read = 0;
    // The first chunk read, the pipe is closed, as `head` closes it.
    const run = await checkManyProblems((stdout) =>
      stdout.once('data', (d: Buffer) => {
        read = d.length;
        stdout.destroy();
      }),
    );
    assert.ok(read > 0, 'some output was read');
    assert.equal(run.stderr, '');
    assert.equal(run.status, 1, 'errors were found');
  });

  test('a reader that pauses gets every byte: megabytes of JSON through a pipe read in spurts, then the status', async () => {
    const chunks: Buffer[] = [];
    // Each chunk read, the reader stops for a while: the pipe fills and the writer waits.
    const run = await checkManyProblems((stdout) =>
      stdout.on('data', (d: Buffer) => {
        chunks.push(d);
        stdout.pause();
        setTimeout(() => stdout.resume(), 20);
      }),
    );
    assert.equal(run.stderr, '');
    assert.equal(run.status, 1, 'errors were found');
    const stdout = Buffer.concat(chunks).toString('utf8');
    const rows = JSON.parse(stdout) as { code: string }[];
    assert.equal(rows.filter((r) => r.code === 'TL003').length, 8_000, 'one bad max_retries a section');
    assert.ok(Buffer.byteLength(stdout) > 1 << 20, 'more than an output chunk, many pipe buffers');
  });

  test('--help prints the usage and exits 0', async () => {
    const run = await tasklens(['--help']);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /^Usage:\n {2}tasklens explain <taskId>/);
  });

  test('a missing or directory --config, --env-file or --root: exit 2 and one line naming it', async () => {
    const cases: [string[], string][] = [
      [['explain', 'src.tasks.billing.refund', '--root', APP, '--config', 'missing.yaml'], 'tasklens: --config missing.yaml: not found'],
      [['check', '--root', APP, '--config', 'src'], 'tasklens: --config src: is a directory, not a file'],
      [['check', '--root', APP, '--env-file', 'missing.env'], 'tasklens: --env-file missing.env: not found'],
      [['check', '--root', path.join(APP, 'nowhere')], `tasklens: --root ${path.join(APP, 'nowhere')}: not found`],
      [['check', '--root', path.join(APP, 'config.yaml')], `tasklens: --root ${path.join(APP, 'config.yaml')}: not a directory`],
    ];
    for (const [args, line] of cases) {
      const run = await inProcess(args);
      assert.equal(run.status, 2, args.join(' '));
      assert.equal(run.stderr.split('\n')[0], line);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  test('a FILEPATH env var naming a missing file: every field is an error naming it; check fails at the variable', async () => {
    const out = await explainInProcess(['src.tasks.billing.refund', '--root', APP, '--env', 'PYNENC__FILEPATH=missing.yaml']);
    for (const field of Object.values(out.fields)) {
      assert.equal(field.error, 'Configuration file not found: missing.yaml');
      assert.deepEqual(field.source, { kind: 'env_filepath', file: 'missing.yaml' });
    }
    const check = await inProcess(['check', '--root', APP, '--env', 'PYNENC__FILEPATH=missing.yaml', '--format', 'json']);
    assert.equal(check.status, 1);
    const rows = JSON.parse(check.stdout) as { file: string | null; code: string; message: string }[];
    assert.ok(rows.some((r) => r.file === null && r.code === 'TL001' && r.message === 'PYNENC__FILEPATH (--env): Configuration file not found: missing.yaml'), check.stdout);
  });

  test('an unsupported extension: one line naming the file', async () => {
    const out = await explainInProcess(['src.tasks.jobs.nightly', '--root', BROKEN, '--config', 'settings.ini']);
    assert.equal(out.fields.max_retries.error, 'Unsupported file extension in settings.ini');
  });

  test('a malformed YAML file: one line with the reason and the line', async () => {
    const out = await explainInProcess(['src.tasks.jobs.nightly', '--root', BROKEN]);
    assert.equal(out.fields.max_retries.error, 'Invalid YAML file config.yaml: duplicate entry with key "max_retries" (line 3)');
    assert.deepEqual(out.fields.max_retries.source, { kind: 'config_file', file: 'config.yaml', line: 3 });
  });

  test('a malformed TOML file: one line with the reason and the line', async () => {
    const out = await explainInProcess(['src.tasks.jobs.nightly', '--root', BROKEN, '--config', 'settings.toml']);
    assert.match(out.fields.max_retries.error ?? '', /^Invalid TOML file settings\.toml: [^\n]+ \(line 2\)$/);
  });

  test('a malformed JSON file: one line with the reason and the line', async () => {
    const out = await explainInProcess(['src.tasks.jobs.nightly', '--root', BROKEN, '--config', 'settings.json']);
    assert.match(out.fields.max_retries.error ?? '', /^Invalid JSON file settings\.json: [^\n]+ \(line 4\)$/);
  });
});

describe('tasklens check --format json', () => {
  interface Row {
    file: string;
    line: number;
    column: number;
    endLine: number;
    endColumn: number;
    severity: string;
    code: string;
    message: string;
  }

  /** `check --format json`: by the bin for the fixtures, in-process for the others. */
  async function check(args: readonly string[], local = false): Promise<{ status: number; rows: Row[] }> {
    const argv = ['check', ...args, '--format', 'json'];
    const run = local ? await inProcess(argv) : await tasklens(argv);
    return { status: run.status, rows: JSON.parse(run.stdout) as Row[] };
  }

  test('rows with 1-based positions for config, env and TypeScript files; exit 1 on an error', async () => {
    const { status, rows } = await check(['--root', BROKEN]);
    assert.equal(status, 1);
    assert.deepEqual(rows.find((r) => r.code === 'TL016'), {
      file: 'config.yaml', line: 3, column: 3, endLine: 3, endColumn: 14, severity: 'error', code: 'TL016',
      message: 'Duplicate entry with key "max_retries": the runtime refuses to load this file, so every task fails to configure',
    });
  });

  test('exit 0 when nothing is an error; hints and warnings are still listed, in every kind of file', async () => {
    const app = await check(['--root', APP]);
    assert.equal(app.status, 0);
    assert.ok(app.rows.length > 0 && app.rows.every((r) => r.severity !== 'error'));
    assert.deepEqual(app.rows.find((r) => r.file === 'src/tasks/email.ts' && r.line === 9), {
      file: 'src/tasks/email.ts', line: 9, column: 18, endLine: 9, endColumn: 19, severity: 'hint', code: 'TL014',
      message: 'max_retries here never takes effect: overridden by PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES (.env:2)',
    });
    for (const r of app.rows) {
      assert.ok(['error', 'warning', 'info', 'hint'].includes(r.severity));
      assert.ok(r.line >= 1 && r.column >= 1 && r.endLine >= r.line, JSON.stringify(r));
      assert.ok(!r.file.includes('\\') && !path.isAbsolute(r.file));
    }
    const forms = await check(['--root', FORMS], true);
    assert.deepEqual(forms, { status: 0, rows: [] });
  });

  test('an env file with an error is checked too', async () => {
    const { status, rows } = await check(['--root', BAD_ENV_APP], true);
    assert.equal(status, 1);
    assert.deepEqual(rows.filter((r) => r.file === '.env').map((r) => `${r.line}:${r.column}-${r.endLine}:${r.endColumn} ${r.severity} ${r.code}`), ['2:1-2:30 error TL017']);
  });
});

describe('tasklens resolve', () => {
  /** The CLI's JSON read back into the resolution shape the vector check compares. */
  function asResolution(out: ExplainJson, taskId: TaskResolution['taskId']): TaskResolution {
    const fields = {} as Record<FieldName, FieldResolution>;
    for (const name of FIELD_NAMES) {
      const f = out.fields[name];
      fields[name] = { field: name, value: f.error !== undefined ? undefined : (f.value as FieldResolution['value']), error: f.error, source: f.source, shadowed: [] };
    }
    return { taskId, fields };
  }

  test('a sample of the shared vectors gives the expected values and sources', async () => {
    assert.ok(VECTOR_SAMPLE.length >= 10);
    const failures: string[] = [];
    for (const testCase of VECTOR_SAMPLE) {
      const run = await inProcess(json(['resolve', scenarioFile(testCase)]));
      if (run.status !== 0) failures.push(`${testCase.id}: exit ${run.status} ${run.stderr}`);
      else failures.push(...mismatches(testCase, asResolution(JSON.parse(run.stdout) as ExplainJson, testCase.taskId)).map((m) => `${testCase.id}: ${m}`));
    }
    assert.deepEqual(failures, []);
  });

  test('an unreadable or invalid scenario: exit 2 and one line saying why', async () => {
    const missing = await inProcess(['resolve', path.join(SCENARIOS, 'nope.json')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr.split('\n')[0], /^tasklens: scenario .*nope\.json: not found$/);
    const run = await inProcess(['resolve', INVALID_SCENARIO]);
    assert.equal(run.status, 2);
    assert.equal(run.stderr.split('\n')[0], `tasklens: scenario ${INVALID_SCENARIO}: "taskId" is missing`);
    // A key missing inside an object is named as missing too (not "a undefined").
    const partial = path.join(SCRATCH, 'partial-task-id.json');
    fs.writeFileSync(partial, '{"taskId": {"func": "f"}}');
    const inner = await inProcess(['resolve', partial]);
    assert.equal(inner.status, 2);
    assert.match(inner.stderr, /taskId.*\.module is missing\n$/);
    assert.doesNotMatch(inner.stderr, /undefined/);
  });
});

// Last: by now every test has asked for its runs.
test('every run started up front is read by a test', () => {
  const unread = CLI_RUNS.map(([args, env]) => JSON.stringify([args, env ?? {}])).filter((key) => !asked.has(key));
  assert.deepEqual(unread, []);
});
