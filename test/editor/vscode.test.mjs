// Tasklens in a real VS Code: code-server 4.100.3 (VS Code 1.100.3) with the
// packaged .vsix installed, driven through its UI by Debian's Chromium with
// playwright-core. Run by `npm run test:editor` (after test/editor/install.sh
// and `npm run package`), never by the root `npm test`.
//
// Each step saves a screenshot in test/editor/output/. With
// TASKLENS_UPDATE_DOCS=1 the four the README shows are copied to docs/.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  OUTPUT_DIR,
  REPO_ROOT,
  copyDemo,
  demoPosition,
  ensureVsix,
  launchChromium,
  makeTempRoot,
  removeTempRoot,
  startCodeServer,
} from './harness.mjs';

const STEP_TIMEOUT = 180_000;
const WAIT = 60_000;
const DOCS_SCREENSHOTS = {
  'problems.png': 'problems.png',
  'hover.png': 'hover.png',
  'tasks-view.png': 'tasks-view.png',
  'environment-hover.png': 'environment-hover.png',
};

// Where things are in examples/demo, from its text (1-based, as VS Code shows them).
/** The invalid `KEYS` value in config.yaml (TL004). */
const KEYS = demoPosition('config.yaml', 'KEYS');
/** The per-task max_retries of sendEmail in config.yaml, which .env beats. */
const SEND_EMAIL_RETRIES = demoPosition('config.yaml', 'max_retries: 5');
/** The .env line that wins for max_retries. */
const ENV_RETRIES = demoPosition('.env', 'PYNENC__CONFIGTASK__MAX_RETRIES=');
/** The task() option max_retries in email.ts. */
const OPTION_RETRIES = demoPosition('src/tasks/email.ts', 'max_retries: 2');
/** The .env.production line that wins for max_retries in the production environment. */
const PRODUCTION_RETRIES = demoPosition('.env.production', 'PYNENC__CONFIGTASK__MAX_RETRIES=');

let root;
let folder;
let server;
let browser;
let page;
const pageErrors = [];

/** Polls `read()` until `accept(text)`; on time-out the error shows the last text read. */
async function waitForText(what, read, accept, timeout = WAIT) {
  const deadline = Date.now() + timeout;
  let last = '';
  let lastError;
  for (;;) {
    try {
      last = normalize(await read());
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeout} ms waiting for ${what}.\nLast text seen:\n${last || '(nothing)'}` +
          (lastError ? `\nLast error: ${lastError.message.split('\n')[0]}` : ''),
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function normalize(text) {
  return String(text ?? '').replace(/\u00a0/g, ' ');
}

/** The inner text of every visible element `selector` matches, joined. */
async function visibleText(selector) {
  return page.evaluate((sel) => {
    return [...document.querySelectorAll(sel)]
      .filter((el) => el.offsetParent !== null || el.getClientRects().length > 0)
      .map((el) => el.innerText)
      .join('\n');
  }, selector);
}

async function screenshot(name) {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const path = join(OUTPUT_DIR, name);
  await page.screenshot({ path });
  if (process.env.TASKLENS_UPDATE_DOCS && DOCS_SCREENSHOTS[name]) {
    mkdirSync(join(REPO_ROOT, 'docs'), { recursive: true });
    copyFileSync(path, join(REPO_ROOT, 'docs', DOCS_SCREENSHOTS[name]));
  }
  return path;
}

/**
 * Runs one UI step; when it fails, saves `<name>-failure.png` and adds to the
 * error what the page showed, the page's errors and the Tasklens output channel.
 */
async function step(name, body) {
  try {
    await body();
  } catch (error) {
    let report = '';
    try {
      const shot = await screenshot(`${name}-failure.png`);
      report += `\nScreenshot: ${shot}`;
      const shown = normalize(await page.locator('.monaco-workbench').innerText({ timeout: 5000 }));
      report += `\n--- the workbench showed ---\n${shown.slice(0, 6000)}`;
    } catch (dumpError) {
      report += `\n(could not capture the page: ${dumpError.message.split('\n')[0]})`;
    }
    if (pageErrors.length) report += `\n--- page errors ---\n${pageErrors.slice(-20).join('\n')}`;
    if (server) {
      report += `\n--- Tasklens output channel ---\n${server.tasklensLog().slice(-4000) || '(empty)'}`;
      if (server.exited()) report += `\n--- code-server exited ${JSON.stringify(server.exited())} ---\n${server.output().slice(-3000)}`;
    }
    error.message += report;
    throw error;
  }
}

const editor = () => page.locator('.editor-group-container.active .editor-instance .monaco-editor').first();

/**
 * The rendered line of the active editor whose text matches `pattern`. Monaco
 * renders spaces as U+00A0: write them as `\s` in patterns.
 */
function line(pattern) {
  return editor().locator('.view-line', { hasText: pattern });
}

/** The token span `token` (exact text) on the line matching `linePattern`. */
function token(linePattern, tokenText) {
  return line(linePattern).locator('span > span', { hasText: new RegExp(`^${tokenText.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).first();
}

/** The text of the active editor's rendered lines, in line order (Monaco reuses line nodes out of order). */
async function editorText() {
  const text = await editor()
    .locator('.view-lines')
    .evaluate((lines) =>
      [...lines.querySelectorAll('.view-line')]
        .map((el) => ({ top: parseFloat(el.style.top) || 0, text: el.innerText }))
        .sort((a, b) => a.top - b.top)
        .map((l) => l.text)
        .join('\n'),
    );
  return normalize(text);
}

/** Moves the focus in the open action widget (the Ctrl+. menu) to the row with `title` and applies it. */
async function applyAction(title) {
  for (let i = 0; i < 10; i++) {
    const focused = normalize(await visibleText('.action-widget .monaco-list-row.focused'));
    if (focused.includes(title)) {
      await page.keyboard.press('Enter');
      return;
    }
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`no row '${title}' in the quick fix menu: ${normalize(await visibleText('.action-widget'))}`);
}

async function openFromExplorer(name) {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: new RegExp(`^\\s*${name.replace('.', '\\.')}\\s*$`) });
  await row.first().click({ timeout: WAIT });
  await waitForText(`the ${name} tab to be active`, () => visibleText('.tabs-container .tab.active'), (t) => t.includes(name));
  await editor().locator('.view-lines').waitFor({ timeout: WAIT });
}

