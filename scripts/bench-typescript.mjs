// Benchmark of the TypeScript index on a generated, realistic workspace of
// 10,000 files: 1,000 with task() calls, 300 declaring error classes (chains
// across files, barrels), the rest ordinary application code.
//
// Measures, in one run: the cold index (reading + indexing every file, then the
// first tasks() and exceptionClasses()), TypeScript's parser alone on every
// file, their ratio, re-indexing after a one-file edit, and memory. The two
// big measurements are interleaved over a few rounds and the best is kept, with
// CPU time beside wall time: on a shared machine other processes disturb single
// runs far more than the code under test does.
//
//   npm run build && node scripts/bench-typescript.mjs
//
// `benchTypeScript()` prints the table and returns the numbers, for the
// top-level `npm run bench`.
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cap, DOMAINS, fileWriter, Rng } from '../bench/generate.mjs';
import { collectGarbage, median, ms, timed } from '../bench/measure.mjs';

const require = createRequire(import.meta.url);
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ts = require('typescript');

// Issue 10: cold index ≤ 0.5× TypeScript's parse-all and < 2 s, one-file re-index < 5 ms, RSS < 250 MB.
export const TARGETS = { ratio: 0.5, coldMs: 2000, reindexMs: 5, rssMb: 250 };

// ---------------------------------------------------------------------------
// A deterministic generator of application code.


const WORDS = ['user', 'order', 'invoice', 'payment', 'account', 'session', 'report', 'email', 'message', 'product', 'cart', 'shipment', 'customer', 'ledger', 'audit', 'profile', 'token', 'webhook', 'export', 'import', 'search', 'index', 'billing', 'plan', 'quota', 'team', 'project', 'asset', 'upload', 'thumbnail'];
const VERBS = ['load', 'save', 'build', 'send', 'parse', 'render', 'sync', 'check', 'resolve', 'merge', 'compute', 'format', 'validate', 'refresh', 'archive'];

/** The relative specifier `from` (a file) uses for `to` (a path without extension). */
function specifier(from, to) {
  const relative = path.posix.relative(path.posix.dirname(from), to);
  return relative.startsWith('.') ? relative : `./${relative}`;
}

/** The seeded generator of bench/generate.mjs, with this workspace's words. */
class Gen extends Rng {
  noun() {
    return this.pick(WORDS);
  }
  typeName() {
    return cap(this.noun()) + this.pick(['', 'Record', 'Input', 'Summary', 'Options', 'State', 'Result']);
  }

  interfaceDecl(name) {
    const fields = Array.from({ length: this.int(3, 9) }, () => `  /** The ${this.noun()} it belongs to. */\n  readonly ${this.noun()}${cap(this.noun())}${this.chance(0.3) ? '?' : ''}: ${this.pick(['string', 'number', 'boolean', 'Date', 'string[]', `${this.typeName()} | undefined`, 'Record<string, unknown>'])};`);
    const base = this.chance(0.25) ? ` extends ${this.typeName()}` : '';
    return `export interface ${name}${base} {\n${fields.join('\n')}\n}\n`;
  }

