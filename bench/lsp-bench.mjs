// One benchmark session: one server, one generated workspace, the requests of
// issue 10, each timed over LSP stdio. The same positions (seeded per run) are
// used for both servers of a run.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Rng, simpleConfig } from './generate.mjs';
import { REPO, now, sleep, startServer, TimeoutError } from './lsp.mjs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
import * as fs from 'node:fs';
import * as os from 'node:os';

export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function median(values) {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const stats = (times) => ({ p50: percentile(times, 50), p95: percentile(times, 95), n: times.length });

/**
 * Runs `once(i)` (returns milliseconds) up to `n` times; stops early once `budgetMs`
 * is spent and at least `min` samples exist, or once five budgets are spent whatever
 * the count, so that a very slow server costs bounded time (the count is reported).
 */
async function sample(once, { n, min, budgetMs }) {
  const times = [];
  const start = now();
  for (let i = 0; i < n; i++) {
    times.push(await once(i));
    const spent = now() - start;
    if ((times.length >= min && spent > budgetMs) || spent > 5 * budgetMs) break;
  }
  return stats(times);
}

const INT_FIELDS = new Set(['max_retries', 'parallel_batch_size']);
const VALUE_COMPLETION_FIELDS = new Set(['running_concurrency', 'registration_concurrency', 'call_result_cache', 'force_new_workflow', 'on_diff_non_key_args_raise', 'reroute_on_concurrency_control']);

/** A completion position in `section`: the end of an enum/bool value, else inside a field key. */
function completionTarget(g, section) {
  const valued = section.fields.filter((f) => VALUE_COMPLETION_FIELDS.has(f.name) && f.valueCol >= 0 && !/^["']/.test(f.value));
  if (valued.length > 0 && g.chance(0.5)) {
    const f = g.pick(valued);
    return { line: f.line, character: f.valueCol + f.value.length };
  }
  const f = g.pick(section.fields);
  return { line: f.line, character: f.keyCol + Math.min(3, f.keyLen) };
}

/** Sections with an int field whose value ends in a digit: a keystroke can change that digit. */
function editableFields(config) {
  const out = [];
  for (const s of config.sections) {
    const f = s.fields.find((x) => INT_FIELDS.has(x.name) && x.valueCol >= 0 && /\d$/.test(x.value));
    if (f) out.push({ section: s, field: f, character: f.valueCol + f.value.length - 1 });
  }
  return out;
}

/**
 * Measures one server on the workspace at `root` whose config.yaml was generated
 * as `config`. Returns the figures; a timeout or a crash ends the session and is
 * reported in `error`, with the figures measured so far.
 */
export async function benchSession(serverName, root, config, { run = 0, budgetMs = 20_000, timeoutMs = 120_000, log = () => {} } = {}) {
  const file = path.join(root, 'config.yaml');
  const uri = pathToFileURL(file).toString();
  const text = config.text;
  const g = new Rng(1000 + run);
  const result = { server: serverName, sections: config.sectionCount, generator: config.generator };
  let server;
  const step = async (label, work) => {
    log(`${serverName}: ${label}`);
    result[label] = await work();
  };
  try {
    server = await startServer(serverName, root, { timeoutMs });
    result.readyMs = server.readyMs;
    let version = 1;

    // didOpen → first diagnostics.
    const opened = server.nextDiagnostics(uri, { ms: timeoutMs, what: 'first diagnostics after didOpen' });
    const openStart = now();
    server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
    const first = await opened;
    result.openToDiagnostics = first.at - openStart;
    result.diagnosticsAtOpen = first.params.diagnostics.length;
    const openDiagnostics = first.params.diagnostics;
    await sleep(300);
    result.rssAfterOpenMb = server.memory().rssMb;

    const textDocument = { uri };
    const withFields = config.sections.filter((s) => s.fields.length > 0);
    const rq = (method, params) => server.request(method, params, timeoutMs);

    // Hover on a per-task field: a different section (and column inside the key) each time.
    await step('hoverTask', () => sample(async () => {
      const s = g.pick(withFields);
      const f = g.pick(s.fields);
      const t = now();
      await rq('textDocument/hover', { textDocument, position: { line: f.line, character: f.keyCol + g.int(0, f.keyLen - 1) } });
      return now() - t;
    }, { n: 60, min: 50, budgetMs }));

    // Hover on a class-level field (`task:` level): reaches every task.
    await step('hoverClass', () => sample(async (i) => {
      const f = config.classFields[i % config.classFields.length];
      const t = now();
      await rq('textDocument/hover', { textDocument, position: { line: f.line, character: f.keyCol + g.int(0, f.keyLen - 1) } });
      return now() - t;
    }, { n: 50, min: 50, budgetMs }));

    // Completion without an edit before it.
    await step('completion', () => sample(async () => {
      const position = completionTarget(g, g.pick(withFields));
      const t = now();
      await rq('textDocument/completion', { textDocument, position, context: { triggerKind: 1 } });
      return now() - t;
    }, { n: 50, min: 10, budgetMs }));

    // Code action on positions with diagnostics (from the server's own first diagnostics).
    const targets = g.sample(openDiagnostics, 60);
    await step('codeAction', async () => (targets.length === 0 ? { p50: NaN, p95: NaN, n: 0 } : sample(async (i) => {
      const d = targets[i % targets.length];
      const t = now();
      await rq('textDocument/codeAction', { textDocument, range: d.range, context: { diagnostics: [d], only: ['quickfix'] } });
      return now() - t;
    }, { n: 60, min: 10, budgetMs })));

    // Keystrokes: change the last digit of an int value, as a user typing does.
    const editable = editableFields(config);
    if (editable.length === 0) throw new Error('the generated file has no int value to type into');
    const current = new Map();
    const keystroke = (target) => {
      const key = `${target.field.line}:${target.character}`;
      const before = current.get(key) ?? target.field.value.at(-1);
      const digit = String((Number(before) + 1 + g.int(0, 7)) % 10);
      current.set(key, digit);
      version++;
      server.notify('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ range: { start: { line: target.field.line, character: target.character }, end: { line: target.field.line, character: target.character + 1 } }, text: digit }],
      });
    };
    // The waiter for an edit's diagnostics is registered before the edit is sent, so
    // that diagnostics arriving right behind another answer are never missed.
    const diagnosticsOfNextEdit = (what) => server.nextDiagnostics(uri, { minVersion: version + 1, ms: timeoutMs, what });

    // Completion right after a keystroke in the same section: didChange sent, then the
    // completion; timed from the didChange to the answer (the server must take the edit first).
    await step('completionAfterEdit', () => sample(async () => {
      const target = g.pick(editable);
      const position = completionTarget(g, target.section);
      const quiet = diagnosticsOfNextEdit('diagnostics after an edit');
      const t = now();
      keystroke(target);
      await rq('textDocument/completion', { textDocument, position, context: { triggerKind: 1 } });
      const ms = now() - t;
      // Wait for that edit's diagnostics, so the next sample starts from a quiet server.
      await quiet;
      await sleep(20);
      return ms;
    }, { n: 30, min: serverName === 'tasklens' ? 10 : 5, budgetMs }));

    // Keystroke → diagnostics: didChange to the publishDiagnostics of that version
    // (the caller subtracts the debounce, `configuredDebounce()`).
    await step('keystrokeRaw', () => sample(async () => {
      const target = g.pick(editable);
      const published = diagnosticsOfNextEdit('diagnostics after a keystroke');
      const t = now();
      keystroke(target);
      const { at } = await published;
      await sleep(20);
      return at - t;
    }, { n: 15, min: 5, budgetMs }));

    // Heap: only through a request the server offers; none exists today (RSS only).
    try {
      const mem = await server.request('$/tasklens/memory', {}, 3000);
      if (mem && typeof mem.heapUsed === 'number') result.heapUsedMb = mem.heapUsed / (1024 * 1024);
    } catch {
      result.heapUsedMb = NaN;
    }
    const { peakRssMb, childPeakRssMb } = server.memory();
    Object.assign(result, { peakRssMb, childPeakRssMb });
  } catch (e) {
    result.error = e instanceof TimeoutError ? `timeout: ${e.message}` : String(e.message ?? e);
    log(`${serverName}: ${result.error}`);
    if (server) result.peakRssMb ??= server.memory().peakRssMb;
  } finally {
    if (server) await server.stop();
  }
  return result;
}

/**
 * Each server's diagnostics debounce, read from its source: Tasklens's
 * `VALIDATION_DELAY_MS`, yaml-language-server's `validationDelayMs`. This is what
 * "keystroke → diagnostics (debounce excluded)" subtracts.
 */
export function configuredDebounce() {
  const read = (file, re, fallback) => {
    try {
      return Number(re.exec(fs.readFileSync(file, 'utf8'))?.[1] ?? fallback);
    } catch {
      return fallback;
    }
  };
  return {
    tasklens: read(path.join(REPO, 'server', 'src', 'server.ts'), /VALIDATION_DELAY_MS = (\d+)/, 30),
    'yaml-language-server': read(path.join(path.dirname(require.resolve('yaml-language-server/package.json')), 'out', 'server', 'src', 'yamlSettings.js'), /validationDelayMs = (\d+)/, 200),
  };
}

/**
 * The time from a keystroke to its diagnostics on a one-section file: the server's
 * debounce plus its smallest fixed cost. Printed beside the configured debounce, as a
 * check that the debounce subtracted is the one in force.
 */
export async function debounceFloor(serverName, { samples = 15, timeoutMs = 30_000 } = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `tasklens-bench-floor-${serverName}-`));
  const config = simpleConfig(1);
  fs.writeFileSync(path.join(root, 'config.yaml'), config.text);
  const uri = pathToFileURL(path.join(root, 'config.yaml')).toString();
  const server = await startServer(serverName, root, { timeoutMs });
  try {
    const opened = server.nextDiagnostics(uri, { ms: timeoutMs });
    server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: config.text } });
    await opened;
    await sleep(200);
    const f = config.sections[0].fields[0];
    const times = [];
    for (let i = 0; i < samples; i++) {
      const version = i + 2;
      const published = server.nextDiagnostics(uri, { minVersion: version, ms: timeoutMs });
      const t = now();
      server.notify('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ range: { start: { line: f.line, character: f.valueCol }, end: { line: f.line, character: f.valueCol + 1 } }, text: String(i % 10) }],
      });
      const { at } = await published;
      times.push(at - t);
      await sleep(30);
    }
    return percentile(times, 50);
  } finally {
    await server.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}
