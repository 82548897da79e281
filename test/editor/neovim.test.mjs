// Tasklens outside VS Code: headless Neovim 0.7 (Debian's `neovim`) starts the
// bundled server with vim.lsp.start_client, attaches it to config.yaml and
// email.ts, and asks for diagnostics, hover, completion and a quick fix
// (test/editor/neovim/tasklens-test.lua). Run by `npm run test:editor`.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EDITOR_DIR, REPO_ROOT, copyDemo, demoPosition, makeTempRoot, removeTempRoot } from './harness.mjs';

const SERVER = join(REPO_ROOT, 'server', 'out', 'server.js');
const SCRIPT = join(EDITOR_DIR, 'neovim', 'tasklens-test.lua');

// Where things are in examples/demo, from its text.
/** The invalid `KEYS` value in config.yaml (TL004). */
const KEYS = demoPosition('config.yaml', 'KEYS');
/** The per-task max_retries of sendEmail in config.yaml, which .env beats. */
const SEND_EMAIL_RETRIES = demoPosition('config.yaml', 'max_retries: 5');
/** The .env line that wins for max_retries. */
const ENV_RETRIES = demoPosition('.env', 'PYNENC__CONFIGTASK__MAX_RETRIES=');

let root;
let results;
let nvimOutput = '';

function runNeovim(env) {
  return new Promise((resolve, reject) => {
    const child = spawn('nvim', ['--headless', '--clean', '-n', '-i', 'NONE', '-u', SCRIPT], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk) => (nvimOutput += chunk));
    child.stderr.on('data', (chunk) => (nvimOutput += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nvim did not finish within 120 s. It printed:\n${nvimOutput}`));
    }, 120_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** Text of an LSP Hover (MarkupContent, MarkedString or an array of them). */
function hoverText(hover) {
  if (!hover) return '';
  const contents = hover.contents;
  const part = (c) => (typeof c === 'string' ? c : c?.value ?? '');
  return Array.isArray(contents) ? contents.map(part).join('\n') : part(contents);
}

function completionLabels(result) {
  const items = Array.isArray(result) ? result : result?.items ?? [];
  return items.map((item) => item.label);
}

/** On failure, what Neovim and the Lua script saw. */
function context() {
  return `\n--- nvim output ---\n${nvimOutput || '(none)'}\n--- results ---\n${JSON.stringify(results, null, 2)?.slice(0, 6000)}`;
}

describe('Tasklens in headless Neovim 0.7 (vim.lsp.start_client)', { timeout: 5 * 60_000 }, () => {
  before(async () => {
    const version = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
    if (version.error) throw new Error('nvim not found: run `bash test/editor/install.sh` (Debian\'s neovim)');
    if (!existsSync(SERVER)) throw new Error(`${SERVER} does not exist: run \`npm run build\` first`);
    root = makeTempRoot('tasklens-nvim-');
    const folder = copyDemo(root);
    const out = join(root, 'results.json');
    const code = await runNeovim({ TASKLENS_SERVER: SERVER, TASKLENS_ROOT: folder, TASKLENS_OUT: out, TASKLENS_NODE: process.execPath });
    if (!existsSync(out)) throw new Error(`nvim exited with ${code} and wrote no results.${context()}`);
    results = JSON.parse(readFileSync(out, 'utf8'));
    if (!results.ok) throw new Error(`the Lua script failed (nvim exit ${code}): ${results.error}${context()}`);
  });

  after(() => {
    if (root) removeTempRoot(root);
  });

  test('config.yaml gets the Tasklens diagnostics, TL004 for KEYS among them', () => {
    assert.equal(results.filetype, 'yaml', context());
    assert.ok(results.diagnostics_complete, `TL004 and TL008 never both arrived${context()}`);
    const tl004 = results.diagnostics.find((d) => d.code === 'TL004');
    assert.ok(tl004, context());
    assert.match(tl004.message, /'KEYS' is not a valid ConcurrencyControlType value/);
    assert.equal(tl004.severity, 1, 'TL004 is an error');
    assert.deepEqual(tl004.range.start, { line: KEYS.line, character: KEYS.character });
    assert.equal(tl004.source, 'tasklens');
    const codes = new Set(results.diagnostics.map((d) => d.code));
    for (const code of ['TL004', 'TL008', 'TL012', 'TL013', 'TL015']) assert.ok(codes.has(code), `${code} missing${context()}`);
    // Neovim's own diagnostic list took them.
    assert.ok(
      results.nvim_diagnostics.some((d) => d.lnum === KEYS.line && /'KEYS'/.test(d.message)),
      `vim.diagnostic.get() has no KEYS entry${context()}`,
    );
  });

  test('hover on max_retries in the sendEmail section shows 7 from .env', () => {
    const text = hoverText(results.hover);
    assert.match(text, /max_retries/, context());
    assert.match(text, /Effective for `?src\.tasks\.email\.sendEmail`?\s*:\s*`?7/, context());
    assert.ok(text.includes(`PYNENC__CONFIGTASK__MAX_RETRIES (.env:${ENV_RETRIES.lineNumber})`), context());
    assert.ok(text.includes(`config.yaml:${SEND_EMAIL_RETRIES.lineNumber}`), context());
  });

  test('completion on a new line of a per-task section lists max_retries', () => {
    const labels = completionLabels(results.completion);
    assert.ok(labels.includes('max_retries'), `labels: ${labels.join(', ')}${context()}`);
    // Keys the chargeCard section already sets are not offered again.
    assert.ok(!labels.includes('running_concurrency'), `labels: ${labels.join(', ')}`);
  });

  test("the quick fix for KEYS, applied by Neovim, writes 'keys' and clears TL004", () => {
    const titles = (results.code_actions ?? []).map((a) => a.title);
    assert.ok(titles.includes("Change to 'keys'"), `code actions: ${titles.join(', ')}${context()}`);
    assert.equal(results.applied_action, "Change to 'keys'");
    assert.match(results.line14_after_fix, /^\s+running_concurrency: keys\b/);
    assert.ok(results.tl004_cleared, `TL004 was still published after the fix${context()}`);
  });

  test('hover on the sendEmail task name in email.ts shows its effective values', () => {
    assert.equal(results.ts_filetype, 'typescript');
    const text = hoverText(results.ts_hover);
    assert.match(text, /src\.tasks\.email\.sendEmail/, context());
    assert.match(text, new RegExp(`max_retries[^\\n]*7[^\\n]*\\.env:${ENV_RETRIES.lineNumber}`), context());
    assert.match(text, /running_concurrency[^\n]*keys/, context());
  });
});
