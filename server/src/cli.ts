// `tasklens check | explain | resolve` (SPEC §9): thin glue over the workspace
// index and the features facade, for CI and bug reports. Arguments are checked
// before any work; nothing but one line reaches the user when something fails.
import * as fs from 'fs';
import * as path from 'path';
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';
import { indexTaskFiles } from './analysis/bulkIndex';
import { ReadOnceDiskHost } from './analysis/diskHost';
import { settingsFromWorkspaceFiles, TasklensSettings } from './analysis/settings';
import { Workspace } from './analysis/workspace';
import { inSlices } from './analysis/steps';
import { readingOneVersion } from './analysis/yamlChunks';
import { DescriptorOutput, Output, ProcessOutput } from './cliOutput';
import * as features from './features';
import { parseDotEnv, resolveScenario, Scenario, scenarioProblem, TaskResolution } from './resolver';

const VERSION = '0.1.0';

const USAGE = `Usage:
  tasklens explain <taskId> [--root DIR] [--config FILE] [--env-file FILE]... [--env KEY=VALUE]... [--format text|json]
  tasklens check [--root DIR] [--config FILE] [--env-file FILE]... [--env KEY=VALUE]... [--format text|json|sarif|github]
  tasklens diff <ENV_A> <ENV_B> [--root DIR] [--config FILE] [--env KEY=VALUE]... [--format text|json]
  tasklens resolve <scenario.json> [--format text|json]
  tasklens schema          print a JSON Schema of the config file (for yaml-language-server and other editors)
Options:
  --environment NAME   an environment of tasklens.environments (.vscode/settings.json or tasklens.json); 'default' is the plain settings
  --debug   print the stack of an internal error`;

type Format = 'text' | 'json' | 'sarif' | 'github';

class UsageError extends Error {}

interface Args {
  command: string;
  positional: string[];
  root: string;
  config?: string;
  envFiles: string[];
  env: Record<string, string>;
  format: Format;
  environment?: string;
  debug: boolean;
}

const FORMATS: Record<string, readonly Format[]> = {
  check: ['text', 'json', 'sarif', 'github'],
  explain: ['text', 'json'],
  diff: ['text', 'json'],
  resolve: ['text', 'json'],
};

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { command: argv[0] ?? '', positional: [], root: process.cwd(), envFiles: [], env: {}, format: 'text', debug: false };
  let format: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--root': args.root = path.resolve(value()); break;
      case '--config': args.config = value(); break;
      case '--env-file': args.envFiles.push(value()); break;
      case '--env': {
        const pair = value();
        const eq = pair.indexOf('=');
        if (eq <= 0) throw new UsageError(`--env expects KEY=VALUE, got '${pair}'`);
        args.env[pair.slice(0, eq)] = pair.slice(eq + 1);
        break;
      }
      case '--format': format = value(); break;
      case '--environment': args.environment = value(); break;
      case '--debug': args.debug = true; break;
      case '-h': case '--help': throw new UsageError('');
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
        args.positional.push(arg);
    }
  }
  if (format !== undefined) {
    const allowed = FORMATS[args.command] ?? ['text', 'json'];
    if (!allowed.includes(format as Format)) throw new UsageError(`--format must be ${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}, got '${format}'`);
    args.format = format as Format;
  }
  return args;
}

/** Why `file` cannot be used as a file to read, in a few words; undefined when it can. */
function fileProblem(file: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : 'cannot be read';
  }
  if (stat.isDirectory()) return 'is a directory, not a file';
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch {
    return 'cannot be read (permission denied)';
  }
  return undefined;
}

/** The environment `name` names, or a usage error listing those there are. */
function environmentNamed(environments: readonly string[], name: string): string {
  if (name === features.DEFAULT_ENVIRONMENT || name === '') return environments.includes(name) && name !== '' ? name : '';
  if (environments.includes(name)) return name;
  const known = [features.DEFAULT_ENVIRONMENT, ...environments.filter((e) => e !== '')];
  throw new UsageError(`unknown environment '${name}' (known: ${known.join(', ')}; environments come from tasklens.environments in .vscode/settings.json or tasklens.json)`);
}

function environmentNamesOf(settings: TasklensSettings): string[] {
  return ['', ...Object.keys(settings.environments)];
}

