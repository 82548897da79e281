// A keystroke in a TypeScript task file with a large config open (issue 10: "a
// TypeScript keystroke with a 2,000-section config open → diagnostics under
// 50 ms"): the simple config, whose tasks no TypeScript file defines (so every
// section is a did-you-mean), beside the realistic generator's TypeScript files.
// Keystrokes in a function body (no task fact changes: the config need not be
// re-checked) and in a task's options (the config may change), each timed from
// `didChange` to that file's `publishDiagnostics`, debounce excluded.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateWorkspace, simpleConfig, workspaceTaskCount } from './generate.mjs';
import { median, percentile, configuredDebounce } from './lsp-bench.mjs';
import { now, sleep, startServer } from './lsp.mjs';

export const TS_EDIT_TARGET_MS = 50;

/** The first task file (in name order) with a function body line and a `max_retries` option to type into. */
function editableTaskFile(root) {
  const tasks = path.join(root, 'src', 'tasks');
  for (const dir of fs.readdirSync(tasks).sort()) {
    for (const name of fs.readdirSync(path.join(tasks, dir)).sort()) {
      const file = path.join(tasks, dir, name);
      const text = fs.readFileSync(file, 'utf8');
      if (/^\s+console\.log\(/m.test(text) && /max_retries: \d/.test(text)) return file;
    }
  }
  throw new Error('no generated task file has both a body line and a max_retries option');
}

/** One session: `keystrokes` of each kind; figures in ms, raw (the caller subtracts the debounce). */
async function session(root, keystrokes, timeoutMs) {
  const server = await startServer('tasklens', root, { timeoutMs });
  try {
    const configUri = pathToFileURL(path.join(root, 'config.yaml')).toString();
    const taskFile = editableTaskFile(root);
    const uri = pathToFileURL(taskFile).toString();
    const text = fs.readFileSync(taskFile, 'utf8');
    let opened = server.nextDiagnostics(configUri);
    server.notify('textDocument/didOpen', { textDocument: { uri: configUri, languageId: 'yaml', version: 1, text: fs.readFileSync(path.join(root, 'config.yaml'), 'utf8') } });
    await opened;
    opened = server.nextDiagnostics(uri);
    server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text } });
    await opened;
    await sleep(300);
    const lines = text.split('\n');
    const bodyLine = lines.findIndex((l) => /^\s+console\.log\(/.test(l));
    const optionLine = lines.findIndex((l) => /max_retries: \d/.test(l));
    const optionCol = lines[optionLine].search(/max_retries: \d/) + 'max_retries: '.length;
    let version = 1;
    const out = {};
    for (const [kind, line, character] of [['body', bodyLine, lines[bodyLine].search(/\S/)], ['options', optionLine, optionCol]]) {
      const times = [];
      let configRepublished = 0;
      for (let i = 0; i < keystrokes; i++) {
        version++;
        const published = server.nextDiagnostics(uri, { minVersion: version, ms: timeoutMs, what: `diagnostics after a ${kind} keystroke` });
        const config = server.nextDiagnostics(configUri, { ms: 2000 }).then(() => true, () => false);
        const range = kind === 'body' ? { start: { line, character }, end: { line, character } } : { start: { line, character }, end: { line, character: character + 1 } };
        const t = now();
        server.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text: kind === 'body' ? ' ' : String(i % 10) }] });
        const { at } = await published;
        times.push(at - t);
        if (await Promise.race([config, sleep(300).then(() => false)])) configRepublished++;
        await sleep(30);
      }
      out[kind] = { p50: percentile(times, 50), p95: percentile(times, 95), max: Math.max(...times), n: times.length, configRepublished };
    }
    return out;
  } finally {
    await server.stop();
  }
}

/** Median over `runs` sessions on one generated workspace. */
export async function benchTypeScriptEdits({ sections = 2000, runs = 3, keystrokes = 12, timeoutMs = 90_000, log = () => {} } = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklens-bench-tsedit-'));
  try {
    log(`ts edits: generating ${sections} simple sections and the TypeScript files of ${workspaceTaskCount(5000)} tasks`);
    const workspace = generateWorkspace(root, { tasks: workspaceTaskCount(5000) });
    fs.writeFileSync(path.join(root, 'config.yaml'), simpleConfig(sections).text);
    const debounce = configuredDebounce().tasklens;
    const results = [];
    for (let run = 0; run < runs; run++) {
      log(`ts edits: run ${run + 1}/${runs}`);
      results.push(await session(root, keystrokes, timeoutMs));
    }
    const of = (kind, key) => median(results.map((r) => r[kind][key]));
    const summary = {};
    for (const kind of ['body', 'options']) {
      summary[kind] = { p50: of(kind, 'p50') - debounce, p95: of(kind, 'p95') - debounce, rawP50: of(kind, 'p50'), max: of(kind, 'max'), configRepublished: results.map((r) => r[kind].configRepublished), n: results.map((r) => r[kind].n) };
    }
    return { sections, taskFiles: workspace.files.length, debounce, runs: results, summary };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** Table rows: measure, p50 / p95 after the debounce, raw p50, slowest, config re-published, target. */
export function tsEditRows(r) {
  const f = (n) => (n >= 100 ? Math.round(n).toString() : n.toFixed(1));
  return ['body', 'options'].map((kind) => {
    const s = r.summary[kind];
    const what = kind === 'body' ? 'keystroke in a function body' : "keystroke in a task's options";
    return [what, `${f(s.p50)} / ${f(s.p95)}`, f(s.rawP50), f(s.max), `${s.configRepublished.join('/')} of ${s.n.join('/')}`, `p50 < ${TS_EDIT_TARGET_MS}`, s.p50 < TS_EDIT_TARGET_MS ? 'ok' : 'MISSED'];
  });
}

export const TS_EDIT_HEADER = ['measure (ms; didChange → that file\'s diagnostics)', 'p50 / p95, debounce excl.', 'raw p50', 'slowest', 'config re-published', 'target', ''];
