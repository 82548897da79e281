// Tasklens in a real VS Code: code-server 4.100.3 (VS Code 1.100.3) with the
// packaged .vsix installed, driven through its UI by Debian's Chromium with
// playwright-core. Run by `npm run test:editor` (after test/editor/install.sh
// and `npm run package`), never by the root `npm test`.
//
// Each step saves a screenshot in test/editor/output/. With
// TASKLENS_UPDATE_DOCS=1 the two the README shows are copied to docs/.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
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
const DOCS_SCREENSHOTS = { 'problems.png': 'problems.png', 'hover.png': 'hover.png' };

// Where things are in examples/demo, from its text (1-based, as VS Code shows them).
/** The invalid `KEYS` value in config.yaml (TL004). */
const KEYS = demoPosition('config.yaml', 'KEYS');
/** The per-task max_retries of sendEmail in config.yaml, which .env beats. */
const SEND_EMAIL_RETRIES = demoPosition('config.yaml', 'max_retries: 5');
/** The .env line that wins for max_retries. */
const ENV_RETRIES = demoPosition('.env', 'PYNENC__CONFIGTASK__MAX_RETRIES=');
/** The task() option max_retries in email.ts. */
const OPTION_RETRIES = demoPosition('src/tasks/email.ts', 'max_retries: 2');

let root;
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

describe('Tasklens in code-server (VS Code 1.100.3)', { timeout: 15 * 60_000 }, () => {
  before(async () => {
    const vsix = ensureVsix();
    root = makeTempRoot();
    const folder = copyDemo(root);
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
});
