// What the VS Code extension declares, read from package.json, the grammars and
// the packaged file list: the settings of SPEC §8 with SPEC's defaults, the two
// commands, the dotenv language, when the extension activates and when it then
// starts its server (client/src/activation.ts against a stand-in for VS Code's
// workspace API over real folders), and how the grammars colour sample lines
// (tokenized with vscode-textmate, the library VS Code itself uses).
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { FIELD_NAMES } from '../../server/src/resolver';
import { REPO_ROOT, SHARED_DIR } from '../paths';

interface SettingSchema {
  type: string;
  default: unknown;
  scope?: string;
  enum?: string[];
  markdownDescription?: string;
}
interface GrammarContribution {
  language?: string;
  scopeName: string;
  path: string;
  injectTo?: string[];
}
interface LanguageContribution {
  id: string;
  filenames?: string[];
  filenamePatterns?: string[];
  configuration?: string;
}
interface WalkthroughStep {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string };
  completionEvents?: string[];
}
interface Manifest {
  version: string;
  icon: string;
  galleryBanner: { color: string; theme: string };
  keywords: string[];
  categories: string[];
  main: string;
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: boolean | string }; virtualWorkspaces: boolean };
  contributes: {
    configuration: { properties: Record<string, SettingSchema> };
    commands: { command: string; title: string; category: string }[];
    languages: LanguageContribution[];
    grammars: GrammarContribution[];
    walkthroughs: { id: string; title: string; description: string; steps: WalkthroughStep[] }[];
  };
}

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
const settings = manifest.contributes.configuration.properties;

/** SPEC §7 and §8, setting by setting: the JSON type and the default the spec states. */
const SPEC_SETTINGS: Record<string, { type: string; default: unknown }> = {
  'tasklens.configFiles': { type: 'array', default: ['config.yaml', 'config.yml', 'pynenc.yaml', 'pynenc.yml'] },
  'tasklens.envFiles': { type: 'array', default: ['.env'] },
  'tasklens.env': { type: 'object', default: {} },
  'tasklens.useProcessEnv': { type: 'boolean', default: false },
  'tasklens.moduleRoot': { type: 'string', default: '' },
  'tasklens.taskFunctionNames': { type: 'array', default: ['task'] },
  'tasklens.exclude': { type: 'array', default: [] },
  'tasklens.trace.server': { type: 'string', default: 'off' },
};

const SPEC_FILE = path.join(SHARED_DIR, 'SPEC.md');

/** The setting names SPEC §8 lists, so a setting added to the spec fails here until contributed. */
function specSettingNames(): string[] {
  const spec = fs.readFileSync(SPEC_FILE, 'utf8');
  const section = /^## 8\..*?$([\s\S]*?)^## 9\./m.exec(spec);
  assert.ok(section, 'SPEC.md has a §8');
  const firstParagraph = section[1].trim().split(/\n\s*\n/)[0];
  return [...firstParagraph.matchAll(/`([\w.]+)`/g)].map((match) => `tasklens.${match[1]}`);
}

test('every setting of SPEC §8 is contributed with the default SPEC states', () => {
  for (const name of Object.keys(SPEC_SETTINGS)) {
    const schema = settings[name];
    assert.ok(schema, `${name} is contributed`);
    assert.equal(schema.type, SPEC_SETTINGS[name].type, `${name} type`);
    assert.deepEqual(schema.default, SPEC_SETTINGS[name].default, `${name} default`);
    assert.ok((schema.markdownDescription ?? '').length > 40, `${name} has a description`);
  }
  assert.deepEqual(settings['tasklens.trace.server'].enum, ['off', 'messages', 'verbose']);
});

const specMissing = fs.existsSync(SPEC_FILE) ? false : `no ${SPEC_FILE} beside the repository, so the settings cannot be compared with SPEC §8`;

test('the settings checked here are exactly those SPEC §8 lists', { skip: specMissing }, () => {
  assert.deepEqual([...specSettingNames()].sort(), Object.keys(SPEC_SETTINGS).sort());
});

test('settings that are read relative to a workspace folder can differ per folder', () => {
  for (const name of Object.keys(SPEC_SETTINGS).filter((n) => n !== 'tasklens.trace.server')) {
    assert.equal(settings[name].scope, 'resource', name);
  }
});

