// The workspace index: every config, env and TypeScript file of one workspace
// folder read into located facts, and the resolution of every task over them.
// Both the language server and the CLI drive it; the outside world (the disk,
// open editors, the process env) comes in through `WorkspaceHost`.
import {
  EnvEntry, EnvLayer, Environment, ExceptionRegistry, exceptionRegistry, FieldName, LoadedConfig, MappingSource, MapNode,
  collectMappings, configFormat, ENV_CLASS_FILEPATH, ENV_FILEPATH, FIELD_NAMES, FieldResolution, fieldSpec, mergeEnvironment,
  parseDotEnv, parseTaskId, resolveField,
  ResolutionInput, TaskId, taskIdToString, TaskResolution,
} from '../resolver';
import { ConfigDocument } from './configDocument';
import { TextEdit } from './lineIndex';
import { DEFAULT_SETTINGS, TasklensSettings } from './settings';
import { TaskDefinition } from './typescriptFacts';
import type { TypeScriptIndex } from './typescriptIndex';

/**
 * The TypeScript index is loaded on first use: TypeScript's parser costs ~50 MB,
 * which a workspace with no TypeScript file should not pay.
 */
function loadTypeScriptIndex(): typeof TypeScriptIndex {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./typescriptIndex') as typeof import('./typescriptIndex')).TypeScriptIndex;
}

export interface WorkspaceHost {
  /** Text of a file relative to the folder (`/` separators); `undefined` when it does not exist. */
  readText(path: string): string | undefined;
  /** Every file of the folder that may matter (TypeScript, YAML), relative, `/` separators. */
  listFiles(): readonly string[];
}

export interface EnvDocument {
  readonly path: string;
  readonly text: string;
  readonly entries: readonly EnvEntry[];
}

/** What a workspace is being looked at for: the editor or the command line. */
export interface WorkspaceOptions {
  readonly settings?: TasklensSettings;
  /** The process env, used when `useProcessEnv` (always for the CLI). */
  readonly processEnv?: Readonly<Record<string, string | undefined>>;
  /** Env vars stronger than everything (`--env` on the CLI). */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** Overrides the config file (`--config`). */
  readonly configFile?: string;
  /** Overrides the env files (`--env-file`). */
  readonly envFiles?: readonly string[];
  /** The CLI reads the process env whatever the settings say. */
  readonly alwaysUseProcessEnv?: boolean;
}

export const TYPESCRIPT_FILE = /\.(ts|tsx|mts|cts)$/;
const IGNORED_DIRECTORY = /(^|\/)(node_modules|\.git|out|dist|build|coverage)\//;

/** A task known to the workspace: defined in TypeScript, or only named in config. */
export interface KnownTask {
  readonly id: string;
  readonly taskId: TaskId;
  /** Its `task()` call, when it is defined in TypeScript. */
  readonly definition?: TaskDefinition;
}

export class Workspace {
  private settingsValue: TasklensSettings;
  private readonly overlays = new Map<string, string>();
  private readonly configDocs = new Map<string, ConfigDocument>();
  /** The one edit since a config file was last read, or null when there were several. */
  private readonly pendingEdits = new Map<string, TextEdit | null>();
  private tsIndex: TypeScriptIndex | undefined;
  private version = 0;
  private settingsVersion = 0;
  private readonly fileVersions = new Map<string, number>();
  private cache: { version: number; env?: Environment; mappings?: MappingSource[]; exceptions?: ExceptionRegistry; tasks?: Map<string, KnownTask>; resolutions: Map<string, FieldResolution> } = { version: -1, resolutions: new Map() };

  constructor(private readonly host: WorkspaceHost, private readonly options: WorkspaceOptions = {}) {
    this.settingsValue = options.settings ?? DEFAULT_SETTINGS;
  }

  get settings(): TasklensSettings {
    return this.settingsValue;
  }

  /** The TypeScript index, created (and TypeScript loaded) on first use. */
  get typeScriptIndex(): TypeScriptIndex {
    this.tsIndex ??= new (loadTypeScriptIndex())({ moduleRoot: this.settingsValue.moduleRoot, taskFunctionNames: this.settingsValue.taskFunctionNames });
    return this.tsIndex;
  }

