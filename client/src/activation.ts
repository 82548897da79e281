// Whether this workspace is one Tasklens has something to say about, decided
// before the server starts: an editor opened on any other project (a TypeScript
// app, a Kubernetes repo) gets no server process and no status item.
//
// A workspace qualifies when it has any of:
// - a config file named in `tasklens.configFiles` at a workspace folder's root;
// - a `pyproject.toml` with a `[tool.pynenc]` table;
// - an env file (`tasklens.envFiles`, or any `.env*`) that sets a `PYNENC__` variable;
// - a Python file that imports pynenc, or a TypeScript file that imports the
//   task function (`tasklens.taskFunctionNames`).
// The check is cheap: a stat per config name, then a bounded file search per kind,
// reading at most a few hundred small files and stopping at the first hit. When
// nothing qualifies, file watchers look at each file that is created or changed
// (one file at a time), and a change of settings or folders runs the check again.
import * as vscode from 'vscode';

const SECTION = 'tasklens';
const DEFAULT_CONFIG_FILES = ['config.yaml', 'config.yml', 'pynenc.yaml', 'pynenc.yml'];
const DEFAULT_ENV_FILES = ['.env'];
const DEFAULT_TASK_FUNCTION_NAMES = ['task'];

/** Folders no search looks into: dependencies, virtual envs, build output. */
const EXCLUDED_FOLDERS = ['node_modules', '.git', '.venv', 'venv', '__pycache__', 'site-packages', '.tox', 'out', 'dist', 'build'];
const EXCLUDE = `**/{${EXCLUDED_FOLDERS.join(',')}}/**`;
/** At most this many files of one kind are searched for and read. */
const MAX_FILES_PER_KIND = 200;
/** Files larger than this are not read (an import sits near the top of a source file). */
const MAX_BYTES = 512 * 1024;
const READ_CONCURRENCY = 16;

const PYPROJECT_PYNENC_TABLE = /^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*"?pynenc"?[ \t]*[\].]/m;
const ENV_PYNENC_KEY = /^[ \t]*(?:export[ \t]+)?PYNENC__/m;
const PYTHON_IMPORTS_PYNENC = /^[ \t]*(?:from[ \t]+pynenc\b|import[ \t]+(?:[\w.]+[ \t]*,[ \t]*)*pynenc\b)/m;

/** A file that makes this a Tasklens workspace, and why: for the log. */
export interface TasklensWorkspaceReason {
  readonly uri: vscode.Uri;
  readonly why: string;
}

/** Whether a file's text makes the workspace qualify. */
type Matcher = (text: string) => boolean;

/** A kind of file that can make a workspace qualify, by what it contains. */
interface FileKind {
  /** The search for files of this kind. */
  readonly glob: string;
  /** Files of this kind named by a setting (relative to the folder), read before the search's. */
  readonly configured?: (folder: vscode.WorkspaceFolder) => string[];
  /** Whether a file (its path relative to its folder, `/`-separated) is of this kind. */
  readonly claims: (relativePath: string, folder: vscode.WorkspaceFolder) => boolean;
  readonly matches: Matcher;
  readonly why: string;
}

/**
 * Calls `start` once, as soon as the workspace qualifies (now, or later when a
 * file that qualifies is created or changed). The returned disposable stops the
 * watching; it is disposed of by itself once `start` has been called.
 */
export function startInTasklensWorkspace(start: (reason: TasklensWorkspaceReason) => void): vscode.Disposable {
  let started = false;
  let generation = 0;
  const subscriptions: vscode.Disposable[] = [];
  const stop = () => {
    for (const subscription of subscriptions.splice(0)) subscription.dispose();
  };
  const startOnce = (reason: TasklensWorkspaceReason | undefined) => {
    if (started || reason === undefined) return;
    started = true;
    stop();
    start(reason);
  };
  const checkAll = () => {
    const own = ++generation;
    void findTasklensReason().then((reason) => {
      if (own === generation) startOnce(reason);
    });
  };

  const watcher = vscode.workspace.createFileSystemWatcher('**/*');
  const onFile = (uri: vscode.Uri) => {
    if (!started) void reasonOfFile(uri).then(startOnce);
  };
  subscriptions.push(
    watcher,
    watcher.onDidCreate(onFile),
    watcher.onDidChange(onFile),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(SECTION)) checkAll();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(checkAll),
  );
  checkAll();
  return { dispose: stop };
}

/** The first thing found that makes this a Tasklens workspace, or `undefined`. */
export async function findTasklensReason(): Promise<TasklensWorkspaceReason | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) return undefined;
  for (const folder of folders) {
    for (const name of setting(folder, 'configFiles', DEFAULT_CONFIG_FILES)) {
      const uri = vscode.Uri.joinPath(folder.uri, name);
      if (await isFile(uri)) return { uri, why: `it has the config file ${name}` };
    }
  }
  for (const kind of fileKinds(folders)) {
    const reason = await firstMatch(await candidates(kind, folders), kind);
    if (reason) return reason;
  }
  return undefined;
}

/** Whether one created or changed file makes this a Tasklens workspace. */
export async function reasonOfFile(uri: vscode.Uri): Promise<TasklensWorkspaceReason | undefined> {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) return undefined;
  const relativePath = relativeTo(folder, uri);
  if (relativePath === undefined || isExcluded(relativePath)) return undefined;
  if (setting(folder, 'configFiles', DEFAULT_CONFIG_FILES).some((name) => normalise(name) === relativePath)) {
    return (await isFile(uri)) ? { uri, why: `it has the config file ${relativePath}` } : undefined;
  }
  const kind = fileKinds([folder]).find((k) => k.claims(relativePath, folder));
  return kind ? firstMatch([uri], kind) : undefined;
}