async function openWorkspace(args: Args): Promise<Workspace> {
  // One version of each file is read, and no edit follows.
  readingOneVersion();
  let rootStat: fs.Stats | undefined;
  try {
    rootStat = fs.statSync(args.root);
  } catch {
    throw new UsageError(`--root ${args.root}: not found`);
  }
  if (!rootStat.isDirectory()) throw new UsageError(`--root ${args.root}: not a directory`);
  const inRoot = (p: string) => path.resolve(args.root, p);
  const relative = (p: string) => (path.isAbsolute(p) ? path.relative(args.root, p) || p : p).replace(/\\/g, '/');
  if (args.config !== undefined) {
    const problem = fileProblem(inRoot(args.config));
    if (problem) throw new UsageError(`--config ${args.config}: ${problem}`);
  }
  for (const file of args.envFiles) {
    const problem = fileProblem(inRoot(file));
    if (problem) throw new UsageError(`--env-file ${file}: ${problem}`);
  }
  const host = new ReadOnceDiskHost(args.root);
  const settings = settingsFromWorkspaceFiles((p) => host.readText(p));
  const ws = new Workspace(host, {
    settings,
    root: args.root,
    singlePass: true,
    processEnv: processEnvOf(args.root, args.envFiles),
    alwaysUseProcessEnv: true,
    extraEnv: args.env,
    configFile: args.config !== undefined ? relative(args.config) : undefined,
    envFiles: args.envFiles.length > 0 ? args.envFiles.map(relative) : undefined,
    environment: args.environment !== undefined ? environmentNamed(environmentNamesOf(settings), args.environment) : undefined,
  });
  // A large workspace's TypeScript is parsed in a child process (as the server's first index)
  // while this process reads the config files: the two are independent, and on two cores the
  // parse no longer waits for the config, nor the config for the parse.
  const indexed = indexTaskFiles(ws, ws.taskFiles(), {
    between: async () => true,
    // A file Tasklens fails on is its bug: the user gets the one-line internal error, as from the server's log.
    onInternalError: (file, e) => {
      throw new Error(`reading ${file}: ${e instanceof Error ? e.message : String(e)}`);
    },
  });
  await Promise.all([indexed, inSlices(ws.readConfigFilesSteps(), CONFIG_SLICE_MS, () => true)]);
  return ws;
}

/** How long the config read runs between two looks at the child's answers (the child waits for no more than this). */
const CONFIG_SLICE_MS = 20;

function printResolution(resolution: TaskResolution, format: Format): void {
  if (format === 'json') output.out(JSON.stringify(features.explainToJson(resolution), null, 2) + '\n');
  else output.out(features.explainToText(resolution));
}

async function explain(args: Args): Promise<number> {
  const id = args.positional[0];
  if (id === undefined || args.positional.length > 1) throw new UsageError('explain takes one task id');
  const ws = await openWorkspace(args);
  const answer = features.explainTask(ws, id);
  if (!answer.ok) {
    output.err(`tasklens: ${answer.message}\n`);
    return 2;
  }
  printResolution(answer.resolution, args.format);
  // An env file that cannot be read adds no variable: say so, beside the answer.
  for (const file of ws.envFilePaths()) {
    const failure = ws.envDocument(file)?.failure;
    if (failure) output.err(`tasklens: note: ${file} is not read (${failure.reason})\n`);
  }
  return 0;
}

