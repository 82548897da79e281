// `tasklens check | explain | resolve` (SPEC §9): thin glue over the workspace
// index and the features, for CI and bug reports.
import * as fs from 'fs';
import * as path from 'path';
import { DiskHost } from './analysis/diskHost';
import { LineIndex } from './analysis/lineIndex';
import { Workspace } from './analysis/workspace';
import { fileProblems } from './features/diagnostics';
import { explainToJson, explainToText } from './features/explain';
import { Problem, Severity } from './features/problems';
import { configFormat, didYouMean, resolveScenario, Scenario, scenarioProblem, TaskResolution } from './resolver';

const USAGE = `Usage:
  tasklens explain <taskId> [--root DIR] [--config FILE] [--env-file FILE]... [--env KEY=VALUE]... [--format text|json]
  tasklens check [--root DIR] [--config FILE] [--env-file FILE]... [--env KEY=VALUE]... [--format text|json]
  tasklens resolve <scenario.json> [--format text|json]`;

class UsageError extends Error {}

interface Args {
  command: string;
  positional: string[];
  root: string;
  config?: string;
  envFiles: string[];
  env: Record<string, string>;
  format: 'text' | 'json';
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { command: argv[0] ?? '', positional: [], root: process.cwd(), envFiles: [], env: {}, format: 'text' };
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
      case '--format': {
        const format = value();
        if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, got '${format}'`);
        args.format = format;
        break;
      }
      case '-h': case '--help': throw new UsageError('');
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
        args.positional.push(arg);
    }
  }
  return args;
}

function openWorkspace(args: Args): Workspace {
  if (!fs.existsSync(args.root) || !fs.statSync(args.root).isDirectory()) throw new UsageError(`--root ${args.root} is not a directory`);
  const relative = (p: string) => (path.isAbsolute(p) ? path.relative(args.root, p) || p : p).replace(/\\/g, '/');
  const ws = new Workspace(new DiskHost(args.root), {
    processEnv: process.env,
    alwaysUseProcessEnv: true,
    extraEnv: args.env,
    configFile: args.config !== undefined ? relative(args.config) : undefined,
    envFiles: args.envFiles.length > 0 ? args.envFiles.map(relative) : undefined,
  });
  ws.scanTypeScript();
  return ws;
}

function printResolution(resolution: TaskResolution, format: 'text' | 'json'): void {
  if (format === 'json') process.stdout.write(JSON.stringify(explainToJson(resolution), null, 2) + '\n');
  else process.stdout.write(explainToText(resolution));
}

function explain(args: Args): number {
  const id = args.positional[0];
  if (id === undefined || args.positional.length > 1) throw new UsageError('explain takes one task id');
  const ws = openWorkspace(args);
  const task = ws.findTask(id);
  if (task === undefined) {
    const known = [...new Set([...ws.tasks().keys(), ...ws.configuredTaskIds()])];
    const suggestion = didYouMean(id, known);
    process.stderr.write(`tasklens: unknown task '${id}'${suggestion ? ` — did you mean '${suggestion}'?` : ''} (${known.length} known: defined by task() calls or named in config)\n`);
    return 2;
  }
  printResolution(ws.resolve(task), args.format);
  return 0;
}

interface CheckRow {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  code: string;
  message: string;
}

function rowsFor(file: string, lines: LineIndex, problems: readonly Problem[]): CheckRow[] {
  return problems.map((p) => {
    const start = lines.positionAt(p.start);
    const end = lines.positionAt(Math.max(p.start, p.end));
    return { file, line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1, severity: p.severity, code: p.code, message: p.message };
  });
}

function check(args: Args): number {
  if (args.positional.length > 0) throw new UsageError('check takes no positional arguments');
  const ws = openWorkspace(args);
  const files = new Set<string>();
  for (const file of new DiskHost(args.root).listFiles()) files.add(file);
  for (const file of ws.envFilePaths()) files.add(file);
  for (const file of ws.activeConfigFiles().keys()) files.add(file);
  const rows: CheckRow[] = [];
  for (const file of [...files].sort()) {
    const found = fileProblems(ws, file);
    if (found) {
      rows.push(...rowsFor(file, found.lines, found.problems));
      continue;
    }
    // JSON and TOML config files, and missing ones: only whether they load.
    const mapping = ws.activeConfigFiles().get(file);
    if (mapping && !mapping.loaded.ok && (configFormat(file) !== 'yaml' || ws.readText(file) === undefined)) {
      const text = ws.readText(file) ?? '';
      const lines = new LineIndex(text);
      const line = Math.max(0, (mapping.loaded.error.line ?? 1) - 1);
      const start = lines.lineStart(line);
      rows.push(...rowsFor(file, lines, [{ code: 'TL001', severity: 'error', message: mapping.loaded.error.message, start, end: start + lines.lineText(line).length }]));
    }
  }
  if (args.format === 'json') {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  } else {
    for (const r of rows) process.stdout.write(`${r.file}:${r.line}:${r.column}: ${r.severity} ${r.code} ${r.message}\n`);
    const count = (s: Severity) => rows.filter((r) => r.severity === s).length;
    process.stdout.write(`${count('error')} error(s), ${count('warning')} warning(s), ${count('info') + count('hint')} note(s) in ${new Set(rows.map((r) => r.file)).size} file(s); ${ws.tasks().size} task(s) found\n`);
  }
  return rows.some((r) => r.severity === 'error') ? 1 : 0;
}

function resolve(args: Args): number {
  const file = args.positional[0];
  if (file === undefined || args.positional.length > 1) throw new UsageError('resolve takes one scenario file');
  let scenario: unknown;
  try {
    scenario = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read scenario ${file}: ${(e as Error).message}`);
  }
  const problem = scenarioProblem(scenario);
  if (problem) throw new UsageError(`${file}: ${problem}`);
  printResolution(resolveScenario(scenario as Scenario), args.format);
  return 0;
}

export function main(argv: readonly string[]): number {
  try {
    const args = parseArgs(argv);
    switch (args.command) {
      case 'explain': return explain(args);
      case 'check': return check(args);
      case 'resolve': return resolve(args);
      case '': case '-h': case '--help': throw new UsageError('');
      default: throw new UsageError(`unknown command '${args.command}'`);
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (e.message === '') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    process.stderr.write(`tasklens: ${e.message}\n${USAGE}\n`);
    return 2;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