test('both commands are contributed under the Tasklens category and activate the extension', () => {
  const commands = new Map(manifest.contributes.commands.map((c) => [c.command, c]));
  assert.equal(commands.get('tasklens.showEffectiveConfiguration')?.title, 'Show effective configuration…');
  assert.equal(commands.get('tasklens.restartServer')?.title, 'Restart server');
  for (const command of commands.values()) {
    assert.equal(command.category, 'Tasklens');
    assert.ok(manifest.activationEvents.includes(`onCommand:${command.command}`), command.command);
  }
});

test('the extension activates where pynenc configuration can be, not in every TypeScript workspace', () => {
  const events = manifest.activationEvents;
  // Config files are read at a workspace folder's root (SPEC §7).
  for (const file of SPEC_SETTINGS['tasklens.configFiles'].default as string[]) assert.ok(events.includes(`workspaceContains:${file}`), file);
  for (const event of ['workspaceContains:**/pyproject.toml', 'workspaceContains:**/.env', 'workspaceContains:**/.env.*', 'onLanguage:python', 'onLanguage:yaml', 'onLanguage:dotenv']) {
    assert.ok(events.includes(event), event);
  }
  const everywhere = events.filter((event) => event === '*' || event === 'onStartupFinished' || /^onLanguage:(typescript|javascript)/.test(event) || /^workspaceContains:.*\.[cm]?[tj]sx?$/.test(event));
  assert.deepEqual(everywhere, [], 'no event that fires in every TypeScript or JavaScript project');
});

test('the manifest points at the client bundle and declares workspace capabilities', () => {
  assert.equal(manifest.main, './client/out/extension.js');
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, true);
  assert.equal(manifest.capabilities.virtualWorkspaces, false);
});

test('the dotenv language claims .env and .env.* files and comments with #', () => {
  const dotenv = manifest.contributes.languages.find((l) => l.id === 'dotenv');
  assert.ok(dotenv);
  assert.deepEqual(dotenv.filenames, ['.env']);
  assert.deepEqual(dotenv.filenamePatterns, ['.env.*']);
  assert.ok(dotenv.configuration);
  const configuration = readJson(dotenv.configuration) as { comments: { lineComment: string } };
  assert.equal(configuration.comments.lineComment, '#');
});

test('each grammar is valid JSON with the scopeName package.json gives it', () => {
  const languageIds = new Set(manifest.contributes.languages.map((l) => l.id));
  for (const contribution of manifest.contributes.grammars) {
    const grammar = readJson(contribution.path) as { scopeName: string };
    assert.equal(grammar.scopeName, contribution.scopeName, contribution.path);
    if (contribution.language) assert.ok(languageIds.has(contribution.language), contribution.language);
  }
  const injection = manifest.contributes.grammars.find((g) => g.injectTo);
  assert.deepEqual(injection?.injectTo, ['source.yaml']);
});

test('the YAML injection highlights exactly the server\'s field names', () => {
  const grammar = readJson(grammarPath('tasklens.yaml.injection')) as { repository: { 'field-key': { match: string } } };
  const alternation = /\(([a-z_|]+)\)/.exec(grammar.repository['field-key'].match);
  assert.ok(alternation);
  assert.deepEqual(alternation[1].split('|').sort(), [...FIELD_NAMES].sort());
});

