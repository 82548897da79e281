// `npm run bench`: the numbers of issue 10, honestly measured.
//
//   yaml        Tasklens's language server against yaml-language-server 1.24.0 (given
//               bench/tasklens-config.schema.json), over LSP stdio, on the same
//               generated config.yaml and the same requests, in the same run.
//   cli         `tasklens check` and `tasklens explain` on realistic workspaces.
//   typescript  the TypeScript index on 10,000 files (scripts/bench-typescript.mjs).
//
// Options (see bench/README.md):
//   --only yaml,cli,typescript,tsedit   parts to run (default: all four)
//   --runs N                     LSP runs at 5,000 sections and more; each figure is the
//                                median of the runs (default 3)
//   --small-runs N               LSP runs below 5,000 sections (default 1)
//   --sizes 50,1000,5000         realistic config sizes (env BENCH_SIZES)
//   --simple-sizes 5000          sizes for the repo's original, simple generator ('' for none)
//   --large                      adds 50,000 sections to both (env BENCH_LARGE=1)
//   --budget S                   per measurement, stop sampling after S seconds once the
//                                minimum sample count is reached (default 8)
//   --timeout S                  longest wait for any answer or diagnostics (default 90)
//   --repeat-limit S             a session whose didOpen → diagnostics took longer than S
//                                seconds is not repeated in later runs (default 30)
//   --cli-sizes 5000,42000       CLI workspace sizes;  --cli-dense-sizes 42000 (every field in every section);  --cli-runs N (default 1);  --cli-timeout S (default 60)
//   --json FILE                  also write every raw figure as JSON (default .bench/last.json)
//   --write-readme               replace the results section of bench/README.md
//   --render FILE                measure nothing: render a saved JSON (from --json) into
//                                bench/README.md's results section
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchCli } from '../bench/cli-bench.mjs';
import { writeBenchWorkspace } from '../bench/generate.mjs';
import { benchSession, configuredDebounce, debounceFloor } from '../bench/lsp-bench.mjs';
import { REPO, SERVERS } from '../bench/lsp.mjs';
import { aggregate, CLI_HEADER, cliRows, comparisonRows, describeConfig, machine, markdownTable, printTable } from '../bench/report.mjs';
import { benchTypeScriptEdits, TS_EDIT_HEADER, tsEditRows } from '../bench/ts-edit-bench.mjs';

/** The parts `--only` chooses from; all of them by default. */
const PARTS = ['yaml', 'cli', 'typescript', 'tsedit'];

const list = (s) => (s === undefined || s === '' ? [] : String(s).split(',').map((x) => x.trim()).filter(Boolean));