  functionDecl(name) {
    const params = Array.from({ length: this.int(1, 4) }, () => `${this.noun()}${cap(this.noun())}: ${this.pick(['string', 'number', this.typeName(), 'readonly string[]'])}`);
    const generic = this.chance(0.3) ? `<T extends Record<string, unknown>>` : '';
    const lines = [];
    for (let i = 0, n = this.int(4, 12); i < n; i++) {
      lines.push(
        this.pick([
          `  const ${this.noun()}${i} = ${this.noun()}Map.get(String(${i})) ?? [];`,
          `  if (${this.noun()}Count > ${this.int(1, 500)}) {\n    logger.debug('${this.pick(VERBS)} ${this.noun()}', { count: ${this.noun()}Count });\n  }`,
          `  for (const item of items) {\n    total += item.${this.noun()}Amount * ${this.int(2, 9)};\n  }`,
          `  const pending = taskQueue.filter((t) => t.state === '${this.pick(['queued', 'running', 'failed'])}');`,
          `  await scheduleTask({ name: '${this.noun()}.${this.pick(VERBS)}', delayMs: ${this.int(10, 9000)} });`,
          `  // Keep the ${this.noun()} list sorted so that the ${this.noun()} view stays stable.\n  items.sort((a, b) => a.${this.noun()}Id.localeCompare(b.${this.noun()}Id));`,
          `  const formatted = \`\${${this.noun()}Name} (\${${this.noun()}Count})\`;`,
        ]),
      );
    }
    return `/**\n * ${cap(this.pick(VERBS))}s the ${this.noun()} of a ${this.noun()}.\n * Returns early when nothing changed since the last ${this.noun()}.\n */\nexport async function ${name}${generic}(${params.join(', ')}): Promise<${this.typeName()}> {\n  let total = 0;\n  const items: ${this.typeName()}[] = [];\n${lines.join('\n')}\n  return { total, items } as unknown as ${this.typeName()};\n}\n`;
  }

  plainClass(name, base) {
    const methods = Array.from({ length: this.int(2, 5) }, () => `  ${this.pick(VERBS)}${cap(this.noun())}(id: string): ${this.typeName()} | undefined {\n    const found = this.${this.noun()}s.get(id);\n    if (found === undefined) return undefined;\n    return { ...found, updatedAt: new Date() } as unknown as ${this.typeName()};\n  }`);
    const heritage = base !== undefined ? ` extends ${base}` : this.chance(0.3) ? ` implements ${this.typeName()}` : '';
    return `export class ${name}${heritage} {\n  private readonly ${this.noun()}s = new Map<string, ${this.typeName()}>();\n\n  constructor(private readonly ${this.noun()}Client: ${this.typeName()}) {${base !== undefined ? '\n    super();' : ''}}\n\n${methods.join('\n\n')}\n}\n`;
  }

  /** Imports of `count` files among `targets` (paths without extension), as `from` would write them. */
  imports(count, from, targets) {
    if (targets.length === 0) return '';
    return Array.from({ length: count }, () => `import { ${this.typeName()}, ${this.pick(VERBS)}${cap(this.noun())} } from '${specifier(from, this.pick(targets))}';`).join('\n');
  }
}

function ordinaryFile(g, i, file, targets) {
  const parts = [g.imports(g.int(2, 7), file, targets), `import { logger } from '${specifier(file, 'src/logger')}';`, ''];
  const n = g.int(4, 9);
  for (let k = 0; k < n; k++) {
    const kind = g.next();
    if (kind < 0.35) parts.push(g.interfaceDecl(`${g.typeName()}${i}_${k}`));
    else if (kind < 0.8) parts.push(g.functionDecl(`${g.pick(VERBS)}${cap(g.noun())}${i}_${k}`));
    else parts.push(`export type ${g.typeName()}${i}_${k} = ${g.pick(["'a' | 'b' | 'c'", 'Record<string, number>', `Partial<${g.typeName()}>`, `readonly ${g.typeName()}[]`])};\n`);
  }
  // Classes are common in application code; ones extending something are not.
  if (g.chance(0.4)) parts.push(g.plainClass(`${cap(g.noun())}Service${i}`));
  if (g.chance(0.02)) parts.push(g.plainClass(`${cap(g.noun())}Repository${i}`, 'BaseRepository'));
  return parts.join('\n');
}