async function check(args: Args): Promise<number> {
  if (args.positional.length > 0) throw new UsageError('check takes no positional arguments');
  const ws = await openWorkspace(args);
  if (args.format === 'sarif') {
    const rows = features.problemRows(features.problems(ws));
    output.out(JSON.stringify(features.problemsToSarif(rows, VERSION), null, 2) + '\n');
    return rows.some((r) => r.severity === 'error') ? 1 : 0;
  }
  // Text, GitHub and JSON output are written as problems are found (a few hundred sections of a
  // large file at a time, nothing kept for a next version), in large writes.
  features.keepingNoResults();
  const out = new ChunkedOutput();
  const counts: Record<features.Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  const files = new Set<string>();
  let rowsWritten = 0;
  if (args.format === 'json') out.write('[');
  for (const found of features.problemBatches(ws)) {
    for (const r of features.eachProblemRow(found)) {
      counts[r.severity]++;
      if (r.file !== null) files.add(r.file);
      if (args.format === 'github') out.write(features.githubLine(r));
      // The same bytes as JSON.stringify(rows, null, 2).
      else if (args.format === 'json') out.write(`${rowsWritten === 0 ? '\n' : ',\n'}${features.jsonRowInList(r)}`);
      else out.write(`${r.file ?? '(no file)'}${r.file !== null ? `:${r.line}:${r.column}` : ''}: ${r.severity} ${r.code} ${r.message}\n`);
      rowsWritten++;
    }
  }
  if (args.format === 'json') out.write(rowsWritten === 0 ? ']\n' : '\n]\n');
  else if (args.format !== 'github') out.write(`${counts.error} error(s), ${counts.warning} warning(s), ${counts.info + counts.hint} note(s) in ${files.size} file(s); ${ws.tasks().size} task(s) found\n`);
  out.flush();
  return counts.error > 0 ? 1 : 0;
}

/**
 * Text for stdout encoded straight into buffers of 1 MB, each written whole (a
 * write per problem costs more than the check at 100,000 problems, and joining
 * strings then encoding them cost a tenth of a 200,000-problem check).
 */
class ChunkedOutput {
  private buffer = Buffer.allocUnsafe(OUTPUT_CHUNK_BYTES);
  private used = 0;

  write(text: string): void {
    // At most 3 bytes a UTF-16 unit: what fits is never cut.
    if (this.used + text.length * 3 > this.buffer.length) {
      this.flush();
      if (text.length * 3 > this.buffer.length) {
        output.out(text);
        return;
      }
    }
    this.used += this.buffer.write(text, this.used, 'utf8');
  }

  flush(): void {
    if (this.used === 0) return;
    if (output.closed) {
      this.used = 0;
      return;
    }
    // A new buffer for what follows: the written one may still be queued.
    output.out(this.buffer.subarray(0, this.used));
    this.buffer = Buffer.allocUnsafe(OUTPUT_CHUNK_BYTES);
    this.used = 0;
  }
}

const OUTPUT_CHUNK_BYTES = 1 << 20;

async function diff(args: Args): Promise<number> {
  if (args.positional.length !== 2) throw new UsageError('diff takes two environment names');
  const ws = await openWorkspace(args);
  const [a, b] = args.positional.map((name) => environmentNamed(ws.environmentNames(), name));
  const differences = features.diffEnvironments(ws, a, b);
  if (args.format === 'json') output.out(JSON.stringify(features.differencesToJson(differences, a, b), null, 2) + '\n');
  else output.out(features.differencesToText(differences, a, b));
  return 0;
}

function resolve(args: Args): number {
  const file = args.positional[0];
  if (file === undefined || args.positional.length > 1) throw new UsageError('resolve takes one scenario file');
  const problem = fileProblem(file);
  if (problem) throw new UsageError(`scenario ${file}: ${problem}`);
  let scenario: unknown;
  try {
    scenario = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`scenario ${file} is not JSON: ${(e as Error).message.split('\n')[0].slice(0, 200)}`);
  }
  const shape = scenarioProblem(scenario);
  if (shape) throw new UsageError(`scenario ${file}: ${shape}`);
  printResolution(resolveScenario(scenario as Scenario), args.format);
  return 0;
}