export function parseArgs(argv) {
  const opts = {
    only: [...PARTS],
    runs: 3,
    smallRuns: 1,
    sizes: list(process.env.BENCH_SIZES ?? '50,1000,5000').map(Number),
    simpleSizes: [5000],
    large: process.env.BENCH_LARGE === '1',
    budgetMs: 8000,
    timeoutMs: 90_000,
    repeatLimitMs: 30_000,
    cliSizes: [5000, 42000],
    cliDenseSizes: [42000],
    cliRuns: 1,
    cliTimeoutMs: 60_000,
    json: path.join(REPO, '.bench', 'last.json'),
    writeReadme: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const number = (v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new Error(`${flag}: not a number: ${v}`);
      return n;
    };
    switch (flag) {
      case '--only': opts.only = list(value()); break;
      case '--runs': opts.runs = Math.max(1, Math.round(number(value()))); break;
      case '--small-runs': opts.smallRuns = Math.max(1, Math.round(number(value()))); break;
      case '--sizes': opts.sizes = list(value()).map(number); break;
      case '--simple-sizes': opts.simpleSizes = list(value()).map(number); break;
      case '--large': opts.large = true; break;
      case '--budget': opts.budgetMs = number(value()) * 1000; break;
      case '--timeout': opts.timeoutMs = number(value()) * 1000; break;
      case '--repeat-limit': opts.repeatLimitMs = number(value()) * 1000; break;
      case '--cli-sizes': opts.cliSizes = list(value()).map(number); break;
      case '--cli-dense-sizes': opts.cliDenseSizes = list(value()).map(number); break;
      case '--cli-runs': opts.cliRuns = Math.max(1, Math.round(number(value()))); break;
      case '--cli-timeout': opts.cliTimeoutMs = number(value()) * 1000; break;
      case '--json': opts.json = path.resolve(value()); break;
      case '--write-readme': opts.writeReadme = true; break;
      case '--render': opts.render = list(value()).map((f) => path.resolve(f)); break;
      case '-h': case '--help':
        console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
        process.exit(0);
        break;
      default: throw new Error(`unknown option ${argv[i]} (try --help)`);
    }
  }
  for (const part of opts.only) if (!PARTS.includes(part)) throw new Error(`--only: unknown part ${part} (${PARTS.join(', ')})`);
  if (opts.large) {
    if (!opts.sizes.includes(50000)) opts.sizes.push(50000);
    if (!opts.simpleSizes.includes(50000)) opts.simpleSizes.push(50000);
  }
  return opts;
}

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s`;
const log = (m) => console.error(`[bench ${elapsed()}] ${m}`);

async function benchYaml(opts) {
  const floors = {};
  for (const name of Object.keys(SERVERS)) {
    log(`${name}: measuring the debounce on a one-section file`);
    floors[name] = await debounceFloor(name, { timeoutMs: opts.timeoutMs });
  }
  const matrix = [...opts.sizes.map((s) => ['realistic', s]), ...opts.simpleSizes.map((s) => ['simple', s])];
  const results = [];
  for (const [generator, sections] of matrix) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), `tasklens-bench-${generator}-${sections}-`));
    try {
      log(`generating ${generator} ${sections}`);
      const config = writeBenchWorkspace(root, generator, sections);
      const runs = { tasklens: [], 'yaml-language-server': [] };
      const given = { tasklens: undefined, 'yaml-language-server': undefined };
      const runCount = sections >= 5000 ? opts.runs : opts.smallRuns;
      for (let run = 0; run < runCount; run++) {
        // Alternate which server goes first, so neither always meets a warmer machine.
        const order = run % 2 === 0 ? ['tasklens', 'yaml-language-server'] : ['yaml-language-server', 'tasklens'];
        for (const name of order) {
          if (given[name]) continue;
          log(`${generator} ${sections}, run ${run + 1}/${runCount}: ${name} (load ${os.loadavg()[0].toFixed(1)})`);
          const r = await benchSession(name, root, config, { run, budgetMs: opts.budgetMs, timeoutMs: opts.timeoutMs, log: (m) => log(`  ${m}`) });
          r.load = os.loadavg()[0];
          runs[name].push(r);
          // A session that timed out is not repeated: the next would time out too, and cost as much.
          if (r.error) given[name] = `run ${run + 1}: ${r.error}`;
          // Nor is one so slow that every later run would cost minutes: its figures come from fewer runs.
          else if (r.openToDiagnostics > opts.repeatLimitMs) given[name] = `run ${run + 1}: didOpen → diagnostics took ${(r.openToDiagnostics / 1000).toFixed(0)} s (over --repeat-limit ${opts.repeatLimitMs / 1000} s): not repeated`;
        }
      }
      const { text, sections: _s, classFields: _c, genericFields: _g, workspaceTasks: _w, ...shape } = config;
      const entry = { config: shape, raw: runs, notRepeated: Object.values(given).filter(Boolean) };
      results.push(entry);
      printComparison(entry);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }
  return { floors, debounce: configuredDebounce(), results };
}

/** The medians of one (generator, size) entry, recomputed from its raw runs. */
function aggregates(entry) {
  const debounce = configuredDebounce();
  return { tasklens: aggregate(entry.raw.tasklens, debounce.tasklens), peer: aggregate(entry.raw['yaml-language-server'], debounce['yaml-language-server']) };
}

const COMPARISON_HEADER = ['measure (p50 / p95)', 'tasklens', SERVERS['yaml-language-server'].label, 'peer ÷ ours', 'target', ''];

function printComparison(entry) {
  const { tasklens, peer } = aggregates(entry);
  const rows = comparisonRows(entry.config.sectionCount, tasklens, peer);
  printTable(`${describeConfig(entry.config)} — median of ${Math.max(tasklens.runs, peer.runs)} run(s)`, COMPARISON_HEADER, rows);
  const n = (a) => Object.entries(a.n).map(([k, v]) => `${k} ${v.join('/')}`).join(', ');
  console.log(`  samples per run — tasklens: ${n(tasklens)}`);
  console.log(`  samples per run — peer: ${n(peer)}`);
  for (const [who, agg] of [['tasklens', tasklens], ['peer', peer]]) for (const e of agg.errors) console.log(`  ${who}: ${e}`);
}

function markdownResults(all) {
  const m = all.machine;
  const out = [`### ${m.date.slice(0, 16).replace('T', ' ')} UTC — \`${all.command}\``, '', `Measured ${m.date} on ${m.nproc} cores (${m.cpu}), ${m.memory} RAM, Node ${m.node}; load average at start ${m.load}. Command: \`${all.command}\`; wall time of the whole run ${all.totalSeconds.toFixed(0)} s.`, ''];
  if (all.yaml) {
    const d = configuredDebounce();
    out.push(`"keystroke → diagnostics" subtracts each server's debounce: tasklens ${d.tasklens} ms, yaml-language-server ${d['yaml-language-server']} ms (from their sources). Measured on a one-section file, keystroke → diagnostics p50 was ${all.yaml.floors.tasklens.toFixed(1)} ms and ${all.yaml.floors['yaml-language-server'].toFixed(1)} ms: the debounce plus the smallest fixed cost.`, '');
    for (const entry of all.yaml.results) {
      const { tasklens, peer } = aggregates(entry);
      const n = (a) => Object.entries(a.n).map(([k, v]) => `${k} ${v.join('/')}`).join(', ');
      out.push(`**${describeConfig(entry.config)}**, median of ${Math.max(tasklens.runs, peer.runs)} run(s):`, '');
      out.push(markdownTable(COMPARISON_HEADER, comparisonRows(entry.config.sectionCount, tasklens, peer)));
      out.push('', `Samples per run — tasklens: ${n(tasklens) || 'none'}; peer: ${n(peer) || 'none'}.`);
      const errors = [...tasklens.errors.map((e) => `tasklens: ${e}`), ...peer.errors.map((e) => `peer: ${e}`), ...(entry.notRepeated ?? []).filter((e) => e.includes('not repeated')).map((e) => `not repeated: ${e}`)];
      if (errors.length > 0) out.push('', ...errors.map((e) => `- ${e}`));
      out.push('');
    }
    out.push('¹ no heap figure: that server offers no memory request (RSS only; Tasklens answers `$/tasklens/memory`). ² yaml-language-server has no "indexed" signal: initialize + 200 ms.', '');
  }
  if (all.cli) {
    out.push('**CLI** (realistic workspaces):', '', markdownTable(CLI_HEADER, cliRows(all.cli)), '');
    for (const rec of all.cli) {
      const codes = rec.check.find((r) => r.codes)?.codes;
      if (codes) out.push(`Problems \`check\` reports at ${rec.sections.toLocaleString('en-US')} sections: ${Object.entries(codes).sort().map(([c, k]) => `${c} ${k.toLocaleString('en-US')}`).join(', ')}.`, '');
    }
  }
  if (all.tsEdit) {
    out.push(`**A TypeScript keystroke with a ${all.tsEdit.sections.toLocaleString('en-US')}-section config open** (the simple config, whose tasks no TypeScript file defines, beside ${all.tsEdit.taskFiles} generated TypeScript files; median of ${all.tsEdit.runs.length} runs of 12 keystrokes each; debounce ${all.tsEdit.debounce} ms):`, '', markdownTable(TS_EDIT_HEADER, tsEditRows(all.tsEdit)), '');
  }
  if (all.typescript) {
    const t = all.typescript;
    out.push('**TypeScript index** (10,000 files):', '', markdownTable(['measure', 'value', 'target', ''], [
      ['cold index (read + index + first queries)', `${t.coldMs.toFixed(0)} ms`, `< ${t.targets.coldMs} ms`, t.coldMs < t.targets.coldMs ? 'ok' : 'MISSED'],
      ['ratio cold index / TypeScript parse-all', t.ratio.toFixed(2), `≤ ${t.targets.ratio}`, t.ratio <= t.targets.ratio ? 'ok' : 'MISSED'],
      ['one-file re-index + queries (worst of task/error file)', `${t.reindexMs.toFixed(2)} ms`, `< ${t.targets.reindexMs} ms`, t.reindexMs < t.targets.reindexMs ? 'ok' : 'MISSED'],
      ['RSS after cold index', `${t.rssAfterIndexMb.toFixed(0)} MB`, `< ${t.targets.rssMb} MB`, t.rssAfterIndexMb < t.targets.rssMb ? 'ok' : 'MISSED'],
    ]), '');
  }
  return out.join('\n');
}