function errorFile(g, domain, j, errorIndex) {
  const lines = [];
  const classes = [];
  const count = g.int(1, 3);
  for (let k = 0; k < count; k++) {
    const name = `${cap(domain)}${cap(g.noun())}${j}${k}Error`;
    let base;
    if (k > 0) base = classes[k - 1];
    else if (j === 0) base = g.pick(['Error', 'Error', 'Error', 'TypeError', 'RangeError']);
    else {
      // Extend an error of an earlier file, in this domain or another: chains cross files.
      const target = g.chance(0.7) ? errorIndex.get(domain)[g.int(0, j - 1)] : errorIndex.get(g.pick(DOMAINS))?.[0];
      if (target === undefined) base = 'Error';
      else {
        const spec = target.domain === domain ? `./${target.file}` : `../${target.domain}/${target.file}`;
        lines.unshift(`import { ${target.classes[0]} } from '${spec}';`);
        base = target.classes[0];
      }
    }
    classes.push(name);
    lines.push(`/** Raised when the ${g.noun()} ${g.pick(VERBS)} step fails. */\nexport class ${name} extends ${base} {\n  readonly code = '${domain.toUpperCase()}_${j}_${k}';\n\n  constructor(message: string, readonly ${g.noun()}Id?: string) {\n    super(message);\n    this.name = '${name}';\n  }\n}\n`);
  }
  return { classes, text: lines.join('\n') };
}

function taskFile(g, i, errorIndex, file, targets) {
  const domain = g.pick(DOMAINS);
  const errors = errorIndex.get(domain);
  const direct = g.pick(errors);
  const other = g.pick(errorIndex.get(g.pick(DOMAINS)));
  const useApp = g.chance(0.3);
  const parts = [
    useApp ? "import { app } from '../../app';" : "import { task, ConcurrencyControlType } from 'tasklens';",
    `import { ${errors[0].classes[0]} } from '../../errors/${domain}';`,
    `import { ${direct.classes.join(', ')} } from '../../errors/${domain}/${direct.file}';`,
    `import * as ${other.domain}Errors from '../../errors/${other.domain}/${other.file}';`,
    g.imports(g.int(1, 4), file, targets),
    "import { logger } from '../../logger';",
    "import { defaults } from '../../task-defaults';",
    '',
    g.interfaceDecl(`${g.typeName()}Payload${i}`),
    g.functionDecl(`prepare${cap(g.noun())}${i}`),
  ];
  const call = useApp ? 'app.task' : 'task';
  const concurrency = useApp ? "'keys'" : 'ConcurrencyControlType.KEYS';
  const retryFor = `[${errors[0].classes[0]}, ${g.pick(direct.classes)}, ${other.domain}Errors.${other.classes[0]}, TypeError]`;
  const n = g.int(2, 4);
  for (let k = 0; k < n; k++) {
    const name = `${g.pick(VERBS)}${cap(g.noun())}${i}_${k}`;
    const body = `{\n    logger.info('${name}', { ${g.noun()}Id });\n    const result = await prepare${cap(g.noun())}(${g.noun()}Id);\n    return result;\n  }`;
    const options = `{\n    max_retries: ${g.int(0, 5)},\n    retry_for: ${retryFor},\n    running_concurrency: ${concurrency},\n    key_arguments: ['${g.noun()}Id'],\n    parallel_batch_size: ${g.pick(['50', '100', 'limits.batch', '2 * 25'])},\n  }`;
    const form = (i + k) % 6;
    if (form === 0) parts.push(`export const ${name} = ${call}(async (${g.noun()}Id: string, attempt: number) => ${body}, ${options});\n`);
    else if (form === 1) parts.push(`export const ${name} = ${call}(${options}, async function ${name}Impl(${g.noun()}Id: string) ${body});\n`);
    else if (form === 2) parts.push(`export const ${name} = ${call}(${options})(async (${g.noun()}Id: string) => ${body});\n`);
    else if (form === 3) parts.push(`async function ${name}Handler(${g.noun()}Id: string, ...rest: unknown[]) ${body}\nexport const ${name} = ${call}(${name}Handler, { ...defaults, max_retries: ${g.int(1, 4)} });\n`);
    else if (form === 4) parts.push(`export const ${name} = ${call}(async (${g.noun()}Id: string) => ${body});\n`);
    else parts.push(`export const ${name} = ${call}(async (${g.noun()}Id: string) => ${body}, defaults);\n`);
  }
  return parts.join('\n');
}

