// Tasklens in a real VS Code: code-server 4.100.3 (VS Code 1.100.3) with the
// packaged .vsix installed, driven through its UI by Debian's Chromium with
// playwright-core. Run by `npm run test:editor` (after test/editor/install.sh
// and `npm run package`), never by the root `npm test`.
//
// Each step saves a screenshot in test/editor/output/. With
// TASKLENS_UPDATE_DOCS=1 the four the README shows are copied to docs/.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  DEMO_DIR,
  OUTPUT_DIR,
  PYTHON_DEMO_DIR,
  REPO_ROOT,
  copyDemo,
  copyExample,
  demoPosition,
  examplePosition,
  ensureVsix,
  folderUrl,
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

/** The whole line of an example file that holds `needle`. */
function exampleLine(dir, file, needle) {
  const found = readFileSync(join(dir, file), 'utf8').split('\n').find((l) => l.includes(needle));
  if (found === undefined) throw new Error(`'${needle}' is not in ${dir}/${file}`);
  return found;
}
/** The env var of .env.production that targets chargeCard, which renaming its config.yaml section renames too. */
const CHARGE_CARD_ENV = exampleLine(DEMO_DIR, '.env.production', 'SRC.TASKS.BILLING#CHARGECARD__');
/** The per-task env var of .env that targets sendDigest in src/tasks/email.ts, which moving the file renames. */
const SEND_DIGEST_ENV = exampleLine(DEMO_DIR, '.env', 'SRC.TASKS.EMAIL#SENDDIGEST__');

// Where things are in examples/demo-python.
/** The decorator option max_retries=3 of place_order in orders.py. */
const PY_OPTION_RETRIES = examplePosition(PYTHON_DEMO_DIR, 'src/shop/tasks/orders.py', 'max_retries=3');
/** The .env line that wins for place_order's max_retries. */
const PY_ENV_RETRIES = examplePosition(PYTHON_DEMO_DIR, '.env', 'PYNENC__CONFIGTASK__SHOP.TASKS.ORDERS#PLACE_ORDER__MAX_RETRIES=');
/** The config.yaml and pyproject.toml values place_order's .env value beats. */
const PY_CONFIG_RETRIES = examplePosition(PYTHON_DEMO_DIR, 'config.yaml', 'max_retries: 5');
const PY_PYPROJECT_RETRIES = examplePosition(PYTHON_DEMO_DIR, 'pyproject.toml', 'max_retries = 2');
/** The last option of send_receipt's decorator in emails.py, after which the test types. */
const PY_RECEIPT_LAST_OPTION = examplePosition(PYTHON_DEMO_DIR, 'src/shop/tasks/emails.py', 'parallel_batch_size=0)');

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

/** Opens a code-server URL and waits for the workbench. */
async function openWorkbench(url) {
  await page.goto(url, { timeout: WAIT });
  await page.locator('.monaco-workbench').waitFor({ timeout: WAIT });
}