async function quickOpen(fileName) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: WAIT });
  await input.fill(fileName);
  await waitForText(`Quick Open to list ${fileName}`, () => visibleText('.quick-input-list .monaco-list-row'), (t) => t.includes(fileName));
  await page.keyboard.press('Enter');
  await waitForText(`the ${fileName} tab to be active`, () => visibleText('.tabs-container .tab.active'), (t) => t.includes(fileName));
  await editor().locator('.view-lines').waitFor({ timeout: WAIT });
}

async function dismissWidgets() {
  await page.keyboard.press('Escape');
  await page.mouse.move(5, 400);
}

/** Hovers `target` with the mouse until a hover shows text that `accept` takes. */
async function hoverUntil(what, target, accept) {
  await target.waitFor({ state: 'visible', timeout: WAIT });
  // The first hover may come before the server answers (the TS side is indexed
  // lazily): move away and back until the hover has what we wait for.
  return waitForText(
    what,
    async () => {
      const shown = await visibleText('.monaco-hover-content');
      if (accept(normalize(shown))) return shown;
      await page.mouse.move(5, 400);
      await target.hover();
      await page.waitForTimeout(800);
      return visibleText('.monaco-hover-content');
    },
    accept,
  );
}

/**
 * A task's row in the Tasks view: its name, then (no space in innerText) the
 * description 'fails to configure' when it has problems.
 */
const TASK_ROW = (name) => new RegExp(`^\\s*${name}(?:\\s*fails to configure)?\\s*$`, 'm');

/** The Explorer's Tasks section (its header reads TASKS). */
function tasksPane() {
  return page.locator('.sidebar .pane').filter({ has: page.locator('.pane-header[aria-label^="Tasks"]') });
}

/** Clicks the Tasklens environment item (showing `from`) and chooses `to` in its quick pick. */
async function pickEnvironment(from, to) {
  await page.locator('.statusbar .statusbar-item', { hasText: `Tasklens: ${from}` }).first().click();
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: WAIT });
  const listed = await waitForText(`the environment quick pick to list ${to}`, () => visibleText('.quick-input-list .monaco-list-row'), (t) => t.includes(to));
  assert.match(listed, /production/);
  assert.match(listed, /local/);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: new RegExp(`^\\s*${to}\\b`) }).first().click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: WAIT });
}