/** Writes the workspace; returns its file list (relative paths) and some files to edit. */
function generateWorkspace(root, { total = 10_000, tasks = 1_000, errors = 300 } = {}) {
  const g = new Gen(42);
  const { files, write } = fileWriter(root);
  const errorIndex = new Map(DOMAINS.map((d) => [d, []]));
  for (let e = 0; e < errors; e++) {
    const domain = DOMAINS[e % DOMAINS.length];
    const j = errorIndex.get(domain).length;
    const { classes, text } = errorFile(g, domain, j, errorIndex);
    const file = `${g.noun()}-errors-${j}`;
    errorIndex.get(domain).push({ domain, file, classes });
    write(`src/errors/${domain}/${file}.ts`, text);
  }
  // Barrels: `import { X } from '../../errors/billing'` goes through index.ts.
  for (const domain of DOMAINS) write(`src/errors/${domain}/index.ts`, errorIndex.get(domain).map((e) => `export * from './${e.file}';`).join('\n') + '\n');
  write('src/logger.ts', "export const logger = { info: console.info, debug: console.debug };\n");
  write('src/app.ts', "import { createApp } from 'tasklens';\n\nexport const app = createApp({ name: 'bench' });\n");
  write('src/task-defaults.ts', 'export const defaults = { max_retries: 2, call_result_cache: false };\n');
  // Ordinary code imports other ordinary files that exist, as real code does.
  const ordinaryPaths = [];
  const ordinary = total - files.length - tasks;
  for (let i = 0; i < ordinary; i++) {
    const file = `src/features/${g.pick(DOMAINS)}/${g.pick(['components', 'services', 'models', 'utils', 'api'])}/${g.noun()}-${i}.ts`;
    write(file, ordinaryFile(g, i, file, ordinaryPaths));
    ordinaryPaths.push(file.slice(0, -3));
  }
  for (let i = 0; i < tasks; i++) {
    const file = `src/tasks/${g.pick(DOMAINS)}/${g.noun()}-tasks-${i}.ts`;
    write(file, taskFile(g, i, errorIndex, file, ordinaryPaths));
  }
  const taskEdit = files.find((f) => f.startsWith('src/tasks/'));
  const errorEdit = files.find((f) => f.startsWith('src/errors/') && !f.endsWith('index.ts'));
  return { files, taskEdit, errorEdit };
}

// ---------------------------------------------------------------------------
// Measuring.

const mb = (bytes) => bytes / (1024 * 1024);