  /** Changes settings; everything is re-resolved, TypeScript re-read when its options changed. */
  setSettings(settings: TasklensSettings): void {
    const before = this.settingsValue;
    this.settingsValue = settings;
    if (before.moduleRoot !== settings.moduleRoot || before.taskFunctionNames.join('\0') !== settings.taskFunctionNames.join('\0')) {
      this.tsIndex?.setOptions({ moduleRoot: settings.moduleRoot, taskFunctionNames: settings.taskFunctionNames });
    }
    if (before.exclude.join('\0') !== settings.exclude.join('\0')) this.scanTypeScript();
    this.changed();
  }

  private changed(path?: string): void {
    this.version++;
    if (path !== undefined) this.fileVersions.set(path, (this.fileVersions.get(path) ?? 0) + 1);
    else this.settingsVersion++;
  }

  /**
   * A key that changes whenever anything but file `path` changes (settings, other
   * files, the TypeScript index): what a result about `path` may be cached under.
   */
  contextKeyExcept(path: string): string {
    let key = `${this.settingsVersion}:${this.tsIndex?.version ?? 0}`;
    for (const [file, version] of this.fileVersions) if (file !== path) key += `|${file}:${version}`;
    return key;
  }

  /** A counter that moves on every change. */
  get stateVersion(): number {
    return this.version + (this.tsIndex?.version ?? 0);
  }

  // ------------------------------------------------------------------ files

  readText(path: string): string | undefined {
    return this.overlays.get(path) ?? this.host.readText(path);
  }

  /** An open editor's text, which wins over the disk. */
  /**
   * An open editor's text, which wins over the disk. `edit`, when known, says what
   * changed since the previous overlay, so a config file is re-read incrementally
   * without comparing texts.
   */
  setOverlay(path: string, text: string, edit?: TextEdit): void {
    const previous = this.overlays.get(path);
    // An edit is only usable while the file was read at the previous text; otherwise the texts are compared.
    const usable = edit !== undefined && previous !== undefined && !this.pendingEdits.has(path) && this.configDocs.get(path)?.text === previous;
    this.overlays.set(path, text);
    this.fileChanged(path);
    if (usable) this.pendingEdits.set(path, edit);
  }

  clearOverlay(path: string): void {
    this.overlays.delete(path);
    this.fileChanged(path);
  }

  /** A file was created, changed or deleted (on disk or in an editor). */
  fileChanged(path: string): void {
    this.pendingEdits.set(path, null);
    if (TYPESCRIPT_FILE.test(path) && this.isIndexedTypeScript(path)) {
      const text = this.readText(path);
      if (text === undefined) this.tsIndex?.remove(path);
      else this.typeScriptIndex.update(path, text);
    }
    this.changed(path);
  }

  fileRenamed(oldPath: string, newPath: string): void {
    const text = this.readText(newPath);
    if (TYPESCRIPT_FILE.test(oldPath)) this.tsIndex?.remove(oldPath);
    if (text !== undefined && TYPESCRIPT_FILE.test(newPath) && this.isIndexedTypeScript(newPath)) this.typeScriptIndex.update(newPath, text);
    this.changed(oldPath);
    this.changed(newPath);
  }

  isIndexedTypeScript(path: string): boolean {
    return TYPESCRIPT_FILE.test(path) && !IGNORED_DIRECTORY.test(path) && !path.endsWith('.d.ts') && !this.settingsValue.exclude.some((glob) => globMatches(glob, path));
  }

  /** Reads every TypeScript file of the folder into the index. */
  scanTypeScript(onProgress?: (done: number, total: number) => boolean | void): void {
    const files = this.host.listFiles().filter((f) => this.isIndexedTypeScript(f));
    const keep = new Set(files);
    for (const known of this.tsIndex?.files() ?? []) if (!keep.has(known)) this.tsIndex?.remove(known);
    files.forEach((file, i) => {
      const text = this.readText(file);
      if (text !== undefined) this.typeScriptIndex.update(file, text);
      if (onProgress && i % 200 === 0 && onProgress(i, files.length) === false) throw new ScanCancelled();
    });
    this.changed();
  }