describe('Tasklens in code-server (VS Code 1.100.3)', { timeout: 15 * 60_000 }, () => {
  before(async () => {
    const vsix = ensureVsix();
    root = makeTempRoot();
    folder = copyDemo(root);
    server = await startCodeServer({ root, vsix, folder, log: (line) => process.env.TASKLENS_DEBUG && console.error(line) });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(WAIT);
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text().slice(0, 500)}`);
    });
    await step('startup', async () => {
      await page.goto(server.folderUrl, { timeout: WAIT });
      await page.locator('.monaco-workbench').waitFor({ timeout: WAIT });
      // The status bar item appears once the server has indexed the workspace.
      const status = await waitForText(
        'the Tasklens status bar item to count the tasks',
        () => visibleText('.statusbar'),
        (t) => /\b\d+ tasks?\b/.test(t) || /Tasklens stopped/.test(t),
        90_000,
      );
      assert.doesNotMatch(status, /Tasklens stopped/, 'the Tasklens server stopped');
      assert.match(status, /\b4 tasks\b/, 'the demo declares four tasks');
    });
  });

  after(async () => {
    await browser?.close().catch(() => {});
    server?.stop();
    if (root) removeTempRoot(root);
  });

  test('opening config.yaml shows the TL004 KEYS problem in the Problems panel', { timeout: STEP_TIMEOUT }, async () => {
    await step('problems', async () => {
      await openFromExplorer('config.yaml');
      await page.keyboard.press('Control+Shift+M');
      const problems = await waitForText(
        "Tasklens's TL004 'KEYS' problem in the Problems panel",
        () => visibleText('.markers-panel'),
        (t) => /'KEYS' is not a valid ConcurrencyControlType/.test(t) && /TL004/.test(t) && /TL008/.test(t),
      );
      assert.match(problems, /'KEYS' is not a valid ConcurrencyControlType value[^\n]*did you mean 'keys'\?/);
      assert.ok(new RegExp(`TL004[\\s\\S]*Ln ${KEYS.lineNumber}, Col ${KEYS.column}`).test(problems), problems);
      assert.match(problems, /No task 'src\.tasks\.billing\.refnd'/);
      // The squiggle is in the editor too.
      await editor().locator('.squiggly-error').first().waitFor({ state: 'attached', timeout: WAIT });
      // For a clean screenshot: until TextMate tokenization catches up, line 1's
      // comment is plain text and bracket pair colorization colors its brackets.
      await waitForText(
        "line 1's comment to be tokenized",
        () => line(/^#\sTask\sconfiguration/).evaluate((el) => [...el.querySelectorAll('span > span')].map((s) => s.className).join(' ')),
        (classes) => classes !== '' && !/\bmtk1\b|bracket-highlighting/.test(classes),
        10_000,
      ).catch(() => {});
      await screenshot('problems.png');
    });
  });

  test('hovering max_retries in a per-task section shows the effective value and its source', { timeout: STEP_TIMEOUT }, async () => {
    await step('hover', async () => {
      await dismissWidgets();
      const key = token(/^\s*max_retries:\s5\b/, 'max_retries');
      const hover = await hoverUntil(
        'a hover with the effective max_retries of src.tasks.email.sendEmail',
        key,
        (t) => /Effective for\s+src\.tasks\.email\.sendEmail\s*:\s*7/.test(t),
      );
      assert.match(hover, /max_retries\s+—\s+int, default\s+0/);
      assert.match(hover, new RegExp(`PYNENC__CONFIGTASK__MAX_RETRIES \\(\\.env:${ENV_RETRIES.lineNumber}\\)\\s+'7'`), `the winner comes from .env line ${ENV_RETRIES.lineNumber}`);
      assert.ok(hover.includes(`config.yaml:${SEND_EMAIL_RETRIES.lineNumber} (task)`), hover);
      assert.match(hover, new RegExp(`task\\(\\) options \\(src/tasks/email\\.ts:${OPTION_RETRIES.lineNumber}\\)\\s+2`));
      await screenshot('hover.png');
      await dismissWidgets();
    });
  });

  test("the quick fix for 'KEYS' changes it to 'keys' and clears the problem", { timeout: STEP_TIMEOUT }, async () => {
    await step('quickfix', async () => {
      await dismissWidgets();
      await token(/running_concurrency:\sKEYS/, 'KEYS').click();
      await page.keyboard.press('Control+Period');
      const menu = await waitForText(
        'the quick fix menu to offer Change to \'keys\'',
        () => visibleText('.action-widget'),
        (t) => t.includes("Change to 'keys'"),
      );
      await screenshot('quickfix-menu.png');
      assert.match(menu, /Change to 'keys'/);
      // The keyboard, as a user would: a mouse click is swallowed by the menu's pointer block.
      await applyAction("Change to 'keys'");
      await waitForText(`line ${KEYS.lineNumber} to read running_concurrency: keys`, editorText, (t) => /running_concurrency: keys\b/.test(t));
      const problems = await waitForText(
        'the TL004 problem to leave the Problems panel',
        () => visibleText('.markers-panel'),
        (t) => !/TL004/.test(t) && /TL008/.test(t),
      );
      assert.doesNotMatch(problems, /'KEYS'/);
      assert.doesNotMatch(await editorText(), /KEYS/);
      await screenshot('quickfix-applied.png');
    });
  });

  test('Ctrl+Space in a per-task section suggests max_retries', { timeout: STEP_TIMEOUT }, async () => {
    await step('completion', async () => {
      await dismissWidgets();
      // A new key in the chargeCard section, which sets no max_retries yet.
      await token(/reroute_on_concurrency_control:\strue/, 'true').click();
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      await page.keyboard.type('max');
      await page.keyboard.press('Control+Space');
      const suggestions = await waitForText(
        'the suggest widget to list max_retries',
        () => visibleText('.suggest-widget .monaco-list-row'),
        (t) => /\bmax_retries\b/.test(t),
      );
      assert.match(suggestions, /max_retries/);
      // A field (not a word of the file: word-based suggestions are off).
      const row = page.locator('.suggest-widget .monaco-list-row', { hasText: 'max_retries' }).first();
      const icon = await row.locator('.suggest-icon').getAttribute('class');
      assert.doesNotMatch(icon, /codicon-symbol-text/, `max_retries is suggested as a plain word (${icon})`);
      await screenshot('completion.png');
      await page.keyboard.press('Enter');
      await waitForText('max_retries to be inserted', editorText, (t) => /reroute_on_concurrency_control: true\s+max_retries:/.test(t));
      await dismissWidgets();
    });
  });

  test('in src/tasks/email.ts a hover on sendEmail shows its effective values', { timeout: STEP_TIMEOUT }, async () => {
    await step('typescript-hover', async () => {
      await dismissWidgets();
      await quickOpen('email.ts');
      const name = token(/export\sconst\ssendEmail\s=\stask\(/, 'sendEmail');
      const hover = await hoverUntil(
        "Tasklens's hover on the sendEmail task",
        name,
        (t) => /src\.tasks\.email\.sendEmail/.test(t) && /max_retries/.test(t) && /\.env/.test(t),
      );
      assert.match(hover, /max_retries[^\n]*7/, 'max_retries is 7, from .env');
      assert.match(hover, /running_concurrency[^\n]*keys/);
      await screenshot('typescript-hover.png');
    });
  });

  test('the Tasks view lists the tasks by module, and sendEmail expands to its effective fields', { timeout: STEP_TIMEOUT }, async () => {
    await step('tasks-view', async () => {
      await dismissWidgets();
      // The Explorer, with its Tasks section open (it may start collapsed).
      await page.keyboard.press('Control+Shift+E');
      const header = tasksPane().locator('.pane-header');
      await header.waitFor({ state: 'visible', timeout: WAIT });
      if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
      // Room for sendEmail's eleven fields: fold the folder tree above (the tests after this use Quick Open).
      const folders = page.locator('.sidebar .pane-header', { hasText: /^\s*demo\b/i }).first();
      if ((await folders.getAttribute('aria-expanded')) === 'true') await folders.click();
      const rows = tasksPane().locator('.pane-body .monaco-list-row');
      const listed = await waitForText(
        'the Tasks view to list src.tasks.email with sendEmail',
        () => visibleText('.sidebar .pane:has(.pane-header[aria-label^="Tasks"]) .pane-body .monaco-list-row'),
        (t) => /^\s*src\.tasks\.email\s*$/m.test(t) && TASK_ROW('sendEmail').test(t),
      );
      assert.match(listed, /^\s*src\.tasks\.billing\s*$/m, listed);
      assert.match(listed, TASK_ROW('chargeCard'), listed);
      // sendEmail sits under its module: the module row comes first, one level up.
      const moduleRow = rows.filter({ hasText: /^\s*src\.tasks\.email\s*$/ }).first();
      const taskRow = rows.filter({ hasText: TASK_ROW('sendEmail') }).first();
      assert.equal(await moduleRow.getAttribute('aria-level'), '1');
      assert.equal(await taskRow.getAttribute('aria-level'), '2');
      // A click on the task opens its source; its twistie expands it.
      const fields = await waitForText(
        'sendEmail to expand to max_retries: 7 from .env',
        async () => {
          if ((await taskRow.getAttribute('aria-expanded')) !== 'true') {
            await taskRow.locator('.monaco-tl-twistie').click();
            await page.waitForTimeout(1000);
          }
          return visibleText('.sidebar .pane:has(.pane-header[aria-label^="Tasks"]) .pane-body .monaco-list-row');
        },
        (t) => /max_retries: 7/.test(t),
      );
      const retriesRow = normalize(await rows.filter({ hasText: 'max_retries: 7' }).first().innerText());
      assert.match(
        retriesRow,
        new RegExp(`max_retries: 7\\s*PYNENC__CONFIGTASK__MAX_RETRIES \\(\\.env:${ENV_RETRIES.lineNumber}\\)`),
        `the row shows the .env line that wins (${retriesRow})`,
      );
      assert.equal(await rows.filter({ hasText: 'max_retries: 7' }).first().getAttribute('aria-level'), '3');
      assert.match(fields, /running_concurrency: /, fields);
      await screenshot('tasks-view.png');
    });
  });

  test('picking production in the status bar makes the hover on max_retries: 5 show 12', { timeout: STEP_TIMEOUT }, async () => {
    await step('environment', async () => {
      await dismissWidgets();
      // The demo declares its environments in tasklens.json, which the language
      // server does not read (only the CLI does: see docs/editor-tests.md). The same
      // environments as the workspace setting, in the temp copy, until it does.
      const settingsFile = join(folder, '.vscode', 'settings.json');
      const environments = JSON.parse(readFileSync(join(folder, 'tasklens.json'), 'utf8')).environments;
      mkdirSync(join(folder, '.vscode'), { recursive: true });
      writeFileSync(settingsFile, JSON.stringify({ 'tasklens.environments': environments }, null, 2));
      const item = page.locator('.statusbar .statusbar-item', { hasText: 'Tasklens: default' });
      await item.first().waitFor({ state: 'visible', timeout: WAIT });
      await pickEnvironment('default', 'production');
      await waitForText('the status bar to show Tasklens: production', () => visibleText('.statusbar'), (t) => /Tasklens: production/.test(t));
      await page.locator('.tabs-container .tab', { hasText: 'config.yaml' }).first().click();
      await waitForText('the config.yaml tab to be active', () => visibleText('.tabs-container .tab.active'), (t) => t.includes('config.yaml'));
      const key = token(/^\s*max_retries:\s5\b/, 'max_retries');
      const hover = await hoverUntil(
        'a hover with the production max_retries of src.tasks.email.sendEmail',
        key,
        (t) => /Effective for\s+src\.tasks\.email\.sendEmail\s*:\s*12\b/.test(t),
      );
      assert.ok(
        hover.includes(`PYNENC__CONFIGTASK__MAX_RETRIES (.env.production:${PRODUCTION_RETRIES.lineNumber})`),
        `the winner comes from .env.production line ${PRODUCTION_RETRIES.lineNumber}:\n${hover}`,
      );
      await screenshot('environment-hover.png');
      await dismissWidgets();
      // Back to the default environment, for whatever runs next.
      await pickEnvironment('production', 'default');
      await waitForText('the status bar to show Tasklens: default again', () => visibleText('.statusbar'), (t) => /Tasklens: default/.test(t));
      await hoverUntil('the hover to show 7 again', key, (t) => /Effective for\s+src\.tasks\.email\.sendEmail\s*:\s*7\b/.test(t));
      await dismissWidgets();
      // The workspace settings as they were: the demo has none.
      rmSync(join(folder, '.vscode'), { recursive: true, force: true });
    });
  });

  test('a TypeScript-only workspace gets no Tasklens status item', { timeout: STEP_TIMEOUT }, async () => {
    await step('no-tasklens-workspace', async () => {
      // The same code-server, another folder: one .ts file, no config, no .env, no pyproject.
      const plain = join(root, 'plain-ts');
      mkdirSync(plain, { recursive: true });
      writeFileSync(join(plain, 'index.ts'), 'export function add(a: number, b: number): number {\n  return a + b;\n}\n');
      await page.goto(`${server.url}?folder=${encodeURIComponent(plain).replace(/%2F/g, '/')}`, { timeout: WAIT });
      await page.locator('.monaco-workbench').waitFor({ timeout: WAIT });
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'index.ts' }).first().waitFor({ timeout: WAIT });
      await quickOpen('index.ts');
      // TypeScript's own status item shows the language is up; give Tasklens the
      // time it takes in the demo to show its items, then some.
      await waitForText('the status bar to show the TypeScript language', () => visibleText('.statusbar'), (t) => /TypeScript/.test(t));
      await page.waitForTimeout(10_000);
      const status = normalize(await visibleText('.statusbar'));
      assert.doesNotMatch(status, /Tasklens/, status);
      assert.doesNotMatch(status, /\b\d+ tasks?\b|Indexing…/, status);
      const ids = await page.locator('.statusbar [id*="tasklens" i]').count();
      assert.equal(ids, 0, 'no status bar entry of the Tasklens extension');
      await screenshot('no-tasklens-workspace.png');
    });
  });
});