function warmParser() {
  const g = new Gen(7);
  const errorIndex = new Map(DOMAINS.map((d) => [d, []]));
  for (let e = 0; e < 200; e++) {
    const domain = DOMAINS[e % DOMAINS.length];
    const j = errorIndex.get(domain).length;
    const { classes, text } = errorFile(g, domain, j, errorIndex);
    errorIndex.get(domain).push({ domain, file: `w${e}`, classes });
    ts.createSourceFile(`w/e${e}.ts`, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  }
  const targets = ['src/shared/a', 'src/shared/b', 'src/core/c'];
  for (let i = 0; i < 300; i++) ts.createSourceFile(`w/t${i}.ts`, taskFile(g, i, errorIndex, `src/tasks/t${i}.ts`, targets), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  for (let i = 0; i < 1500; i++) ts.createSourceFile(`w/o${i}.ts`, ordinaryFile(g, i, `src/features/x/o${i}.ts`, targets), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function scriptKind(file) {
  return file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
}

/** Re-indexes one file `runs` times with alternating edits; medians of update alone and update + queries (wall and CPU). */
function measureEdits(index, file, original, edit, runs = 41) {
  const updateOnly = [];
  const withQueries = [];
  const withQueriesCpu = [];
  for (let r = 0; r < runs; r++) {
    const text = edit(original, r);
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    index.update(file, text);
    updateOnly.push(ms(start));
    index.tasks();
    index.exceptionClasses();
    withQueries.push(ms(start));
    const used = process.cpuUsage(cpu);
    withQueriesCpu.push((used.user + used.system) / 1000);
  }
  index.update(file, original);
  return { updateMs: median(updateOnly), updateAndQueryMs: median(withQueries), updateAndQueryCpuMs: median(withQueriesCpu) };
}

/** TypeScript's parser alone on every file, texts already in memory, with the call the index makes. */
function parseEverything(root, files) {
  const texts = files.map((f) => fs.readFileSync(path.join(root, f), 'utf8'));
  collectGarbage();
  return timed(() => {
    for (let i = 0; i < files.length; i++) ts.createSourceFile(files[i], texts[i], ts.ScriptTarget.Latest, true, scriptKind(files[i]));
  });
}

/** Cold index: list, read and index every file, then the first queries (cross-file resolution). */
function indexEverything(root, TypeScriptIndex) {
  return timed(() => {
    const index = new TypeScriptIndex({ moduleRoot: '', taskFunctionNames: ['task'] });
    for (const file of listFiles(root)) index.update(file, fs.readFileSync(path.join(root, file), 'utf8'));
    const tasks = index.tasks();
    const classes = index.exceptionClasses();
    return { index, tasks, classes };
  });
}

const best = (runs, key) => Math.min(...runs.map((r) => r[key]));

/** Runs the benchmark, prints its table (unless `print` is false) and returns the numbers. */
export async function benchTypeScript({ total = 10_000, tasks = 1_000, errors = 300, rounds = 3, keep = false, print = true } = {}) {
  const { TypeScriptIndex } = require(path.join(REPO_ROOT, 'build/server/src/analysis/typescriptIndex.js'));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklens-bench-ts-'));
  try {
    const { files, taskEdit, errorEdit } = generateWorkspace(root, { total, tasks, errors });
    const bytes = files.reduce((sum, f) => sum + fs.statSync(path.join(root, f)).size, 0);

    // The parser's first thousand files run several times slower than the rest (JIT, heap growth):
    // warm it on a separate generated set so that both measurements see a warm parser.
    warmParser();

    // Interleaved rounds: on a shared machine one run can be slowed by others; the best of a few is stable.
    const parses = [];
    const colds = [];
    let indexed;
    let rssAfterIndexMb = 0;
    for (let round = 0; round < rounds; round++) {
      // A full GC leaves V8's young generation small, which slows the next second of
      // allocation-heavy work noticeably: both measurements start after one, as a fresh process would.
      indexed = undefined;
      collectGarbage();
      parses.push(parseEverything(root, files));
      collectGarbage();
      const cold = indexEverything(root, TypeScriptIndex);
      colds.push(cold);
      indexed = cold.value;
      cold.value = undefined;
      collectGarbage();
      // With only the index alive: what a language server would hold.
      if (round === 0) rssAfterIndexMb = mb(process.memoryUsage().rss);
    }
    const { index } = indexed;
    const stats = index.stats();

    // One-file edits: typing in a task file, and an error class changing its base (affects other files).
    const taskText = fs.readFileSync(path.join(root, taskEdit), 'utf8');
    const taskFileEdit = measureEdits(index, taskEdit, taskText, (t, r) => t.replace(/max_retries: \d+/, `max_retries: ${r % 7}`) + `\n// edit ${r}\n`);
    const errorText = fs.readFileSync(path.join(root, errorEdit), 'utf8');
    const errorFileEdit = measureEdits(index, errorEdit, errorText, (t, r) => (r % 2 === 0 ? t.replace(/extends (\w+)/, 'extends RangeError') : t) + `\n// edit ${r}\n`);

    const coldMs = best(colds, 'wallMs');
    const parseAllMs = best(parses, 'wallMs');
    const result = {
      files: files.length,
      megabytes: mb(bytes),
      parsedFiles: stats.parsed,
      classScannedFiles: stats.classScanned,
      skippedFiles: stats.skipped,
      tasks: indexed.tasks.length,
      exceptionClasses: indexed.classes.filter((c) => c.extendsError).length,
      classes: indexed.classes.length,
      rounds,
      coldMs,
      parseAllMs,
      ratio: coldMs / parseAllMs,
      firstRound: { coldMs: colds[0].wallMs, parseAllMs: parses[0].wallMs, ratio: colds[0].wallMs / parses[0].wallMs },
      cpu: { coldMs: best(colds, 'cpuMs'), parseAllMs: best(parses, 'cpuMs'), ratio: best(colds, 'cpuMs') / best(parses, 'cpuMs') },
      taskFileEdit,
      errorFileEdit,
      reindexMs: Math.max(taskFileEdit.updateAndQueryMs, errorFileEdit.updateAndQueryMs),
      rssAfterIndexMb,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      loadAverage: os.loadavg()[0],
      targets: TARGETS,
    };
    if (print) console.log(formatTypeScriptBench(result));
    return result;
  } finally {
    if (!keep) fs.rmSync(root, { recursive: true, force: true });
  }
}

function listFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|tsx|mts|cts)$/.test(entry.name)) out.push(path.relative(root, full).split(path.sep).join('/'));
    }
  };
  walk(root);
  return out;
}