export async function main(argv: readonly string[]): Promise<number> {
  let debug = argv.includes('--debug');
  try {
    const args = parseArgs(argv);
    debug = args.debug;
    switch (args.command) {
      case 'explain': return await explain(args);
      case 'check': return await check(args);
      case 'resolve': return resolve(args);
      case 'diff': return await diff(args);
      case 'schema':
        if (args.positional.length > 0) throw new UsageError('schema takes no arguments');
        output.out(JSON.stringify(features.configSchema(), null, 2) + '\n');
        return 0;
      case '': case '-h': case '--help': throw new UsageError('');
      case '--version': output.out(`${VERSION}\n`); return 0;
      default: throw new UsageError(`unknown command '${args.command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      if (e.message === '') {
        output.out(`${USAGE}\n`);
        return 0;
      }
      // One line naming what is wrong (SPEC §11); `tasklens --help` prints the usage.
      output.err(`tasklens: ${e.message}\n`);
      return 2;
    }
    // Never a stack trace for the user: one line, and how to get the rest.
    const message = e instanceof Error ? e.message : String(e);
    output.err(`tasklens: internal error: ${message.split('\n')[0].slice(0, 300)}\n`);
    if (debug) output.err(`${e instanceof Error ? e.stack : String(e)}\n`);
    else output.err('Please report it with the command you ran; --debug prints the details.\n');
    return 1;
  }
}

/**
 * Whether Node has already read the `--env-file` arguments itself: it does
 * when `cli.js` is run as `node cli.js … --env-file F` without a `--` (Node 20
 * loads F into the process env, or exits when F is missing, before any of our
 * code runs).
 */
let nodeReadEnvFiles = false;

/** Where the commands write: `process.stdout` and `process.stderr`, or in the worker thread (`runInWorker`) the descriptors. */
const processOutput = new ProcessOutput();
let output: Output = processOutput;

/**
 * The process env as it was before Node loaded the `--env-file` files into it:
 * a variable that holds exactly the file's value is the file's, not the
 * process's, so it keeps the file as its source and its line.
 */
function processEnvOf(root: string, envFiles: readonly string[]): NodeJS.ProcessEnv {
  if (!nodeReadEnvFiles || envFiles.length === 0) return process.env;
  const env = { ...process.env };
  for (const file of envFiles) {
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(root, file), 'utf8');
    } catch {
      continue;
    }
    for (const entry of parseDotEnv(text)) if (env[entry.key] === entry.value) delete env[entry.key];
  }
  return env;
}

/**
 * The commands that read a workspace run in a worker thread whose young
 * generation is 64 MB, not V8's 16 MB: reading a large config builds a tree
 * that outlives many scavenges, and with the default each one copies a part of
 * it again (a 25 MB config's `check` spent 1.2 s of its 5-6 s in scavenges).
 * A thread, since Node's own flags cannot be changed once it runs and `node
 * cli.js` is how the bin is often run. False when the thread cannot start
 * (the command then runs here).
 */
function runInWorker(argv: readonly string[]): boolean {
  let worker: Worker;
  try {
    const data: WorkerData = { tasklensCli: true, argv, nodeReadEnvFiles };
    worker = new Worker(__filename, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
  } catch {
    return false;
  }
  let status: number | undefined;
  worker.on('message', (message: { status?: unknown }) => {
    if (typeof message?.status === 'number') status = message.status;
  });
  // What `main` did not catch (the thread ran out of memory, say): one line, as for any internal error.
  worker.on('error', (e) => {
    process.stderr.write(`tasklens: internal error: ${(e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300)}\n`);
    status ??= 1;
  });
  worker.on('exit', () => {
    process.exitCode = status ?? 1;
  });
  return true;
}

interface WorkerData {
  readonly tasklensCli: true;
  readonly argv: readonly string[];
  readonly nodeReadEnvFiles: boolean;
}

const WORKER_YOUNG_GENERATION_MB = 64;
const READS_A_WORKSPACE = new Set(['check', 'explain', 'diff']);

/**
 * The bundle starts as a shell script that runs Node with `--` before the
 * arguments, so Node never reads Tasklens's options as its own (Node 20 takes
 * `--env-file` from anywhere on its command line). The `--` is dropped here.
 */
if (require.main === module && isMainThread) {
  const argv = process.argv.slice(2);
  nodeReadEnvFiles = argv[0] !== '--';
  // `npx -- tasklens …` and `tasklens -- …` add one more.
  while (argv[0] === '--') argv.shift();
  if (!(READS_A_WORKSPACE.has(argv[0]) && runInWorker(argv))) {
    // A reader that stops early (`tasklens check | head`): the rest of the output is dropped, the status stays the command's.
    processOutput.watchStdout();
    void main(argv).then((status) => {
      process.exitCode = status;
    });
  }
} else if (!isMainThread && (workerData as WorkerData | undefined)?.tasklensCli === true) {
  const data = workerData as WorkerData;
  nodeReadEnvFiles = data.nodeReadEnvFiles;
  const own = new DescriptorOutput();
  output = own;
  void main(data.argv).then((status) => parentPort?.postMessage({ status: own.failure ?? status }));
}