/** The status bar once the Tasklens item counts the tasks (the server has indexed); fails if the server stopped. */
async function tasklensStatus(what) {
  const status = await waitForText(what, () => visibleText('.statusbar'), (t) => /\b\d+ tasks?\b/.test(t) || /Tasklens stopped/.test(t), 90_000);
  assert.doesNotMatch(status, /Tasklens stopped/, 'the Tasklens server stopped');
  return status;
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

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Matches an element whose whole text is `text` (give `.env`, and `.env.production` does not match). */
const exactly = (text) => new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`);

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
  return line(linePattern).locator('span > span', { hasText: new RegExp(`^${escapeRegExp(tokenText)}$`) }).first();
}

/**
 * The text of the active editor's rendered lines, in line order (Monaco reuses
 * line nodes out of order), without the inlay hints (` → 7 (…)`): the file's text
 * as far as it is on screen. Monaco renders an inlay hint as a span with a
 * `dyn-rule-*` class of its own.
 */
async function editorText() {
  const text = await editor()
    .locator('.view-lines')
    .evaluate((lines) =>
      [...lines.querySelectorAll('.view-line')]
        .map((el) => {
          const copy = el.cloneNode(true);
          for (const hint of copy.querySelectorAll('[class*="dyn-rule-"]')) hint.remove();
          return { top: parseFloat(el.style.top) || 0, text: copy.textContent };
        })
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
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: exactly(name) });
  await row.first().click({ timeout: WAIT });
  await waitForText(`the ${name} tab to be active`, () => visibleText('.tabs-container .tab.active'), (t) => t.includes(name));
  await editor().locator('.view-lines').waitFor({ timeout: WAIT });
}

/**
 * Opens (or shows) the workspace file named `fileName` through Quick Open
 * (Ctrl+P), choosing the row with exactly that name (`.env`, not `.env.production`)
 * with the arrow keys. The list changes while file search results arrive, so the
 * row in focus is checked just before Enter, and the tab that opens after it.
 */
async function quickOpen(fileName) {
  const input = page.locator('.quick-input-widget input');
  const rowNames = () => page.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
  const focusedName = async () => normalize((await page.locator('.quick-input-list .monaco-list-row.focused .label-name').allInnerTexts())[0]).trim();
  const isRow = (name) => name === fileName;
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+P');
    await input.waitFor({ state: 'visible', timeout: WAIT });
    await input.fill(fileName);
    await waitForText(`Quick Open to list ${fileName}`, async () => (await rowNames()).join('\n'), (t) => t.split('\n').some((n) => isRow(n.trim())));
    for (let i = 0; i < 10 && !isRow(await focusedName()); i++) await page.keyboard.press('ArrowDown');
    if (isRow(await focusedName())) {
      await page.keyboard.press('Enter');
      try {
        await waitForText(`the ${fileName} tab to be active`, () => visibleText('.tabs-container .tab.active .label-name'), (t) => t.trim() === fileName, attempt === 3 ? WAIT : 5000);
        break;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    } else if (attempt === 3) {
      throw new Error(`Quick Open did not focus ${fileName} (focused: ${await focusedName()})`);
    }
    await page.keyboard.press('Escape');
  }
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

/** A row of the Explorer's folder tree whose name is exactly `name`. */
function explorerRow(name) {
  return page.locator('.explorer-folders-view .monaco-list-row', { hasText: exactly(name) }).first();
}

/** The Explorer with the folder tree of `folderName` open, and the Tasks section folded to give it room. */
async function showFolderTree(folderName) {
  await page.keyboard.press('Control+Shift+E');
  const folders = page.locator('.sidebar .pane-header', { hasText: new RegExp(`^\\s*${escapeRegExp(folderName)}\\s*$`, 'im') }).first();
  await folders.waitFor({ state: 'visible', timeout: WAIT });
  if ((await folders.getAttribute('aria-expanded')) !== 'true') await folders.click();
  const tasks = tasksPane().locator('.pane-header');
  if ((await tasks.getAttribute('aria-expanded')) === 'true') await tasks.click();
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: WAIT });
}

/** Expands the Explorer folder `name` (a click on a folder row toggles it, so only when it is folded). */
async function expandFolder(name) {
  const row = explorerRow(name);
  await row.waitFor({ state: 'visible', timeout: WAIT });
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
  await waitForText(`the ${name} folder to be expanded`, () => row.getAttribute('aria-expanded'), (t) => t === 'true');
}

/** The modal dialog (a confirmation) once it shows text `accept` takes. */
async function dialogShowing(what, accept, timeout = WAIT) {
  return waitForText(what, () => visibleText('.monaco-dialog-box'), accept, timeout);
}

/** Clicks the button labelled `label` in the open dialog and waits for the dialog to close. */
async function pressDialogButton(label) {
  await page.locator('.monaco-dialog-box .monaco-button', { hasText: exactly(label) }).first().click();
  await page.locator('.monaco-dialog-box').waitFor({ state: 'hidden', timeout: WAIT });
}

/** Chooses `label` in the open context menu with the keyboard (a click right after the menu opens is ignored). */
async function chooseFromContextMenu(label) {
  await page.locator('.context-view .monaco-menu').first().waitFor({ state: 'visible', timeout: WAIT });
  const seen = [];
  for (let i = 0; i < 30; i++) {
    const focused = normalize((await page.locator('.context-view .monaco-menu .action-item.focused').allInnerTexts()).join(' '));
    if (focused.startsWith(label)) {
      await page.keyboard.press('Enter');
      return;
    }
    seen.push(focused);
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`no item '${label}' in the context menu: ${seen.join(' | ')}`);
}

/** The Problems panel rows (one per problem, with its message, source, code and position). */
function problemRow(...texts) {
  let rows = page.locator('.markers-panel .monaco-list-row');
  for (const text of texts) rows = rows.filter({ hasText: text });
  return rows;
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
      await openWorkbench(server.folderUrl);
      // The status bar item appears once the server has indexed the workspace.
      const status = await tasklensStatus('the Tasklens status bar item to count the tasks');
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
      // The demo declares its environments only in tasklens.json: the server reads
      // them from there when the editor's settings name none, so no setup.
      assert.ok(!existsSync(join(folder, '.vscode')), 'the demo has no workspace settings');
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
      // The workspace settings as they were: picking wrote tasklens.environment there, and the demo has none.
      rmSync(join(folder, '.vscode'), { recursive: true, force: true });
    });
  });

  test('F2 on a per-task key renames the task id and the env var that targets it; Ctrl+Z restores both', { timeout: STEP_TIMEOUT }, async () => {
    await step('rename', async () => {
      await dismissWidgets();
      const oldId = 'src.tasks.billing.chargeCard';
      const newId = 'src.tasks.payments.chargeCustomer';
      // The env var names the task as <MODULE>#<FUNC>, upper-cased.
      const renamedEnv = CHARGE_CARD_ENV.replace('SRC.TASKS.BILLING#CHARGECARD__', 'SRC.TASKS.PAYMENTS#CHARGECUSTOMER__');
      // Both files as the editor shows them now (earlier tests edited config.yaml): the rename must change only the id.
      await quickOpen('.env.production');
      const envBefore = await waitForText('.env.production to show the chargeCard env var', editorText, (t) => t.split('\n').includes(CHARGE_CARD_ENV));
      await quickOpen('config.yaml');
      const configBefore = await waitForText(`config.yaml to show the ${oldId} section`, editorText, (t) => t.includes(`  ${oldId}:`));
      await token(/^\s*src\.tasks\.billing\.chargeCard:/, 'chargeCard').click();
      await page.keyboard.press('F2');
      // The rename box offers the whole task id (prepareRename), not the word under the cursor.
      const input = page.locator('.rename-box input');
      await input.waitFor({ state: 'visible', timeout: WAIT });
      await waitForText('the rename box to offer the task id', () => input.inputValue(), (t) => t === oldId);
      // Typing replaces the offered id (it opens selected), once the box has the focus: before, keys go to the editor.
      await waitForText('the rename box to take the focus', () => input.evaluate((el) => String(el === document.activeElement)), (t) => t === 'true');
      await page.keyboard.type(newId);
      await waitForText('the rename box to read the new id', () => input.inputValue(), (t) => t === newId);
      await screenshot('rename-box.png');
      await page.keyboard.press('Enter');
      await input.waitFor({ state: 'hidden', timeout: WAIT });
      const config = await waitForText(`the section key to read ${newId}`, editorText, (t) => t.includes(`  ${newId}:`));
      assert.equal(config, configBefore.replace(`  ${oldId}:`, `  ${newId}:`), 'only the section key changed');
      // The env var in .env.production (the demo's env file that targets chargeCard) follows.
      await quickOpen('.env.production');
      const env = await waitForText(`.env.production to read ${renamedEnv}`, editorText, (t) => t.split('\n').includes(renamedEnv));
      assert.equal(env, envBefore.replace(CHARGE_CARD_ENV, renamedEnv), 'only the env var changed');
      await screenshot('renamed-env.png');
      // One undo in config.yaml takes back the whole rename, in both files.
      await quickOpen('config.yaml');
      await line(new RegExp(`^\\s*${escapeRegExp(newId)}:`)).click();
      await page.keyboard.press('Control+Z');
      await waitForText(
        `the section key to read ${oldId} again`,
        async () => {
          // VS Code may ask whether to undo in every file the rename changed.
          const dialog = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^\s*Undo in \d+ Files\s*$/ });
          if (await dialog.count()) await dialog.first().click();
          return editorText();
        },
        (t) => t === configBefore,
      );
      await quickOpen('.env.production');
      await waitForText('.env.production to read the chargeCard env var again', editorText, (t) => t === envBefore);
    });
  });

  test('moving src/tasks/email.ts to src/jobs/email.ts in the Explorer renames its tasks in config.yaml and .env', { timeout: STEP_TIMEOUT }, async () => {
    await step('move-file', async () => {
      await dismissWidgets();
      const movedEnv = SEND_DIGEST_ENV.replace('SRC.TASKS.EMAIL#', 'SRC.JOBS.EMAIL#');
      // Both files as the editor shows them now: the move must change only the ids of email.ts's tasks.
      await quickOpen('.env');
      const envBefore = await waitForText('.env to show the sendDigest env var', editorText, (t) => t.split('\n').includes(SEND_DIGEST_ENV));
      await quickOpen('config.yaml');
      const configBefore = await waitForText('config.yaml to show the sendEmail section', editorText, (t) => t.includes('  src.tasks.email.sendEmail:'));
      await showFolderTree('demo');
      await expandFolder('src');
      await expandFolder('tasks');
      // A new folder src/jobs, from the context menu of src.
      await explorerRow('src').click({ button: 'right' });
      await chooseFromContextMenu('New Folder');
      const nameBox = page.locator('.explorer-folders-view .monaco-inputbox input');
      await nameBox.waitFor({ state: 'visible', timeout: WAIT });
      await page.keyboard.type('jobs');
      await page.keyboard.press('Enter');
      await explorerRow('jobs').waitFor({ state: 'visible', timeout: WAIT });
      // Drag email.ts onto it; the Explorer asks before it moves.
      for (let attempt = 1; ; attempt++) {
        await explorerRow('email.ts').dragTo(explorerRow('jobs'));
        try {
          await dialogShowing("the Explorer to ask before moving 'email.ts' into 'jobs'", (t) => t.includes("move 'email.ts' into 'jobs'"), 15_000);
          break;
        } catch (error) {
          // A drop the Explorer did not take (the machine was slow): drag again.
          if (attempt === 3 || (await page.locator('.monaco-dialog-box').count())) throw error;
        }
      }
      await pressDialogButton('Move');
      // Before the file moves, Tasklens's willRenameFiles edits come with their own confirmation.
      const asked = await dialogShowing('the dialog about the refactoring edits of the move', (t) => /wants to make refactoring changes with this file move/.test(t));
      assert.match(asked, /Extension 'Tasklens'/, asked);
      await screenshot('move-refactoring-dialog.png');
      await pressDialogButton('OK');
      await waitForText(
        'email.ts to leave src/tasks in the Explorer',
        () => visibleText('.explorer-folders-view .monaco-list-row'),
        (t) => /^\s*tasks\s*\n\s*billing\.ts\s*$/m.test(t) && !/^\s*billing\.ts\s*\n\s*email\.ts\s*$/m.test(t),
      );
      await expandFolder('jobs');
      await waitForText(
        'the Explorer to show email.ts in src/jobs',
        () => visibleText('.explorer-folders-view .monaco-list-row'),
        (t) => /^\s*jobs\s*\n\s*email\.ts\s*\n\s*tasks\s*\n\s*billing\.ts\s*$/m.test(t),
      );
      await quickOpen('config.yaml');
      const config = await waitForText('the sendEmail section to read src.jobs.email.sendEmail', editorText, (t) => /^\s*src\.jobs\.email\.sendEmail:/m.test(t));
      assert.equal(config, configBefore.replace('  src.tasks.email.sendEmail:', '  src.jobs.email.sendEmail:'), 'only the section of the moved task changed');
      // The server knows the task under its new id: the section's values reach it.
      const hover = await hoverUntil(
        'a hover with the effective max_retries of src.jobs.email.sendEmail',
        token(/^\s*max_retries:\s5\b/, 'max_retries'),
        (t) => /Effective for\s+src\.jobs\.email\.sendEmail\s*:\s*7\b/.test(t),
      );
      assert.match(hover, /task\(\) options \(src\/jobs\/email\.ts:\d+\)/, hover);
      await screenshot('moved-config.png');
      await dismissWidgets();
      await quickOpen('.env');
      const env = await waitForText(`.env to read ${movedEnv}`, editorText, (t) => t.split('\n').includes(movedEnv));
      assert.equal(env, envBefore.replace(SEND_DIGEST_ENV, movedEnv), 'only the env var of the moved task changed');
      await screenshot('moved-env.png');
    });
  });

  test('a TypeScript-only workspace gets no Tasklens status item', { timeout: STEP_TIMEOUT }, async () => {
    await step('no-tasklens-workspace', async () => {
      // The same code-server, another folder: one .ts file, no config, no .env, no pyproject.
      const plain = join(root, 'plain-ts');
      mkdirSync(plain, { recursive: true });
      writeFileSync(join(plain, 'index.ts'), 'export function add(a: number, b: number): number {\n  return a + b;\n}\n');
      await openWorkbench(folderUrl(server.url, plain));
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

  test('in a Python workspace, a hover on a decorator option shows the effective value and its sources', { timeout: STEP_TIMEOUT }, async () => {
    await step('python-hover', async () => {
      // The same code-server, another folder: a copy of examples/demo-python.
      const python = copyExample(root, PYTHON_DEMO_DIR);
      await openWorkbench(folderUrl(server.url, python));
      const status = await tasklensStatus('the Tasklens status bar item to count the Python tasks');
      assert.match(status, /\b6 tasks\b/, 'demo-python declares six pynenc tasks (the Celery one is not counted)');
      await quickOpen('orders.py');
      const hover = await hoverUntil(
        'a hover with the effective max_retries of shop.tasks.orders.place_order',
        token(/^\s*max_retries=3\b/, 'max_retries'),
        (t) => /Effective for\s+shop\.tasks\.orders\.place_order\s*:\s*7\b/.test(t),
      );
      assert.ok(
        hover.includes(`PYNENC__CONFIGTASK__SHOP.TASKS.ORDERS#PLACE_ORDER__MAX_RETRIES (.env:${PY_ENV_RETRIES.lineNumber})`),
        `the winner comes from .env line ${PY_ENV_RETRIES.lineNumber}:\n${hover}`,
      );
      assert.match(hover, new RegExp(`config\\.yaml:${PY_CONFIG_RETRIES.lineNumber} \\(task\\)\\s+5`), hover);
      assert.match(hover, new RegExp(`pyproject\\.toml:${PY_PYPROJECT_RETRIES.lineNumber} \\(class\\)\\s+2`), hover);
      assert.match(hover, new RegExp(`decorator options \\(src/shop/tasks/orders\\.py:${PY_OPTION_RETRIES.lineNumber}\\)[^\\n]*\\s+3`), hover);
      await screenshot('python-hover.png');
      await dismissWidgets();
    });
  });

  test('in a decorator, typing retry_ offers retry_for, and running_concurrency="KEYS" is a problem', { timeout: STEP_TIMEOUT }, async () => {
    await step('python-completion', async () => {
      await dismissWidgets();
      await quickOpen('emails.py');
      // Inside send_receipt's @app.task(...), which sets no retry_for yet: before its closing parenthesis.
      await token(/^@app\.task\(call_result_cache=True\b.*\bparallel_batch_size=0\)$/, 'parallel_batch_size').click();
      await page.keyboard.press('End');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.type(', retry_');
      await page.keyboard.press('Control+Space');
      await waitForText(
        'the suggest widget to list retry_for',
        () => visibleText('.suggest-widget .monaco-list-row'),
        (t) => /\bretry_for\b/.test(t),
      );
      const row = page.locator('.suggest-widget .monaco-list-row', { hasText: 'retry_for' }).first();
      const icon = await row.locator('.suggest-icon').getAttribute('class');
      assert.doesNotMatch(icon, /codicon-symbol-text/, `retry_for is suggested as a plain word (${icon})`);
      await screenshot('python-completion.png');
      await page.keyboard.press('Enter');
      await waitForText('retry_for= to be inserted', editorText, (t) => t.includes('parallel_batch_size=0, retry_for=)'));
    });
    await step('python-diagnostic', async () => {
      const rest = '(ConnectionError,), running_concurrency="KEYS"';
      await page.keyboard.type(rest);
      await dismissWidgets();
      const typed = `, retry_for=${rest}`;
      await waitForText('the decorator to read running_concurrency="KEYS"', editorText, (t) => t.includes(`parallel_batch_size=0${typed})`));
      const column = PY_RECEIPT_LAST_OPTION.column + 'parallel_batch_size=0'.length + typed.indexOf('"KEYS"');
      await page.keyboard.press('Control+Shift+M');
      const at = `Ln ${PY_RECEIPT_LAST_OPTION.lineNumber}, Col ${column}`;
      await waitForText(
        `TL004 for "KEYS" at ${at} in the Problems panel`,
        () => visibleText('.markers-panel'),
        (t) => /'KEYS' is not a valid ConcurrencyControlType value/.test(t) && t.includes(at),
      );
      const problem = normalize(await problemRow("'KEYS' is not a valid ConcurrencyControlType", at).first().innerText());
      assert.match(problem, /TL004/, problem);
      assert.match(problem, /did you mean 'keys'\?/, problem);
      await editor().locator('.squiggly-error').first().waitFor({ state: 'attached', timeout: WAIT });
      await screenshot('python-problems.png');
    });
  });
  test('renaming orders.py to checkout.py in the Explorer (F2) renames its Python tasks in config.yaml and .env', { timeout: STEP_TIMEOUT }, async () => {
    await step('python-rename-file', async () => {
      await dismissWidgets();
      // The tasks of orders.py that config.yaml and .env target; the module comes from the Python root src/.
      const renamed = [
        ['  shop.tasks.orders.place_order:', '  shop.tasks.checkout.place_order:'],
        ['  shop.tasks.orders.charge_card:', '  shop.tasks.checkout.charge_card:'],
      ];
      const envLine = exampleLine(PYTHON_DEMO_DIR, '.env', 'SHOP.TASKS.ORDERS#PLACE_ORDER__');
      const renamedEnvLine = envLine.replace('SHOP.TASKS.ORDERS#', 'SHOP.TASKS.CHECKOUT#');
      await quickOpen('.env');
      const envBefore = await waitForText('.env to show the place_order env var', editorText, (t) => t.split('\n').includes(envLine));
      await quickOpen('config.yaml');
      const configBefore = await waitForText('config.yaml to show the place_order section', editorText, (t) => t.includes(renamed[0][0]));
      // Opening orders.py reveals it in the Explorer (src/shop is one compact row there).
      await quickOpen('orders.py');
      await showFolderTree('demo-python');
      await explorerRow('orders.py').click();
      await page.keyboard.press('F2');
      const nameBox = page.locator('.explorer-folders-view .monaco-inputbox input');
      await nameBox.waitFor({ state: 'visible', timeout: WAIT });
      await waitForText('the Explorer name box to take the focus', () => nameBox.evaluate((el) => String(el === document.activeElement)), (t) => t === 'true');
      // The box opens with the name before .py selected: typing replaces it.
      await page.keyboard.type('checkout');
      await waitForText('the Explorer name box to read checkout.py', () => nameBox.inputValue(), (t) => t === 'checkout.py');
      await page.keyboard.press('Enter');
      const asked = await dialogShowing('the dialog about the refactoring edits of the rename', (t) => /wants to make refactoring changes with this file move/.test(t));
      assert.match(asked, /Extension 'Tasklens'/, asked);
      await pressDialogButton('OK');
      await explorerRow('checkout.py').waitFor({ state: 'visible', timeout: WAIT });
      await quickOpen('config.yaml');
      const expected = renamed.reduce((text, [from, to]) => text.replace(from, to), configBefore);
      const config = await waitForText('the sections of orders.py\'s tasks to read shop.tasks.checkout', editorText, (t) => t.includes(renamed[0][1]));
      assert.equal(config, expected, 'only the sections of the renamed file\'s tasks changed');
      const hover = await hoverUntil(
        'a hover with the effective max_retries of shop.tasks.checkout.place_order',
        token(/^\s*max_retries:\s5\b/, 'max_retries'),
        (t) => /Effective for\s+shop\.tasks\.checkout\.place_order\s*:\s*7\b/.test(t),
      );
      assert.match(hover, /decorator options \(src\/shop\/tasks\/checkout\.py:\d+\)/, hover);
      await screenshot('python-renamed-config.png');
      await dismissWidgets();
      await quickOpen('.env');
      const env = await waitForText(`.env to read ${renamedEnvLine}`, editorText, (t) => t.split('\n').includes(renamedEnvLine));
      assert.equal(env, envBefore.replace(envLine, renamedEnvLine), 'only the env var of the renamed file\'s task changed');
    });
  });
});