function fileKinds(folders: readonly vscode.WorkspaceFolder[]): FileKind[] {
  const names = [...new Set(folders.flatMap((folder) => setting(folder, 'taskFunctionNames', DEFAULT_TASK_FUNCTION_NAMES)))];
  const importsTaskFunction = taskFunctionImport(names);
  return [
    {
      glob: '**/pyproject.toml',
      claims: (p) => basename(p) === 'pyproject.toml',
      matches: (text) => PYPROJECT_PYNENC_TABLE.test(text),
      why: 'has a [tool.pynenc] table',
    },
    {
      glob: '**/.env*',
      configured: (folder) => setting(folder, 'envFiles', DEFAULT_ENV_FILES),
      claims: (p, folder) => basename(p).startsWith('.env') || setting(folder, 'envFiles', DEFAULT_ENV_FILES).some((name) => normalise(name) === p),
      matches: (text) => ENV_PYNENC_KEY.test(text),
      why: 'sets a PYNENC__ variable',
    },
    {
      glob: '**/*.py',
      claims: (p) => p.endsWith('.py'),
      matches: (text) => PYTHON_IMPORTS_PYNENC.test(text),
      why: 'imports pynenc',
    },
    {
      glob: '**/*.{ts,tsx,mts,cts}',
      claims: (p) => /\.(?:ts|tsx|mts|cts)$/.test(p) && !p.endsWith('.d.ts'),
      matches: importsTaskFunction,
      why: `imports the task function (${names.join(', ')})`,
    },
  ];
}

/** The files of one kind to read: those a setting names (they may have any name), then a bounded search. */
async function candidates(kind: FileKind, folders: readonly vscode.WorkspaceFolder[]): Promise<vscode.Uri[]> {
  const configured = folders.flatMap((folder) => (kind.configured?.(folder) ?? []).map((name) => vscode.Uri.joinPath(folder.uri, name)));
  const found = await vscode.workspace.findFiles(kind.glob, EXCLUDE, MAX_FILES_PER_KIND);
  const seen = new Set(configured.map((uri) => uri.toString()));
  return [...configured, ...found.filter((uri) => !seen.has(uri.toString()))];
}

/** The first of `uris` whose text the kind accepts, reading a few at a time. */
async function firstMatch(uris: readonly vscode.Uri[], kind: FileKind): Promise<TasklensWorkspaceReason | undefined> {
  for (let i = 0; i < uris.length; i += READ_CONCURRENCY) {
    const batch = uris.slice(i, i + READ_CONCURRENCY);
    const texts = await Promise.all(batch.map(readSmallText));
    const hit = texts.findIndex((text) => text !== undefined && kind.matches(text));
    if (hit >= 0) return { uri: batch[hit], why: `${vscode.workspace.asRelativePath(batch[hit])} ${kind.why}` };
  }
  return undefined;
}

/**
 * An import that names one of the task functions: `import { task } from`,
 * `import { task as t, x } from`, `import task from`, `const { task } = require(`.
 */
export function taskFunctionImport(names: readonly string[]): Matcher {
  const valid = names.filter((name) => /^[A-Za-z_$][\w$]*$/.test(name));
  if (valid.length === 0) return () => false;
  const name = `(?<![\\w$])(?:${valid.map((n) => n.replace(/\$/g, '\\$')).join('|')})(?![\\w$])`;
  const named = new RegExp(`\\bimport\\s+(?:type\\s+)?(?:[\\w$]+\\s*,\\s*)?\\{[^}]*${name}[^}]*\\}\\s*from\\s*['"]`);
  const byDefault = new RegExp(`\\bimport\\s+${name}\\s*(?:,|from\\s*['"])`);
  const required = new RegExp(`\\b(?:const|let|var)\\s*\\{[^}]*${name}[^}]*\\}\\s*=\\s*require\\s*\\(`);
  return (text) => named.test(text) || byDefault.test(text) || required.test(text);
}

async function readSmallText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.type !== vscode.FileType.File || stat.size > MAX_BYTES) return undefined;
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined; // gone, unreadable, or a broken link: it says nothing
  }
}

async function isFile(uri: vscode.Uri): Promise<boolean> {
  try {
    return (await vscode.workspace.fs.stat(uri)).type === vscode.FileType.File;
  } catch {
    return false;
  }
}

function setting(folder: vscode.WorkspaceFolder, name: string, fallback: string[]): string[] {
  const value = vscode.workspace.getConfiguration(SECTION, folder.uri).get<unknown>(name);
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : fallback;
}

function relativeTo(folder: vscode.WorkspaceFolder, uri: vscode.Uri): string | undefined {
  const root = folder.uri.path.endsWith('/') ? folder.uri.path : `${folder.uri.path}/`;
  return uri.path.startsWith(root) ? uri.path.slice(root.length) : undefined;
}

function isExcluded(relativePath: string): boolean {
  return relativePath.split('/').slice(0, -1).some((part) => EXCLUDED_FOLDERS.includes(part));
}

function normalise(relativePath: string): string {
  return relativePath.replace(/\\/g, '/').replace(/^\.\//, '');
}

function basename(relativePath: string): string {
  return relativePath.slice(relativePath.lastIndexOf('/') + 1);
}