test('the package holds only the bundles, the grammars, the icon, the walkthrough and the metadata', () => {
  const vsce = path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const listed = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: REPO_ROOT, encoding: 'utf8' });
  const files = listed.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const allowed = /^(package\.json|README\.md|CHANGELOG\.md|LICENSE|client\/out\/extension\.js|server\/out\/(server|typescript|typescriptWorker|python)\.js|syntaxes\/[\w.-]+\.json|media\/icon\.png|media\/walkthrough\/[\w.-]+\.md)$/;
  assert.deepEqual(files.filter((file) => !allowed.test(file)), []);
  assert.ok(!files.includes('server/out/cli.js'), 'the extension never runs the CLI bundle');
  for (const required of ['package.json', 'LICENSE', 'CHANGELOG.md', 'client/out/extension.js', 'server/out/server.js', 'server/out/typescript.js', 'server/out/python.js', 'server/out/typescriptWorker.js', manifest.icon]) {
    assert.ok(files.includes(required), required);
  }
  for (const grammar of manifest.contributes.grammars) assert.ok(files.includes(grammar.path.replace(/^\.\//, '')), grammar.path);
  for (const step of manifest.contributes.walkthroughs.flatMap((w) => w.steps)) assert.ok(files.includes(step.media.markdown ?? ''), step.id);
});

test('the package has a 128×128 PNG icon, a gallery banner, keywords and categories', () => {
  const png = fs.readFileSync(path.join(REPO_ROOT, manifest.icon));
  assert.equal(png.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'a PNG signature');
  assert.equal(png.subarray(12, 16).toString('ascii'), 'IHDR');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  assert.match(manifest.galleryBanner.color, /^#[0-9a-f]{6}$/i);
  assert.ok(['dark', 'light'].includes(manifest.galleryBanner.theme));
  assert.ok(manifest.keywords.includes('pynenc'));
  assert.ok(manifest.keywords.length <= 30, 'the Marketplace takes at most 30 keywords');
  assert.ok(manifest.categories.includes('Linters'));
});

test('the walkthrough opens the config, hovers a value and shows the effective configuration', () => {
  const [walkthrough, ...others] = manifest.contributes.walkthroughs;
  assert.deepEqual(others, []);
  assert.deepEqual(walkthrough.steps.map((s) => s.id), ['openConfig', 'hoverValue', 'showEffectiveConfiguration']);
  for (const step of walkthrough.steps) {
    const markdown = fs.readFileSync(path.join(REPO_ROOT, step.media.markdown ?? ''), 'utf8');
    assert.match(markdown, /^# /, `${step.id} has a page with a heading`);
    assert.match(step.description, /\]\(command:[\w.]+/, `${step.id} has a button`);
    assert.ok((step.completionEvents ?? []).length > 0, `${step.id} is marked done by something the user does`);
  }
  const last = walkthrough.steps[2];
  assert.ok(last.description.includes('(command:tasklens.showEffectiveConfiguration)'));
  assert.deepEqual(last.completionEvents, ['onCommand:tasklens.showEffectiveConfiguration']);
  // The first page lists the eight sources of SPEC §4, in order.
  const sources = fs.readFileSync(path.join(REPO_ROOT, walkthrough.steps[0].media.markdown ?? ''), 'utf8').match(/^\d+\. /gm);
  assert.equal(sources?.length, 8);
});

test('the changelog has an entry for the current version and an Unreleased section above it', () => {
  const headings = [...fs.readFileSync(path.join(REPO_ROOT, 'CHANGELOG.md'), 'utf8').matchAll(/^## (.+)$/gm)].map((m) => m[1].trim());
  assert.equal(headings[0], 'Unreleased');
  assert.ok(headings.some((h) => h.startsWith(manifest.version)), `a section for ${manifest.version}`);
});

// When the server starts ----------------------------------------------------

test('a TypeScript workspace without pynenc configuration gets no server', async () => {
  const folder = workspace({
    'package.json': '{ "name": "shop" }',
    'src/index.ts': "import express from 'express';\nimport { createTask } from './queue';\nexport const app = express();\n",
    'src/queue.ts': 'export function createTask() {}\n',
    '.env': 'DATABASE_URL=postgres://localhost/shop\n',
    'deploy/config.yaml': 'replicas: 3\n', // a config name, but not at the root
    'node_modules/pynenc-js/index.py': 'import pynenc\n', // dependencies are not looked into
    'pyproject.toml': '[tool.black]\nline-length = 100\n',
  });
  const { activation } = loadActivation([folder]);
  assert.equal(await activation.findTasklensReason(), undefined);
  const starts = await startsAfter(activation, 300);
  assert.deepEqual(starts, []);
});

test('a config file, a [tool.pynenc] table, a PYNENC__ variable or an import each start the server', async () => {
  const cases: [string, Record<string, string>, Record<string, unknown>, RegExp][] = [
    ['the demo', {}, {}, /config file config\.yaml/],
    ['a configured config file', { 'conf/tasks.yaml': 'task: {}\n' }, { configFiles: ['conf/tasks.yaml'] }, /config file conf\/tasks\.yaml/],
    ['pyproject.toml', { 'pyproject.toml': '[project]\nname = "shop"\n\n[tool.pynenc.task."shop.tasks.send"]\nmax_retries = 2\n' }, {}, /pyproject\.toml has a \[tool\.pynenc\] table/],
    ['.env in a subfolder', { 'worker/.env': '# worker\nexport PYNENC__CONFIGTASK__MAX_RETRIES=3\n' }, {}, /worker\/\.env sets a PYNENC__ variable/],
    ['.env.production', { '.env.production': 'PYNENC__MAX_RETRIES=1\n' }, {}, /\.env\.production sets/],
    ['a configured env file', { 'ops/worker.env': 'PYNENC__MAX_RETRIES=1\n' }, { envFiles: ['ops/worker.env'] }, /ops\/worker\.env sets/],
    ['Python', { 'shop/tasks.py': '"""Tasks."""\nfrom pynenc import Pynenc\n\napp = Pynenc()\n' }, {}, /shop\/tasks\.py imports pynenc/],
    ['TypeScript', { 'src/jobs.ts': "import { task } from '@acme/tasks';\nexport const send = task(async () => {});\n" }, {}, /src\/jobs\.ts imports the task function \(task\)/],
    ['a renamed task function', { 'src/jobs.ts': "import { defineTask } from '@acme/tasks';\n" }, { taskFunctionNames: ['defineTask'] }, /imports the task function \(defineTask\)/],
  ];
  for (const [name, files, settings, why] of cases) {
    const folder = name === 'the demo' ? path.join(REPO_ROOT, 'examples', 'demo') : workspace(files);
    const { activation } = loadActivation([folder], settings);
    const reason = await activation.findTasklensReason();
    assert.match(reason?.why ?? 'no reason', why, name);
    assert.equal((await startsAfter(activation)).length, 1, name);
  }
});

test('Celery, a renamed task function and other YAML do not count', async () => {
  const folder = workspace({
    'app/tasks.py': 'from celery import Celery\napp = Celery()\n# import pynenc later\n',
    'src/jobs.ts': "import { task } from '@acme/tasks';\n",
    'ci.yaml': 'task: build\n',
  });
  const { activation } = loadActivation([folder], { taskFunctionNames: ['defineTask'] });
  assert.equal(await activation.findTasklensReason(), undefined);
});

test('an idle workspace starts the server once a file that qualifies is created or changed', async () => {
  const folder = workspace({ 'src/index.ts': 'export {};\n', '.env': 'PORT=3000\n' });
  const { activation, events } = loadActivation([folder]);
  const starts: string[] = [];
  const watching = activation.startInTasklensWorkspace((reason) => starts.push(reason.why));
  await settle();
  assert.deepEqual(starts, []);
  // A created file that does not qualify, then a changed one that does.
  write(folder, 'README.md', 'import { task } from "x"\n');
  events.created(path.join(folder, 'README.md'));
  write(folder, '.env', 'PORT=3000\nPYNENC__CONFIGTASK__MAX_RETRIES=2\n');
  events.changed(path.join(folder, '.env'));
  await until(() => starts.length > 0);
  assert.deepEqual(starts, ['.env sets a PYNENC__ variable']);
  // Once started, nothing more is watched and start is not called again.
  write(folder, 'config.yaml', 'max_retries: 1\n');
  events.created(path.join(folder, 'config.yaml'));
  await settle();
  assert.equal(starts.length, 1);
  assert.equal(events.listeners(), 0);
  watching.dispose();
});

test('a created config file at the root, or a settings change, starts an idle workspace', async () => {
  const folder = workspace({ 'src/index.ts': 'export {};\n', 'conf/tasks.yaml': 'task: {}\n' });
  const { activation, events } = loadActivation([folder]);
  const starts: string[] = [];
  activation.startInTasklensWorkspace((reason) => starts.push(reason.why));
  await settle();
  write(folder, 'pynenc.yml', 'task: {}\n');
  events.created(path.join(folder, 'pynenc.yml'));
  await until(() => starts.length > 0);
  assert.deepEqual(starts, ['it has the config file pynenc.yml']);

  const other = workspace({ 'conf/tasks.yaml': 'task: {}\n' });
  const second = loadActivation([other]);
  const later: string[] = [];
  second.activation.startInTasklensWorkspace((reason) => later.push(reason.why));
  await settle();
  assert.deepEqual(later, []);
  second.settings.configFiles = ['conf/tasks.yaml'];
  second.events.configurationChanged('tasklens');
  await until(() => later.length > 0);
  assert.deepEqual(later, ['it has the config file conf/tasks.yaml']);
});

test('the import check names the task function, not a longer name or a method call', () => {
  const { activation } = loadActivation([]);
  const importsTask = activation.taskFunctionImport(['task', '$job']);
  for (const text of [
    "import { task } from './lib/tasks';",
    "import { ConcurrencyControlType, task as defineTask } from '../../lib/tasks';",
    'import {\n  NetworkError,\n  task,\n} from "@acme/tasks";',
    "import task from './task';",
    "import type { task } from './task';",
    "const { task } = require('./lib/tasks');",
    "import { $job } from './jobs';",
  ]) assert.ok(importsTask(text), text);
  for (const text of [
    "import { taskQueue, createTask } from './queue';",
    "gulp.task('build', () => {});",
    "import { tasks } from './tasks';",
    '// task() is not imported here',
  ]) assert.ok(!importsTask(text), text);
});

// A stand-in for the part of VS Code's API that activation.ts uses, over real folders.

interface Reason {
  readonly uri: FakeUri;
  readonly why: string;
}
interface Activation {
  findTasklensReason(): Promise<Reason | undefined>;
  startInTasklensWorkspace(start: (reason: Reason) => void): { dispose(): void };
  taskFunctionImport(names: readonly string[]): (text: string) => boolean;
}
interface FakeEvents {
  created(file: string): void;
  changed(file: string): void;
  configurationChanged(section: string): void;
  /** Listeners still registered on watchers and workspace events. */
  listeners(): number;
}

class FakeUri {
  constructor(readonly path: string) {}
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `file://${this.path}`;
  }
  static joinPath(base: FakeUri, ...segments: string[]): FakeUri {
    return new FakeUri(path.posix.join(base.path, ...segments));
  }
}

class FakeEvent<T> {
  private readonly handlers = new Set<(value: T) => void>();
  readonly event = (handler: (value: T) => void) => {
    this.handlers.add(handler);
    return { dispose: () => this.handlers.delete(handler) };
  };
  fire(value: T): void {
    for (const handler of [...this.handlers]) handler(value);
  }
  get size(): number {
    return this.handlers.size;
  }
}

let activationSource: string | undefined;

/** client/src/activation.ts, compiled as esbuild would, given a fake `vscode` over `folders`. */
function loadActivation(folders: string[], initialSettings: Record<string, unknown> = {}): { activation: Activation; events: FakeEvents; settings: Record<string, unknown> } {
  const file = path.join(REPO_ROOT, 'client', 'src', 'activation.ts');
  activationSource ??= ts.transpileModule(fs.readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  const settings = { ...initialSettings };
  const workspaceFolders = folders.map((folder, index) => ({ uri: new FakeUri(folder), name: path.basename(folder), index }));
  const created = new FakeEvent<FakeUri>();
  const changed = new FakeEvent<FakeUri>();
  const configuration = new FakeEvent<{ affectsConfiguration(section: string): boolean }>();
  const folderChanges = new FakeEvent<unknown>();
  const folderOf = (uri: FakeUri) => workspaceFolders.find((f) => uri.path === f.uri.path || uri.path.startsWith(`${f.uri.path}/`));
  const vscode = {
    Uri: FakeUri,
    FileType: { File: 1, Directory: 2 },
    workspace: {
      workspaceFolders,
      getWorkspaceFolder: folderOf,
      asRelativePath: (uri: FakeUri) => {
        const folder = folderOf(uri);
        return folder ? path.relative(folder.uri.path, uri.path) : uri.path;
      },
      getConfiguration: (section: string) => ({ get: (key: string) => (section === 'tasklens' ? settings[key] : undefined) }),
      findFiles: async (include: string, exclude: string, maxResults: number) => {
        await pendingCall(Promise.resolve());
        const included = globToRegExp(include);
        const excluded = globToRegExp(exclude);
        const found: FakeUri[] = [];
        for (const folder of workspaceFolders) {
          for (const relative of filesUnder(folder.uri.path)) {
            if (found.length < maxResults && included.test(relative) && !excluded.test(relative)) found.push(new FakeUri(path.join(folder.uri.path, relative)));
          }
        }
        return found;
      },
      fs: {
        stat: async (uri: FakeUri) => {
          const stat = await pendingCall(fs.promises.stat(uri.path));
          return { type: stat.isFile() ? 1 : 2, size: stat.size };
        },
        readFile: async (uri: FakeUri) => new Uint8Array(await pendingCall(fs.promises.readFile(uri.path))),
      },
      createFileSystemWatcher: (glob: string) => {
        assert.equal(glob, '**/*');
        return { onDidCreate: created.event, onDidChange: changed.event, dispose() {} };
      },
      onDidChangeConfiguration: configuration.event,
      onDidChangeWorkspaceFolders: folderChanges.event,
    },
  };
  const module = { exports: {} as Activation };
  const requireVscode = (id: string) => {
    assert.equal(id, 'vscode', 'activation.ts imports nothing but vscode');
    return vscode;
  };
  new Function('require', 'module', 'exports', activationSource)(requireVscode, module, module.exports);
  const events: FakeEvents = {
    created: (f) => created.fire(new FakeUri(f)),
    changed: (f) => changed.fire(new FakeUri(f)),
    configurationChanged: (section) => configuration.fire({ affectsConfiguration: (s) => s === section }),
    listeners: () => created.size + changed.size + configuration.size + folderChanges.size,
  };
  return { activation: module.exports, events, settings };
}

/** The reasons `startInTasklensWorkspace` starts with, once its first check has run (`ms`: how long to wait for one). */
async function startsAfter(activation: Activation, ms?: number): Promise<string[]> {
  const starts: string[] = [];
  const watching = activation.startInTasklensWorkspace((reason) => starts.push(reason.why));
  await until(() => starts.length > 0, ms);
  watching.dispose();
  return starts;
}

/** Fake VS Code calls (file search, stat, read) not answered yet: while there are none, activation.ts has nothing left to do. */
let pendingCalls = 0;

function pendingCall<T>(call: Promise<T>): Promise<T> {
  pendingCalls++;
  return call.finally(() => pendingCalls--);
}

/**
 * Waits for `condition`, or until activation.ts is idle without it (no fake
 * call pending over two turns of the event loop: what it does after an answer
 * runs before the next turn), or for `ms` at the most.
 */
async function until(condition: () => boolean, ms = 5000): Promise<void> {
  let idleTurns = 0;
  for (const deadline = Date.now() + ms; !condition() && idleTurns < 2 && Date.now() < deadline; ) {
    await new Promise((resolve) => setImmediate(resolve));
    idleTurns = pendingCalls === 0 ? idleTurns + 1 : 0;
  }
}

/** Lets the checks' file reads finish, for an assertion that nothing happened. */
function settle(): Promise<void> {
  return until(() => false);
}

const workspaces: string[] = [];
after(() => {
  for (const root of workspaces) fs.rmSync(root, { recursive: true, force: true });
});

/** A fresh folder holding `files` (path → text), removed when the tests end. */
function workspace(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklens-activation-'));
  workspaces.push(root);
  for (const [name, text] of Object.entries(files)) write(root, name, text);
  return root;
}

function write(root: string, name: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
  fs.writeFileSync(path.join(root, name), text);
}

function filesUnder(root: string, relative = ''): string[] {
  return fs.readdirSync(path.join(root, relative), { withFileTypes: true }).flatMap((entry) => {
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    return entry.isDirectory() ? filesUnder(root, child) : [child];
  });
}

/** The glob forms activation.ts passes to findFiles: `**` + `/`, `*`, `{a,b}`, a trailing `/**`. */
function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    if (glob.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 2;
    } else if (glob.startsWith('/**', i) && i + 3 === glob.length) {
      source += '(?:/.*)?';
      i += 2;
    } else if (glob[i] === '*') source += '[^/]*';
    else if (glob[i] === '{') source += '(?:';
    else if (glob[i] === '}') source += ')';
    else if (glob[i] === ',') source += '|';
    else source += glob[i].replace(/[.+?^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

// Tokenizing ---------------------------------------------------------------

test('a per-task env key splits into prefix, module, function and field', async () => {
  const line = 'PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES=3';
  const tokens = await tokenizeDotenv(line);
  assert.ok(scopesOf(tokens, 'PYNENC__CONFIGTASK__').includes('support.constant.prefix.pynenc.dotenv'));
  const module = scopesOf(tokens, 'SRC.TASKS.EMAIL');
  assert.ok(module.includes('meta.task-id.pynenc.dotenv'));
  assert.ok(module.includes('entity.name.namespace.module.pynenc.dotenv'));
  assert.ok(scopesOf(tokens, '#').includes('punctuation.separator.task-id.pynenc.dotenv'));
  const func = scopesOf(tokens, 'SENDEMAIL');
  assert.ok(func.includes('meta.task-id.pynenc.dotenv'));
  assert.ok(func.includes('entity.name.function.task.pynenc.dotenv'));
  const field = scopesOf(tokens, 'MAX_RETRIES');
  assert.ok(field.includes('variable.other.property.field.pynenc.dotenv'));
  assert.ok(!field.includes('meta.task-id.pynenc.dotenv'), 'the field is not part of the task id');
  assert.ok(scopesOf(tokens, '=').includes('keyword.operator.assignment.dotenv'));
  assert.ok(scopesOf(tokens, '3').includes('string.unquoted.dotenv'));
});

test('a function name holding "__" keeps it: the field is what follows the last "__"', async () => {
  const tokens = await tokenizeDotenv('PYNENC__CONFIGTASK__APP#__CALL____KEY_ARGUMENTS=id');
  assert.ok(scopesOf(tokens, '__CALL__').includes('entity.name.function.task.pynenc.dotenv'));
  assert.ok(scopesOf(tokens, 'KEY_ARGUMENTS').includes('variable.other.property.field.pynenc.dotenv'));
});

test('class-level and generic env keys mark the prefix and the field', async () => {
  const tokens = await tokenizeDotenv('PYNENC__CONFIGTASK__RUNNING_CONCURRENCY=keys');
  assert.ok(scopesOf(tokens, 'PYNENC__CONFIGTASK__').includes('support.constant.prefix.pynenc.dotenv'));
  assert.ok(scopesOf(tokens, 'RUNNING_CONCURRENCY').includes('variable.other.property.field.pynenc.dotenv'));
  const generic = await tokenizeDotenv('PYNENC__MAX_RETRIES=2');
  assert.ok(scopesOf(generic, 'PYNENC__').includes('support.constant.prefix.pynenc.dotenv'));
  assert.ok(scopesOf(generic, 'MAX_RETRIES').includes('variable.other.property.field.pynenc.dotenv'));
});

test('export, quoted values with escapes and trailing comments', async () => {
  const line = 'export DATABASE_URL="a\\nb" # primary';
  const tokens = await tokenizeDotenv(line);
  assert.ok(scopesOf(tokens, 'export').includes('storage.modifier.export.dotenv'));
  assert.ok(scopesOf(tokens, 'DATABASE_URL').includes('variable.other.key.dotenv'));
  assert.ok(scopesOf(tokens, '\\n').includes('constant.character.escape.dotenv'));
  assert.ok(scopesOf(tokens, 'a').includes('string.quoted.double.dotenv'));
  assert.ok(scopesOf(tokens, '# primary').includes('comment.line.number-sign.dotenv'));
  const single = await tokenizeDotenv("KEY='it # stays'");
  assert.ok(scopesOf(single, 'it # stays').includes('string.quoted.single.dotenv'));
});

test('an unquoted value ends at " #", and a "#" inside it is kept', async () => {
  const tokens = await tokenizeDotenv('KEY=bar baz # note');
  assert.ok(scopesOf(tokens, 'bar baz').includes('string.unquoted.dotenv'));
  assert.ok(scopesOf(tokens, '# note').includes('comment.line.number-sign.dotenv'));
  const hash = await tokenizeDotenv('KEY=a#b');
  assert.ok(scopesOf(hash, 'a#b').includes('string.unquoted.dotenv'));
});

test('a line whose first non-blank character is # is a comment, even with "="', async () => {
  const tokens = await tokenizeDotenv('  # PYNENC__MAX_RETRIES=3');
  assert.ok(scopesOf(tokens, '# PYNENC__MAX_RETRIES=3').includes('comment.line.number-sign.dotenv'));
});

test('a per-task YAML key splits into module and function, inside the YAML key scope', async () => {
  const lines = ['task:', '  src.tasks.email.sendEmail:', '    max_retries: 3'];
  const [, taskKey, field] = await tokenizeYaml(lines);
  const module = scopesOf(taskKey, 'src.tasks.email');
  assert.ok(module.includes('entity.name.tag.yaml'), 'still a YAML key');
  assert.ok(module.includes('meta.task-id.tasklens.yaml'));
  assert.ok(module.includes('entity.name.namespace.module.tasklens.yaml'));
  assert.ok(scopesOf(taskKey, 'sendEmail').includes('entity.name.function.task.tasklens.yaml'));
  assert.ok(scopesOf(field, 'max_retries').includes('support.type.property-name.field.tasklens.yaml'));
});

test('quoted per-task keys are recognised too', async () => {
  const [, taskKey] = await tokenizeYaml(['task:', '  "src.tasks.email.sendEmail":']);
  assert.ok(scopesOf(taskKey, 'sendEmail').includes('entity.name.function.task.tasklens.yaml'));
});

test('the YAML injection leaves top-level dotted keys, unknown keys and comments alone', async () => {
  const [topLevel, unknown, comment, generic] = await tokenizeYaml(['a.b: 1', '  maxRetries: 2', '# max_retries: 3', 'max_retries: 1']);
  assert.ok(!scopesOf(topLevel, 'a.b').some((scope) => scope.includes('tasklens')));
  assert.ok(!scopesOf(unknown, 'maxRetries').some((scope) => scope.includes('tasklens')));
  assert.ok(!comment.tokens.some((token) => token.scopes.some((scope) => scope.includes('tasklens'))));
  assert.ok(scopesOf(generic, 'max_retries').includes('support.type.property-name.field.tasklens.yaml'));
});

// Helpers --------------------------------------------------------------------

interface TokenizedLine {
  readonly text: string;
  readonly tokens: textmate.IToken[];
}

function readJson(relativePath: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, relativePath), 'utf8'));
}

function grammarPath(scopeName: string): string {
  const contribution = manifest.contributes.grammars.find((g) => g.scopeName === scopeName);
  assert.ok(contribution, scopeName);
  return contribution.path;
}

/**
 * A stand-in for VS Code's YAML grammar with its one rule that matters here: a
 * plain block key is a scope that ends before the `:`. The injection must match
 * inside that scope, since it is injected without priority.
 */
const YAML_HOST: textmate.IRawGrammar = textmate.parseRawGrammar(
  JSON.stringify({
    scopeName: 'source.yaml',
    patterns: [
      { match: '(?<=^|\\s)#.*$', name: 'comment.line.number-sign.yaml' },
      {
        begin: '(?<=^|\\s)(?=[^\\s#:\'"][^:]*:(?:\\s|$))',
        end: '(?=[ \\t]*:(?:\\s|$))',
        name: 'meta.map.key.yaml string.unquoted.plain.yaml entity.name.tag.yaml',
      },
      { begin: '"', end: '"', name: 'meta.map.key.yaml string.quoted.double.yaml entity.name.tag.yaml' },
    ],
  }),
  'yaml-host.json',
);

let onigLib: Promise<textmate.IOnigLib> | undefined;

/** vscode-oniguruma's WASM can be loaded once per process. */
function loadOnigLib(): Promise<textmate.IOnigLib> {
  onigLib ??= (async () => {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm);
    return { createOnigScanner: (sources) => oniguruma.createOnigScanner(sources), createOnigString: (text) => oniguruma.createOnigString(text) };
  })();
  return onigLib;
}

function createRegistry(): textmate.Registry {
  return new textmate.Registry({
    onigLib: loadOnigLib(),
    async loadGrammar(scopeName) {
      if (scopeName === 'source.yaml') return YAML_HOST;
      const file = path.join(REPO_ROOT, grammarPath(scopeName));
      return textmate.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
    getInjections(scopeName) {
      return manifest.contributes.grammars.filter((g) => g.injectTo?.includes(scopeName)).map((g) => g.scopeName);
    },
  });
}

async function tokenizeLines(scopeName: string, lines: readonly string[]): Promise<TokenizedLine[]> {
  const grammar = await createRegistry().loadGrammar(scopeName);
  assert.ok(grammar, scopeName);
  let state = textmate.INITIAL;
  return lines.map((text) => {
    const result = grammar.tokenizeLine(text, state);
    state = result.ruleStack;
    return { text, tokens: result.tokens };
  });
}

async function tokenizeDotenv(line: string): Promise<TokenizedLine> {
  const [tokenized] = await tokenizeLines('source.dotenv', [line]);
  return tokenized;
}

function tokenizeYaml(lines: readonly string[]): Promise<TokenizedLine[]> {
  return tokenizeLines('source.yaml', lines);
}

/**
 * The scopes shared by the tokens that exactly cover `fragment` (its first
 * occurrence): the fragment must start and end on token boundaries.
 */
function scopesOf(line: TokenizedLine, fragment: string): string[] {
  const start = line.text.indexOf(fragment);
  assert.ok(start >= 0, `"${fragment}" is in "${line.text}"`);
  const end = start + fragment.length;
  const covering = line.tokens.filter((t) => t.startIndex < end && t.endIndex > start);
  const layout = line.tokens.map((t) => `${JSON.stringify(line.text.slice(t.startIndex, t.endIndex))} ${t.scopes.join(' ')}`).join('\n  ');
  const aligned = covering.length > 0 && covering[0].startIndex === start && covering[covering.length - 1].endIndex === end;
  assert.ok(aligned, `tokens start and end with "${fragment}"; tokens:\n  ${layout}`);
  return covering[0].scopes.filter((scope) => covering.every((t) => t.scopes.includes(scope)));
}