export function formatTypeScriptBench(r) {
  const ok = (good) => (good ? 'ok' : 'MISSED');
  const row = (label, value, target = '', verdict = '') => `  ${label.padEnd(46)}${value.padStart(12)}  ${target.padEnd(12)}${verdict}`;
  const t = r.targets;
  return [
    `TypeScript index: ${r.files} files, ${r.megabytes.toFixed(1)} MB (${r.parsedFiles} parsed, ${r.classScannedFiles} class-scanned, ${r.skippedFiles} skipped)`,
    `  ${r.tasks} tasks, ${r.classes} classes of which ${r.exceptionClasses} exceptions; best of ${r.rounds} rounds; load average ${r.loadAverage.toFixed(1)}`,
    row('cold index (read + index + first queries)', `${r.coldMs.toFixed(0)} ms`, `< ${t.coldMs} ms`, ok(r.coldMs < t.coldMs)),
    row('parser alone, every file', `${r.parseAllMs.toFixed(0)} ms`),
    row('ratio cold index / parser alone', r.ratio.toFixed(2), `≤ ${t.ratio}`, ok(r.ratio <= t.ratio)),
    row('  first round: cold / parser / ratio', `${r.firstRound.coldMs.toFixed(0)} / ${r.firstRound.parseAllMs.toFixed(0)} / ${r.firstRound.ratio.toFixed(2)}`),
    row('  CPU time: cold / parser / ratio', `${r.cpu.coldMs.toFixed(0)} / ${r.cpu.parseAllMs.toFixed(0)} / ${r.cpu.ratio.toFixed(2)}`),
    row('task file edit: update (median)', `${r.taskFileEdit.updateMs.toFixed(2)} ms`),
    row('task file edit: update + tasks() + classes', `${r.taskFileEdit.updateAndQueryMs.toFixed(2)} ms`, `< ${t.reindexMs} ms`, ok(r.taskFileEdit.updateAndQueryMs < t.reindexMs)),
    row('  CPU time', `${r.taskFileEdit.updateAndQueryCpuMs.toFixed(2)} ms`),
    row('error file edit: update (median)', `${r.errorFileEdit.updateMs.toFixed(2)} ms`),
    row('error file edit: update + tasks() + classes', `${r.errorFileEdit.updateAndQueryMs.toFixed(2)} ms`, `< ${t.reindexMs} ms`, ok(r.errorFileEdit.updateAndQueryMs < t.reindexMs)),
    row('  CPU time', `${r.errorFileEdit.updateAndQueryCpuMs.toFixed(2)} ms`),
    row('RSS after cold index (after a GC)', `${r.rssAfterIndexMb.toFixed(0)} MB`, `< ${t.rssMb} MB`, ok(r.rssAfterIndexMb < t.rssMb)),
    row('peak RSS (whole run, incl. parse-all)', `${r.peakRssMb.toFixed(0)} MB`),
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await benchTypeScript();
}
