// Shared pieces of the real-editor tests and `npm run editor`: where things are,
// a free port, a code-server with the Tasklens .vsix installed, and Debian's
// Chromium through playwright-core.
//
// Plain ESM JavaScript, so it needs no build step, and it lives outside
// build/test, so the root `npm test` never loads it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, cpSync, writeFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EDITOR_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(EDITOR_DIR, '..', '..');
export const OUTPUT_DIR = join(EDITOR_DIR, 'output');
export const DEMO_DIR = join(REPO_ROOT, 'examples', 'demo');
/** examples/demo-python: a pynenc shop in Python (src layout, pyproject.toml, config.yaml, .env). */
export const PYTHON_DEMO_DIR = join(REPO_ROOT, 'examples', 'demo-python');

/**
 * Where `needle` first appears in a file of an example (`dir`): the 0-based
 * `line` and `character` LSP uses, and the 1-based `lineNumber` and `column`
 * editors show (`Ln 14, Col 26`, `config.yaml:10`). Tests compute positions from
 * the example's text so that an edit to it cannot leave them pointing elsewhere.
 */
export function examplePosition(dir, file, needle) {
  const text = readFileSync(join(dir, file), 'utf8');
  const offset = text.indexOf(needle);
  if (offset < 0) throw new Error(`'${needle}' is not in ${dir}/${file}`);
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  const character = offset - (before.lastIndexOf('\n') + 1);
  return { line, character, lineNumber: line + 1, column: character + 1 };
}

/** `examplePosition` in examples/demo. */
export function demoPosition(file, needle) {
  return examplePosition(DEMO_DIR, file, needle);
}

export const CODE_SERVER_ENTRY = join(EDITOR_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = process.env.TASKLENS_CHROMIUM || '/usr/bin/chromium';

/** The flags the machines' closed network needs (issue 5; see .library's node.md). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** User settings for a quiet, deterministic workbench. */
export const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.commandCenter.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'editor.minimap.enabled': false,
  'editor.hover.delay': 200,
  // Only language servers suggest: a word already in the file is no proof.
  'editor.wordBasedSuggestions': 'off',
  'files.autoSave': 'off',
};

export function vsixPath() {
  if (process.env.TASKLENS_VSIX) return resolve(process.env.TASKLENS_VSIX);
  const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
  return join(REPO_ROOT, `tasklens-${version}.vsix`);
}

/**
 * The .vsix to install: `npm run package` unless it exists and is newer than
 * both bundles (so `npm run editor` after an edit and a build shows the edit).
 */
export function ensureVsix({ log = (message) => console.error(`[tasklens] ${message}`) } = {}) {
  const vsix = vsixPath();
  const bundles = ['client/out/extension.js', 'server/out/server.js'].map((p) => join(REPO_ROOT, p));
  const fresh = existsSync(vsix) && bundles.every((b) => existsSync(b) && statSync(b).mtimeMs <= statSync(vsix).mtimeMs);
  if (fresh || process.env.TASKLENS_VSIX) {
    if (!existsSync(vsix)) throw new Error(`TASKLENS_VSIX=${vsix} does not exist`);
    return vsix;
  }
  log(`building ${vsix} (npm run package)`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'package', '--silent'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (result.status !== 0 || !existsSync(vsix)) {
    throw new Error(`npm run package failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return vsix;
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

export function requireCodeServer() {
  if (!existsSync(CODE_SERVER_ENTRY)) {
    throw new Error(`code-server is not installed at ${CODE_SERVER_ENTRY}: run \`bash test/editor/install.sh\` first`);
  }
}

/** Copies examples/demo into a fresh temp dir, so nothing the editor does touches the repo. */
export function copyDemo(root) {
  return copyExample(root, DEMO_DIR);
}

/** Copies an example folder into `root` (under its own name) and returns the copy's path. */
export function copyExample(root, dir) {
  const copy = join(root, basename(dir));
  cpSync(dir, copy, { recursive: true });
  return copy;
}

/** Every file under `dir` whose name is `name` (for code-server's logs). */
export function findFiles(dir, name) {
  const found = [];
  if (!existsSync(dir)) return found;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findFiles(path, name));
    else if (entry.name === name) found.push(path);
  }
  return found;
}

/** The code-server URL that opens folder `dir`. */
export function folderUrl(serverUrl, dir) {
  return `${serverUrl}?folder=${encodeURIComponent(dir).replace(/%2F/g, '/')}`;
}

/**
 * Starts code-server 4.100.3 on 127.0.0.1 with its own user-data and extensions
 * dirs (under `root`), the .vsix installed and the user settings written.
 * Resolves once /healthz answers. `stop()` ends its whole process group.
 */
export async function startCodeServer({ root, vsix, folder, port, log = () => {}, settings = USER_SETTINGS }) {
  requireCodeServer();
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  const configFile = join(root, 'code-server.yaml');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  // Our own config file: code-server would otherwise write ~/.config/code-server/config.yaml.
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  const install = spawnSync(process.execPath, [CODE_SERVER_ENTRY, ...common, '--install-extension', vsix], { encoding: 'utf8', timeout: 120_000 });
  const installOutput = `${install.stdout}${install.stderr}`;
  if (install.status !== 0 || !/successfully installed/i.test(installOutput)) {
    throw new Error(`code-server --install-extension ${vsix} failed (exit ${install.status}):\n${installOutput}`);
  }
  log(installOutput.trim());

  port ??= await freePort();
  const args = [
    CODE_SERVER_ENTRY,
    ...common,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    folder,
  ];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk) => {
    output += chunk;
    log(String(chunk).trimEnd());
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));

  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`code-server exited (${JSON.stringify(exited)}) before it listened:\n${output}`);
    try {
      const response = await fetch(`${url}healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      stopProcessGroup(child);
      throw new Error(`code-server did not answer on ${url}healthz within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    url,
    folderUrl: folderUrl(url, folder),
    port,
    userDataDir,
    extensionsDir,
    output: () => output,
    /** The Tasklens output channel, as code-server logged it. */
    tasklensLog: () => findFiles(join(userDataDir, 'logs'), 'Tasklens.log').map((f) => readFileSync(f, 'utf8')).join('\n'),
    exited: () => exited,
    stop: () => stopProcessGroup(child),
  };
}

/** code-server starts extension hosts and our language server: end its group, which we started. */
export function stopProcessGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 5000);
  timer.unref();
}

export async function launchChromium() {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (error) {
    throw new Error(`playwright-core is not installed in test/editor: run \`bash test/editor/install.sh\` first (${error.message})`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run \`bash test/editor/install.sh\` (Debian's chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export function makeTempRoot(prefix = 'tasklens-editor-') {
  return mkdtempSync(join(process.env.TMPDIR || tmpdir(), prefix));
}

export function removeTempRoot(root) {
  if (process.env.TASKLENS_KEEP_TMP) {
    console.error(`[tasklens] kept ${root}`);
    return;
  }
  rmSync(root, { recursive: true, force: true });
}