function writeReadme(markdown) {
  const readme = path.join(REPO, 'bench', 'README.md');
  const text = fs.readFileSync(readme, 'utf8');
  const start = text.indexOf('<!-- results:start -->');
  const end = text.indexOf('<!-- results:end -->');
  if (start < 0 || end < 0) throw new Error('bench/README.md has no <!-- results:start --> / <!-- results:end --> markers');
  fs.writeFileSync(readme, `${text.slice(0, start)}<!-- results:start -->\n${markdown}\n${text.slice(end)}`);
  console.log('bench/README.md results updated.');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.render) {
    // Several saved runs may be given, comma-separated: their parts are rendered in order.
    const saved = opts.render.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
    writeReadme(saved.map(markdownResults).join('\n'));
    return;
  }
  if (!fs.existsSync(path.join(REPO, 'server', 'out', 'server.js'))) throw new Error('server/out/server.js is missing: run `npm run build` first (npm run bench does)');
  const all = { machine: machine(), command: `node scripts/bench.mjs ${process.argv.slice(2).join(' ')}`.trim(), options: opts };
  console.log(`Tasklens bench — ${all.machine.date}; ${all.machine.nproc} cores, ${all.machine.memory} RAM, Node ${all.machine.node}, load ${all.machine.load}`);
  if (opts.only.includes('yaml')) all.yaml = await benchYaml(opts);
  if (opts.only.includes('cli') && opts.cliSizes.length + opts.cliDenseSizes.length > 0) {
    all.cli = await benchCli({ sizes: opts.cliSizes, denseSizes: opts.cliDenseSizes, runs: opts.cliRuns, timeoutMs: opts.cliTimeoutMs, log });
    printTable('CLI (realistic and dense workspaces; median of runs)', CLI_HEADER, cliRows(all.cli));
  }
  if (opts.only.includes('tsedit')) {
    all.tsEdit = await benchTypeScriptEdits({ runs: opts.runs, timeoutMs: opts.timeoutMs, log });
    printTable(`A TypeScript keystroke with a ${all.tsEdit.sections.toLocaleString('en-US')}-section config open (${all.tsEdit.taskFiles} TypeScript files; median of ${all.tsEdit.runs.length} runs)`, TS_EDIT_HEADER, tsEditRows(all.tsEdit));
  }
  if (opts.only.includes('typescript')) {
    log('TypeScript index');
    const { benchTypeScript } = await import('./bench-typescript.mjs');
    console.log('');
    all.typescript = await benchTypeScript();
  }
  all.totalSeconds = (Date.now() - started) / 1000;
  console.log(`\nWhole run: ${all.totalSeconds.toFixed(0)} s.`);
  fs.mkdirSync(path.dirname(opts.json), { recursive: true });
  fs.writeFileSync(opts.json, JSON.stringify(all, (k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1));
  console.log(`Raw figures: ${path.relative(process.cwd(), opts.json)}`);
  const markdown = markdownResults(all);
  if (opts.writeReadme) writeReadme(markdown);
  else {
    fs.writeFileSync(opts.json.replace(/\.json$/, '.md'), markdown + '\n');
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`bench: ${e.message}`);
    process.exit(1);
  });
}