  /** The parsed config document at `path` (cached by text). */
  configDocument(path: string): ConfigDocument | undefined {
    const text = this.readText(path);
    if (text === undefined) {
      this.configDocs.delete(path);
      return undefined;
    }
    const previous = this.configDocs.get(path);
    const edit = this.pendingEdits.get(path) ?? undefined;
    this.pendingEdits.delete(path);
    const doc = previous ? previous.withText(text, previous.version + 1, edit) : ConfigDocument.parse(path, text);
    this.configDocs.set(path, doc);
    return doc;
  }

  envDocument(path: string): EnvDocument | undefined {
    const text = this.readText(path);
    return text === undefined ? undefined : { path, text, entries: parseDotEnv(text) };
  }

  // ----------------------------------------------------------- resolution

  private fresh(): typeof this.cache {
    const version = this.stateVersion;
    if (this.cache.version !== version) this.cache = { version, resolutions: new Map() };
    return this.cache;
  }

  /** The config file in force: `--config`, else the first of `configFiles` that exists. */
  configFilepath(): string | undefined {
    if (this.options.configFile !== undefined) return this.options.configFile;
    return this.settingsValue.configFiles.find((f) => this.readText(f) !== undefined);
  }

  envFilePaths(): readonly string[] {
    return this.options.envFiles ?? this.settingsValue.envFiles;
  }

  /** The env the runtime would see (SPEC §4 "Env sources"), strongest source first. */
  environment(): Environment {
    const cache = this.fresh();
    if (cache.env) return cache.env;
    const layers: EnvLayer[] = [];
    if (this.options.extraEnv) layers.push({ vars: Object.entries(this.options.extraEnv), origin: { via: 'cli' } });
    layers.push({ vars: Object.entries(this.settingsValue.env), origin: { via: 'setting' } });
    if ((this.options.alwaysUseProcessEnv || this.settingsValue.useProcessEnv) && this.options.processEnv) {
      const vars = Object.entries(this.options.processEnv).filter((e): e is [string, string] => e[1] !== undefined);
      layers.push({ vars, origin: { via: 'process' } });
    }
    for (const file of this.envFilePaths()) {
      const doc = this.envDocument(file);
      if (doc) layers.push({ vars: doc.entries, origin: { via: 'file', file } });
    }
    cache.env = mergeEnvironment(layers);
    return cache.env;
  }

  /** The mapping sources in force, lowest first. */
  mappings(): MappingSource[] {
    const cache = this.fresh();
    if (cache.mappings) return cache.mappings;
    const parse = (path: string): LoadedConfig => {
      const doc = this.configDocument(path);
      return doc ? doc.loaded : { ok: false, error: { kind: 'notFound', message: `Configuration file not found: ${path}`, reason: 'file not found' } };
    };
    cache.mappings = collectMappings({
      configFilepath: this.configFilepath(),
      env: this.environment(),
      files: { readText: (path) => this.readText(normalisePath(path)) },
      parse: (path) => parse(normalisePath(path)),
    });
    return cache.mappings;
  }

  /** Config files that take part in resolution, by path. */
  activeConfigFiles(): Map<string, MappingSource> {
    const files = new Map<string, MappingSource>();
    for (const mapping of this.mappings()) if (mapping.file !== undefined) files.set(normalisePath(mapping.file), mapping);
    return files;
  }

  /** The YAML files that get editor features (SPEC §7 "Which files"). */
  isConfigYaml(path: string): boolean {
    if (configFormat(path) !== 'yaml') return false;
    if (this.settingsValue.configFiles.includes(path) || this.options.configFile === path) return true;
    const env = this.environment();
    for (const key of [ENV_FILEPATH, ENV_CLASS_FILEPATH]) {
      const named = env.get(key)?.value;
      if (named !== undefined && normalisePath(named) === path) return true;
    }
    return this.configDocument(path)?.hasTaskSection ?? false;
  }

  isEnvFile(path: string): boolean {
    return this.envFilePaths().includes(path) || /(^|\/)\.env(\.[^/]*)?$/.test(path);
  }

  exceptions(): ExceptionRegistry {
    const cache = this.fresh();
    cache.exceptions ??= exceptionRegistry(this.tsIndex?.exceptionClasses() ?? []);
    return cache.exceptions;
  }

  /** Every task: those defined in TypeScript, and those only named by a per-task config section. */
  tasks(): Map<string, KnownTask> {
    const cache = this.fresh();
    if (cache.tasks) return cache.tasks;
    const tasks = new Map<string, KnownTask>();
    for (const definition of this.tsIndex?.tasks() ?? []) {
      if (definition.func === undefined) continue;
      const taskId = { module: definition.module, func: definition.func };
      const id = taskIdToString(taskId);
      if (!tasks.has(id)) tasks.set(id, { id, taskId, definition });
    }
    cache.tasks = tasks;
    return tasks;
  }

  /** Task ids named by per-task sections of the mappings in force. */
  configuredTaskIds(): string[] {
    const ids = new Set<string>();
    for (const mapping of this.mappings()) {
      if (!mapping.loaded.ok) continue;
      const section = mapping.loaded.root.entries.find((e) => e.key === 'task');
      if (section?.value.type !== 'map') continue;
      for (const entry of section.value.entries) if (entry.value.type === 'map' && parseTaskId(entry.key)) ids.add(entry.key);
    }
    return [...ids];
  }

  /** A task id given by a user: defined in TypeScript or named in config. */
  findTask(id: string): KnownTask | undefined {
    const known = this.tasks().get(id);
    if (known) return known;
    const taskId = parseTaskId(id);
    return taskId && this.configuredTaskIds().includes(id) ? { id, taskId } : undefined;
  }

  /** A task by id, with its TypeScript definition when there is one. */
  knownTask(task: KnownTask | TaskId): KnownTask {
    if ('id' in task) return task;
    const id = taskIdToString(task);
    return this.tasks().get(id) ?? { id, taskId: task };
  }

  /** What the resolver needs for one task. */
  resolutionInput(task: KnownTask | TaskId): ResolutionInput {
    const known = this.knownTask(task);
    const options: MapNode | undefined = known.definition?.options;
    return {
      taskId: known.taskId,
      taskOptions: options,
      taskOptionsFile: known.definition?.file,
      mappings: this.mappings(),
      env: this.environment(),
      exceptions: this.exceptions(),
    };
  }

  resolve(task: KnownTask | TaskId): TaskResolution {
    const known = this.knownTask(task);
    const fields = {} as Record<FieldName, FieldResolution>;
    for (const name of FIELD_NAMES) fields[name] = this.resolveField(known, name);
    return { taskId: known.taskId, fields };
  }

  /** One field of one task, resolved once per workspace state. */
  resolveField(task: KnownTask | TaskId, field: FieldName): FieldResolution {
    const known = this.knownTask(task);
    const cache = this.fresh();
    const key = `${known.id}\u0000${field}`;
    let resolved = cache.resolutions.get(key);
    if (resolved === undefined) {
      resolved = resolveField(this.resolutionInput(known), fieldSpec(field)!);
      cache.resolutions.set(key, resolved);
    }
    return resolved;
  }
}

/** A task no per-task config names: what generic and class-level values give. */
export const TYPICAL_TASK: TaskId = { module: '\u0000', func: '\u0000' };

export class ScanCancelled extends Error {
  constructor() {
    super('indexing cancelled');
  }
}

export function normalisePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

/** A small glob matcher for `tasklens.exclude` (`**`, `*`, `?`). */
export function globMatches(glob: string, path: string): boolean {
  let pattern = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*' && glob[i + 1] === '*') {
      pattern += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (ch === '*') pattern += '[^/]*';
    else if (ch === '?') pattern += '[^/]';
    else pattern += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${pattern}$`).test(path) || new RegExp(`^${pattern}/`).test(path);
}
