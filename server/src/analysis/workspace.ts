// The workspace index: every config, env and TypeScript file of one workspace
// folder read into located facts, and the resolution of every task over them.
// Both the language server and the CLI drive it; the outside world (the disk,
// open editors, the process env) comes in through `WorkspaceHost`.
import {
  CLASS_SECTION_KEY, collectMappings, configFormat, EnvEntry, envTaskPart, EnvLayer, Environment, ExceptionRegistry,
  exceptionRegistry, FIELD_NAMES, FieldName, FieldResolution, fieldSpec, LoadedConfig, mapGet,
  MappingSource, MapNode, mergeEnvironment, moduleForFile, nodeToPlain, notFoundError, parseDotEnv, parseTaskId, ResolutionInput, resolveField, TaskId,
  NeighbourSuggester, nulError, taskIdToString, TaskResolution, unreadableError,
} from '../resolver';
import { ConfigDocument } from './configDocument';
import { Steps } from './steps';
import { changesNothing, composeEdits, Text, TextEdit } from './lineIndex';
import { DEFAULT_SETTINGS, TasklensSettings } from './settings';
import { TaskFileFacts, TaskLanguage, TaskSource } from './taskSource';
import { ClassFact, TaskDefinition } from './typescriptFacts';
import type { FileRecord as TypeScriptFileRecord, TypeScriptAnalysisOptions, TypeScriptIndex } from './typescriptIndex';
import type { PythonIndex } from './python';

/** The Python source is loaded on the first Python file: a TypeScript workspace does not pay for it. */
function loadPython(): typeof import('./python') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./python') as typeof import('./python');
}

const PYTHON_RETRY_ERROR = 'pynenc.exceptions.RetryError';

interface CodeFacts {
  readonly at: number;
  readonly tasks: Map<string, KnownTask>;
  readonly exceptions: Readonly<Record<TaskLanguage, ExceptionRegistry>>;
  byEnvPart?: Map<string, KnownTask>;
  idNeighbours?: NeighbourSuggester;
  envNeighbours?: NeighbourSuggester;
  /** Did-you-mean answers, by what was asked: a large `.env` asks again at every keystroke. */
  readonly envSuggestions: Map<string, string | undefined>;
}

/**
 * The TypeScript index is loaded on first use: TypeScript's parser costs ~50 MB,
 * which a workspace with no TypeScript file should not pay.
 */
function typeScriptModule(): typeof import('./typescriptIndex') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./typescriptIndex') as typeof import('./typescriptIndex');
}

function loadTypeScriptIndex(): typeof TypeScriptIndex {
  return typeScriptModule().TypeScriptIndex;
}

/** A TypeScript file to parse elsewhere (`Workspace.planTaskFile`): as `module`, with `options.taskFunctionNames`. */
export interface PlannedParse {
  readonly file: string;
  readonly text: string;
  readonly module: string;
  readonly options: TypeScriptAnalysisOptions;
}

export interface WorkspaceHost {
  /** Text of a file relative to the folder (`/` separators); `undefined` when it does not exist or cannot be read. */
  readText(path: string): string | undefined;
  /** Every file of the folder that may matter (task code, config, env), relative, `/` separators. */
  listFiles(): readonly string[];
  /** Why an existing path cannot be read as text (a directory, no permission, not UTF-8); undefined otherwise. */
  readProblem?(path: string): { readonly reason: string; readonly offset?: number } | undefined;
  /**
   * An editor holds the file now, and its text wins over the disk's: a copy read
   * from disk need not be kept (it is read again once the editor lets go).
   */
  release?(path: string): void;
}

export interface EnvDocument {
  readonly path: string;
  readonly text: string;
  readonly entries: readonly EnvEntry[];
  /**
   * Why no variable is read from the file: it is not UTF-8 text, holds a NUL
   * (no process env can carry one) or is a directory. `entries` is then empty.
   */
  readonly failure?: { readonly reason: string; readonly start: number; readonly end: number };
}

/** What a workspace is being looked at for: the editor or the command line. */
export interface WorkspaceOptions {
  readonly settings?: TasklensSettings;
  /** The folder's absolute path, so absolute paths inside it (`PYNENC__FILEPATH=/srv/app/x.yaml`) read as relative. */
  readonly root?: string;
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
  /** The environment in force (`--environment`), instead of `tasklens.environment`. */
  readonly environment?: string;
  /**
   * A run that reads each file once and sees no edit (the CLI): resolutions are
   * kept for the last few hundred tasks only, since each task is checked once.
   */
  readonly singlePass?: boolean;
}

/** How many tasks' resolutions a single-pass workspace keeps. */
const SINGLE_PASS_RESOLUTIONS = 256;

/** The kinds of file Tasklens reads, each with its own features. */
export type FileKind = 'config' | 'env' | 'typescript' | 'python';

export const TYPESCRIPT_FILE = /\.(ts|tsx|mts|cts)$/;
const TASK_CODE_FILE = /\.(ts|tsx|mts|cts|py)$/;
/** Folders never read: dependencies, version control, build output. */
export const IGNORED_DIRECTORIES: readonly string[] = ['node_modules', '.git', 'out', 'dist', 'build', 'coverage', '.vscode-test'];
const IGNORED_DIRECTORY = new RegExp(`(^|/)(${IGNORED_DIRECTORIES.map((d) => d.replace(/\./g, '\\.')).join('|')})/`);
const ENV_FILE_NAME = /(^|\/)\.env(\.[^/]*)?$/;
export const PYPROJECT = 'pyproject.toml';

/** A task known to the workspace: defined in task code, or only named in config. */
export interface KnownTask {
  /** Always `taskIdToString(taskId)` (the resolver looks the task up by it). */
  readonly id: string;
  readonly taskId: TaskId;
  /** Its definition, when task code defines it. */
  readonly definition?: TaskDefinition;
}

/** What one input kind's cache was computed from. */
type Versions = { settings: number; env: number; config: number; code: number };
type Stamp = Readonly<Versions>;

export class Workspace {
  private settingsValue: TasklensSettings;
  private readonly overlays = new Map<string, Text>();
  private readonly configDocs = new Map<string, ConfigDocument>();
  /** Each env file as read at its latest text. */
  private readonly envDocs = new Map<string, EnvDocument>();
  /** The one edit since a config file was last read, or null when there were several. */
  private readonly pendingEdits = new Map<string, TextEdit | null>();
  private tsIndex: TypeScriptIndex | undefined;
  /** Counters per input kind: a change to one drops only what depends on it. */
  private readonly versions: Versions = { settings: 0, env: 0, config: 0, code: 0 };
  private readonly fileVersions = new Map<string, number>();
  /** What each task-code file tells the rest (tasks, options, classes, imports), without its offsets. */
  private readonly codeSignatures = new Map<string, string>();
  /** Moves only when some file's signature changes: an edit inside a function body leaves it alone. */
  private codeMeaning = 0;
  private readonly envCache = new Map<string, { at: Stamp; env: Environment }>();
  private readonly mappingCache = new Map<string, { at: Stamp; mappings: MappingSource[] }>();
  private codeCache: CodeFacts | undefined;
  private pyIndex: PythonIndex | undefined;
  private readonly resolutionCache = new Map<string, { at: Stamp; resolutions: Map<string, Map<FieldName, FieldResolution>> }>();

  constructor(private readonly host: WorkspaceHost, private readonly options: WorkspaceOptions = {}) {
    this.settingsValue = options.settings ?? DEFAULT_SETTINGS;
  }

  get settings(): TasklensSettings {
    return this.settingsValue;
  }

  /** The TypeScript index, created (and TypeScript loaded) on first use. */
  private get typeScriptIndex(): TypeScriptIndex {
    this.tsIndex ??= new (loadTypeScriptIndex())({ moduleRoot: this.settingsValue.moduleRoot, taskFunctionNames: this.settingsValue.taskFunctionNames });
    return this.tsIndex;
  }

  /** The Python index, created (and its module loaded) on the first Python file. */
  private get pythonIndex(): PythonIndex {
    this.pyIndex ??= new (loadPython().PythonIndex)({ roots: this.pythonRoots() });
    return this.pyIndex;
  }

  /** Python roots (SPEC §10): the setting, else the folder and every project folder with its `src/`. */
  private pythonRoots(): string[] {
    return loadPython().pythonRootsFor([...this.host.listFiles()], [...this.settingsValue.pythonRoots]);
  }

  /** The task sources that have been loaded (none before the first task file is read). */
  private taskSources(): TaskSource[] {
    const sources: TaskSource[] = [];
    if (this.tsIndex) sources.push(this.tsIndex);
    if (this.pyIndex) sources.push(this.pyIndex);
    return sources;
  }

  /** The language of a task: its definition's, else the workspace's (Python when only Python declares tasks). */
  languageOf(task: KnownTask | undefined): TaskLanguage {
    const language = task?.definition?.language;
    if (language) return language;
    return this.pyIndex && this.pyIndex.tasks().length > 0 && (this.tsIndex?.tasks().length ?? 0) === 0 ? 'python' : 'typescript';
  }

  /**
   * The module of a task file at `path`, which may not exist yet (where a move
   * puts it): Python roots for a `.py` file, the module root for TypeScript.
   */
  moduleOfTaskFile(path: string): string | undefined {
    return path.endsWith('.py') ? this.pythonIndex.moduleOf(path)?.module : moduleForFile(path, this.settingsValue.moduleRoot);
  }

  /** Which root gave a Python file its module, for hovers. */
  pythonModuleRoot(file: string): string | undefined {
    return this.pyIndex?.moduleOf(file)?.root;
  }

  /** Changes settings; everything is re-resolved, TypeScript re-read when its options changed. */
  setSettings(settings: TasklensSettings): void {
    const before = this.settingsValue;
    this.settingsValue = settings;
    if (before.moduleRoot !== settings.moduleRoot || before.taskFunctionNames.join('\0') !== settings.taskFunctionNames.join('\0')) {
      this.tsIndex?.setOptions({ moduleRoot: settings.moduleRoot, taskFunctionNames: settings.taskFunctionNames });
    }
    if (before.pythonRoots.join('\0') !== settings.pythonRoots.join('\0')) this.pyIndex?.setRoots(this.pythonRoots());
    if (before.exclude.join('\0') !== settings.exclude.join('\0')) this.scanTypeScript();
    this.versions.settings++;
    this.codeMeaning++;
  }

  /**
   * A key that changes whenever anything but file `path` changes (settings, other
   * files, task code): what a result about `path` may be cached under.
   */
  contextKeyExcept(path: string): string {
    let key = `${this.versions.settings}:${this.codeMeaning}`;
    for (const [file, version] of this.fileVersions) if (file !== path && !TASK_CODE_FILE.test(file)) key += `|${file}:${version}`;
    return key;
  }

  /** A counter that moves on every change. */
  get stateVersion(): number {
    return this.versions.settings + this.versions.env + this.versions.config + this.codeVersion();
  }

  /** The input versions now, for a cache to compare field by field (a key string per lookup was an allocation per resolved field). */
  private stamp(): Stamp {
    return { ...this.versions, code: this.codeVersion() };
  }

  private codeVersion(): number {
    return this.versions.code + (this.tsIndex?.version ?? 0) + (this.pyIndex?.version ?? 0);
  }

  // ------------------------------------------------------------------ files

  /** `path`'s text as one string (an editor's large text is copied into one: config files use `readSource`). */
  readText(path: string): string | undefined {
    const open = this.overlays.get(path);
    return open === undefined ? this.host.readText(path) : String(open);
  }

  /** `path`'s text as the editor or the disk has it, without joining an editor's blocks. */
  readSource(path: string): Text | undefined {
    return this.overlays.get(path) ?? this.host.readText(path);
  }

  /** Whether `path` can be read as text. */
  exists(path: string): boolean {
    return this.overlays.has(path) || this.host.readText(path) !== undefined;
  }

  /**
   * An open editor's text, which wins over the disk. `edit`, when known, says what
   * changed since the previous overlay, so a config file is re-read incrementally
   * without comparing texts.
   */
  setOverlay(path: string, text: Text, edit?: TextEdit, read?: ConfigDocument): void {
    const previous = this.overlays.get(path);
    this.overlays.set(path, text);
    if (previous === undefined) this.host.release?.(path);
    const doc = this.configDocs.get(path);
    const readAtPrevious = doc !== undefined && !this.pendingEdits.has(path) && doc.text === previous;
    if (edit !== undefined && previous !== undefined && changesNothing(previous, text, edit)) {
      // The same text again: nothing to read or check again.
      if (readAtPrevious) this.configDocs.set(path, doc.withText(text, doc.version, edit));
      return;
    }
    // What turns the text the config file was read at into this one, when known (keystrokes not read yet add up);
    // otherwise the texts are compared.
    const pending = this.pendingEdits.get(path);
    const sinceRead = edit === undefined || previous === undefined || doc === undefined ? undefined : readAtPrevious ? edit : pending ? composeEdits(pending, edit, doc.text.length, previous.length, text.length) : undefined;
    this.fileChanged(path);
    if (read?.text === text) this.takeConfigDocument(path, read);
    else if (sinceRead) this.pendingEdits.set(path, sinceRead);
  }

  clearOverlay(path: string): void {
    this.overlays.delete(path);
    this.fileChanged(path);
  }

  /** A file was created, changed or deleted (on disk or in an editor). */
  fileChanged(path: string): void {
    this.pendingEdits.set(path, null);
    this.fileVersions.set(path, (this.fileVersions.get(path) ?? 0) + 1);
    const taskCode = this.isIndexedTypeScript(path) ? 'typescript' : this.isIndexedPython(path) ? 'python' : undefined;
    if (taskCode !== undefined) {
      // What the file's facts were, when not known yet (a file read by the index, edited for the first time).
      if (!this.codeSignatures.has(path)) {
        const facts = this.taskFacts(path);
        if (facts) this.codeSignatures.set(path, factsSignature(facts));
      }
      const text = this.readText(path);
      // A deletion never loads an index; an update creates it on the first file.
      if (text === undefined) (taskCode === 'typescript' ? this.tsIndex : this.pyIndex)?.remove(path);
      else (taskCode === 'typescript' ? this.typeScriptIndex : this.pythonIndex).update(path, text);
      this.noteCodeMeaning(path);
      return;
    }
    // A new or removed project folder moves Python roots.
    if (this.pyIndex && /(^|\/)(pyproject\.toml|setup\.py|setup\.cfg)$/.test(path)) this.pyIndex.setRoots(this.pythonRoots());
    if (this.isEnvFile(path)) this.versions.env++;
    // Any other file may be a config file (named by a FILEPATH variable, say).
    this.versions.config++;
  }

  fileRenamed(oldPath: string, newPath: string): void {
    this.fileChanged(oldPath);
    this.fileChanged(newPath);
  }

  isIndexedTypeScript(path: string): boolean {
    return TYPESCRIPT_FILE.test(path) && !IGNORED_DIRECTORY.test(path) && !path.endsWith('.d.ts') && !this.settingsValue.exclude.some((glob) => globMatches(glob, path));
  }

  isIndexedPython(path: string): boolean {
    return path.endsWith('.py') && !IGNORED_DIRECTORY.test(path) && !loadPython().isIgnoredPythonPath(path) && !this.settingsValue.exclude.some((glob) => globMatches(glob, path));
  }

  /** Reads every task-code file (TypeScript, Python) of the folder into its index. */
  scanTypeScript(onProgress?: (done: number, total: number) => boolean | void): void {
    const files = this.taskFiles();
    const keep = new Set(files);
    for (const known of this.tsIndex?.files() ?? []) if (!keep.has(known)) this.tsIndex?.remove(known);
    for (const known of this.pyIndex?.files() ?? []) if (!keep.has(known)) this.pyIndex?.remove(known);
    for (const known of this.codeSignatures.keys()) if (!keep.has(known)) this.codeSignatures.delete(known);
    files.forEach((file, i) => {
      this.indexTaskFile(file);
      if (onProgress && i % 200 === 0 && onProgress(i, files.length) === false) throw new ScanCancelled();
    });
    this.versions.code++;
  }

  /** The files of the folder that task code may be in. */
  taskFiles(): string[] {
    return this.host.listFiles().filter((f) => this.isIndexedTypeScript(f) || (f.endsWith('.py') && this.isIndexedPython(f)));
  }

  /**
   * An editor opened `path`: when it is a TypeScript task file, its edits will
   * parse it here, so TypeScript's compiler (which the first index may have left
   * to a child process) is loaded now rather than on the first keystroke.
   */
  expectEdits(path: string): void {
    if (this.isIndexedTypeScript(path)) typeScriptModule().loadTypeScriptParser();
  }

  /** Reads one task file into its source (for indexing in batches). */
  indexTaskFile(file: string): void {
    const text = this.readText(file);
    if (text === undefined) return;
    if (this.isIndexedTypeScript(file)) this.typeScriptIndex.update(file, text);
    else if (file.endsWith('.py') && this.isIndexedPython(file)) this.pythonIndex.update(file, text);
    else return;
    this.noteIndexed(file);
  }

  /**
   * `indexTaskFile` with TypeScript's parsing left to the caller (a child process):
   * a file that needs no parse is read now and the answer is undefined; for one
   * that does, what to parse, to hand back to `takeParsedTaskFile`.
   */
  planTaskFile(file: string): PlannedParse | undefined {
    const text = this.readText(file);
    if (text === undefined || !this.isIndexedTypeScript(file)) {
      this.indexTaskFile(file);
      return undefined;
    }
    const index = this.typeScriptIndex;
    const module = index.planUpdate(file, text);
    if (module === undefined) this.noteIndexed(file);
    return module === undefined ? undefined : { file, text, module, options: index.readingOptions };
  }

  /**
   * The record parsed elsewhere for what `planTaskFile` gave; undefined when it
   * could not be parsed there. A file whose text changed meanwhile (or the
   * settings), or without a record, is read here instead.
   */
  takeParsedTaskFile(plan: PlannedParse, record: TypeScriptFileRecord | undefined): void {
    const index = this.typeScriptIndex;
    if (record === undefined || this.readText(plan.file) !== plan.text || index.readingOptions !== plan.options) return this.indexTaskFile(plan.file);
    index.updateParsed(plan.file, plan.text, record);
    this.noteIndexed(plan.file);
  }

  private noteIndexed(file: string): void {
    this.codeMeaning++;
    this.codeSignatures.delete(file);
  }

  /** After task code in `path` changed: does the rest of the workspace see a difference? */
  private noteCodeMeaning(path: string): void {
    const before = this.codeSignatures.get(path);
    const facts = this.taskFacts(path);
    const after = facts ? factsSignature(facts) : undefined;
    if (after === undefined) this.codeSignatures.delete(path);
    else this.codeSignatures.set(path, after);
    if (before === undefined || before !== after) this.codeMeaning++;
  }

  /** Every file of the folder the host lists. */
  listFiles(): readonly string[] {
    return this.host.listFiles();
  }

  /** What Tasklens reads `path` as, if anything (SPEC §7 "Which files"). */
  fileKind(path: string): FileKind | undefined {
    if (this.isIndexedTypeScript(path)) return 'typescript';
    if (path.endsWith('.py') && this.isIndexedPython(path)) return 'python';
    if (this.isEnvFile(path)) return 'env';
    if (this.isConfigFile(path)) return 'config';
    return undefined;
  }

  /** Whether config file `path` has been read at exactly `text` (reading it costs nothing). */
  hasRead(path: string, text: Text): boolean {
    return this.configDocs.get(path)?.text === text;
  }

  /** Whether some version of config file `path` has been read (a next version re-uses it). */
  hasReadAnyVersion(path: string): boolean {
    return this.configDocs.has(path);
  }

  /**
   * Reads `text` as config file `path`, in steps, leaving what the workspace
   * serves untouched meanwhile: the previous version is not re-used (re-using
   * moves its pieces). Hand the result to `setOverlay`.
   */
  configDocumentSteps(path: string, text: Text): Steps<ConfigDocument> {
    return ConfigDocument.steps(path, text, (this.configDocs.get(path)?.version ?? 0) + 1);
  }

  /** Reads the configured config files that are not read at their current text, in steps. */
  *readConfigFilesSteps(): Steps<void> {
    const paths = new Set([...(this.options.configFile !== undefined ? [this.options.configFile] : []), ...this.settingsValue.configFiles]);
    for (const path of paths) {
      const text = this.readSource(path);
      if (text === undefined || this.hasRead(path, text)) continue;
      const read = yield* this.configDocumentSteps(path, text);
      // Taken only if nothing changed the file or read it meanwhile.
      if (this.readSource(path) === text && !this.hasRead(path, text)) this.takeConfigDocument(path, read);
    }
  }

  private takeConfigDocument(path: string, read: ConfigDocument): void {
    this.configDocs.set(path, read);
    this.pendingEdits.delete(path);
  }

  /** The parsed config document at `path` (cached by text). */
  configDocument(path: string): ConfigDocument | undefined {
    const text = this.readSource(path);
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
    if (text === undefined) {
      // (Not kept: a file that cannot be read may be gone, or fixed, at the next question.)
      const problem = this.host.readProblem?.(path);
      return problem ? { path, text: '', entries: [], failure: { reason: problem.reason, start: 0, end: 0 } } : undefined;
    }
    const kept = this.envDocs.get(path);
    if (kept !== undefined && kept.text === text) return kept;
    const nul = nulError(text);
    const doc: EnvDocument = nul ? { path, text, entries: [], failure: { reason: nul.reason, start: nul.start ?? 0, end: nul.end ?? 0 } } : { path, text, entries: parseDotEnv(text) };
    this.envDocs.set(path, doc);
    return doc;
  }

  // ----------------------------------------------------------- resolution

  /**
   * The config file in force: `--config`, else the first of `configFiles` that
   * exists — one that cannot be read as text (not UTF-8, a directory) exists too,
   * and fails to load, as the runtime would fail on it.
   */
  configFilepath(): string | undefined {
    if (this.options.configFile !== undefined) return this.options.configFile;
    return this.settingsValue.configFiles.find((f) => this.exists(f) || this.host.readProblem?.(f) !== undefined);
  }

  /** The environment in force (SPEC §12): `--environment`, else `tasklens.environment`; `''` is the plain settings. */
  activeEnvironment(): string {
    return this.options.environment ?? this.settingsValue.environment;
  }

  /** Every environment's name, the plain settings (`''`) first. */
  environmentNames(): string[] {
    return ['', ...Object.keys(this.settingsValue.environments)];
  }

  envFilePaths(environment = this.activeEnvironment()): readonly string[] {
    return this.options.envFiles ?? this.settingsValue.environments[environment]?.envFiles ?? this.settingsValue.envFiles;
  }

  /** The env the runtime would see (SPEC §4 "Env sources"), strongest source first. */
  environment(environment = this.activeEnvironment()): Environment {
    const cached = this.envCache.get(environment);
    if (cached && cached.at.settings === this.versions.settings && cached.at.env === this.versions.env) return cached.env;
    const at = this.stamp();
    const layers: EnvLayer[] = [];
    if (this.options.extraEnv) layers.push({ vars: Object.entries(this.options.extraEnv), origin: { via: 'cli' } });
    layers.push({ vars: Object.entries(this.settingsValue.environments[environment]?.env ?? this.settingsValue.env), origin: { via: 'setting' } });
    if ((this.options.alwaysUseProcessEnv || this.settingsValue.useProcessEnv) && this.options.processEnv) {
      const vars = Object.entries(this.options.processEnv).filter((e): e is [string, string] => e[1] !== undefined);
      layers.push({ vars, origin: { via: 'process' } });
    }
    for (const file of this.envFilePaths(environment)) {
      const doc = this.envDocument(file);
      if (doc) layers.push({ vars: doc.entries, origin: { via: 'file', file } });
    }
    const env = mergeEnvironment(layers);
    this.envCache.set(environment, { at, env });
    return env;
  }

  /** A path as the workspace names files: relative to the folder when it lies inside it. */
  relativePath(path: string): string {
    const normal = normalisePath(path);
    const root = this.options.root !== undefined ? normalisePath(this.options.root).replace(/\/+$/, '') : undefined;
    if (root !== undefined && root !== '' && normal.startsWith(root + '/')) return normal.slice(root.length + 1);
    return normal;
  }

  /** The mapping sources in force, lowest first. */
  mappings(environment = this.activeEnvironment()): MappingSource[] {
    const cached = this.mappingCache.get(environment);
    if (cached && cached.at.settings === this.versions.settings && cached.at.env === this.versions.env && cached.at.config === this.versions.config) return cached.mappings;
    const at = this.stamp();
    const missing = (path: string): LoadedConfig => {
      const problem = this.host.readProblem?.(path);
      return { ok: false, error: problem ? unreadableError(path, problem) : notFoundError(path) };
    };
    const partials = new Map<string, MapNode>();
    const load = (path: string): LoadedConfig | undefined => {
      const doc = this.configDocument(path);
      if (doc && !doc.loaded.ok) partials.set(path, doc.settings);
      return doc?.loaded;
    };
    const mappings = collectMappings({
      configFilepath: this.configFilepath(),
      env: this.environment(environment),
      files: { readText: (path) => this.readText(this.relativePath(path)) },
      load: (path) => load(this.relativePath(path)),
    }).map((m) => {
      const file = m.file !== undefined ? this.relativePath(m.file) : undefined;
      const partial = file !== undefined ? partials.get(file) : undefined;
      return { ...m, file, ...(partial ? { partial } : {}), ...(m.file !== undefined && !m.loaded.ok && m.loaded.error.kind === 'notFound' ? { loaded: missing(file!) } : {}) };
    });
    this.mappingCache.set(environment, { at, mappings });
    return mappings;
  }

  /** Config files that take part in resolution, by path. */
  activeConfigFiles(): Map<string, MappingSource> {
    const files = new Map<string, MappingSource>();
    for (const mapping of this.mappings()) if (mapping.file !== undefined) files.set(mapping.file, mapping);
    return files;
  }

  /**
   * The config files that get editor features (SPEC §7 "Which files"): the ones
   * the runtime reads (any format), the configured names, and any YAML file with
   * a top-level `task:` mapping.
   */
  isConfigFile(path: string): boolean {
    const format = configFormat(path);
    if (format === undefined) return false;
    if (IGNORED_DIRECTORY.test(path)) return false;
    if (path === PYPROJECT || this.settingsValue.configFiles.includes(path) || this.options.configFile === path) return true;
    if (this.activeConfigFiles().has(path)) return true;
    return format === 'yaml' && (this.configDocument(path)?.hasTaskSection ?? false);
  }

  /** Kept for callers that only handle YAML. */
  isConfigYaml(path: string): boolean {
    return configFormat(path) === 'yaml' && this.isConfigFile(path);
  }

  isEnvFile(path: string): boolean {
    return ENV_FILE_NAME.test(path) || this.environmentNames().some((name) => this.envFilePaths(name).includes(path));
  }

  /**
   * The defined task id nearest to `id` (a did-you-mean). A misspelt id keeps
   * either its module or its function name, so only the tasks sharing one are
   * compared: the cost follows those, not every task of the workspace.
   */
  suggestTaskId(id: string): string | undefined {
    const code = this.code();
    code.idNeighbours ??= new NeighbourSuggester([...code.tasks.keys()], '.');
    return code.idNeighbours.suggest(id);
  }

  /** The `<MODULE>#<FUNC>` of a defined task nearest to `part`, the same way. */
  suggestEnvTaskPart(part: string): string | undefined {
    const code = this.code();
    if (code.envSuggestions.has(part)) return code.envSuggestions.get(part);
    code.envNeighbours ??= new NeighbourSuggester([...code.tasks.values()].map((t) => envTaskPart(t.taskId)), '#');
    const suggestion = code.envNeighbours.suggest(part);
    code.envSuggestions.set(part, suggestion);
    return suggestion;
  }

  /** The defined task a per-task env var's `<MODULE>#<FUNC>` part names. */
  taskByEnvPart(part: string): KnownTask | undefined {
    const code = this.code();
    if (code.byEnvPart === undefined) {
      code.byEnvPart = new Map();
      for (const task of code.tasks.values()) if (!code.byEnvPart.has(envTaskPart(task.taskId))) code.byEnvPart.set(envTaskPart(task.taskId), task);
    }
    return code.byEnvPart.get(part);
  }

  private code(): CodeFacts {
    const at = this.codeVersion();
    if (this.codeCache?.at === at) return this.codeCache;
    const tasks = new Map<string, KnownTask>();
    const exceptions = {} as Record<TaskLanguage, ExceptionRegistry>;
    exceptions.typescript = exceptionRegistry(this.tsIndex?.exceptionClasses() ?? []);
    exceptions.python = exceptionRegistry(this.pyIndex?.exceptionClasses() ?? [], this.pyIndex ? loadPython().PYTHON_BUILTIN_EXCEPTIONS : []);
    for (const source of this.taskSources()) {
      for (const definition of source.tasks()) {
        // A task pynenc refuses (TL023, TL024) is not a task the runtime knows.
        if (definition.func === undefined || definition.refusal !== undefined) continue;
        const taskId = { module: definition.module, func: definition.func };
        const id = taskIdToString(taskId);
        if (!tasks.has(id)) tasks.set(id, { id, taskId, definition });
      }
    }
    this.codeCache = { at, tasks, exceptions, envSuggestions: new Map() };
    return this.codeCache;
  }

  /** The exception classes a task's `retry_for` can name: its language's built-ins and workspace classes. */
  exceptions(language: TaskLanguage = this.languageOf(undefined)): ExceptionRegistry {
    return this.code().exceptions[language];
  }

  /** The registry for one task. */
  exceptionsFor(task: KnownTask | TaskId | undefined): ExceptionRegistry {
    return this.exceptions(this.languageOf(task && 'id' in task ? task : task ? this.knownTask(task) : undefined));
  }

  /** Every task that task code defines. */
  tasks(): Map<string, KnownTask> {
    return this.code().tasks;
  }

  /** The facts of one task-code file (tasks, classes), when a task source read it. */
  taskFacts(path: string): TaskFileFacts | undefined {
    return this.firstAnswer((source) => source.facts(path));
  }

  /** Every definition of task `id` (more than one is a duplicate). */
  taskDefinitions(id: string): TaskDefinition[] {
    return this.taskSources().flatMap((s) => s.tasksById(id));
  }

  /** The class declared as `<module>.<Name>` in task code. */
  classDeclaration(qualified: string): ClassFact | undefined {
    return this.firstAnswer((source) => source.classByQualifiedName(qualified));
  }

  /** What the first task source that knows says. */
  private firstAnswer<T>(ask: (source: TaskSource) => T | undefined): T | undefined {
    for (const source of this.taskSources()) {
      const answer = ask(source);
      if (answer) return answer;
    }
    return undefined;
  }

  /** Task ids named by per-task sections of the mappings in force. */
  configuredTaskIds(): string[] {
    const ids = new Set<string>();
    for (const mapping of this.mappings()) {
      const root = mapping.loaded.ok ? mapping.loaded.root : mapping.partial;
      const section = root ? mapGet(root, CLASS_SECTION_KEY) : undefined;
      if (section?.value.type !== 'map') continue;
      for (const entry of section.value.entries) if (entry.value.type === 'map' && parseTaskId(entry.key)) ids.add(entry.key);
    }
    return [...ids];
  }

  /** Task ids a user may ask about: those task code defines, else (with no task code) those config names. */
  knownTaskIds(): string[] {
    const defined = [...this.tasks().keys()];
    return defined.length > 0 ? defined : this.configuredTaskIds();
  }

  /**
   * A task id given by a user: defined in task code, or, in a workspace that
   * defines no task, named in config (a section naming no defined task is TL008).
   */
  findTask(id: string): KnownTask | undefined {
    const known = this.tasks().get(id);
    if (known) return known;
    if (this.tasks().size > 0) return undefined;
    const taskId = parseTaskId(id);
    return taskId && this.configuredTaskIds().includes(id) ? { id, taskId } : undefined;
  }

  /** A task by id, with its definition when there is one. */
  knownTask(task: KnownTask | TaskId): KnownTask {
    if ('id' in task) return task;
    const id = taskIdToString(task);
    return this.tasks().get(id) ?? { id, taskId: task };
  }

  /** What the resolver needs for one task. */
  resolutionInput(task: KnownTask | TaskId, environment = this.activeEnvironment()): ResolutionInput {
    const known = this.knownTask(task);
    const options: MapNode | undefined = known.definition?.options;
    return {
      taskId: known.taskId,
      taskKey: known.id,
      taskOptions: options,
      taskOptionsFile: known.definition?.file,
      mappings: this.mappings(environment),
      env: this.environment(environment),
      exceptions: this.exceptionsFor(known),
      ...(this.languageOf(known) === 'python' ? { defaults: { retry_for: [PYTHON_RETRY_ERROR] } } : {}),
    };
  }

  resolve(task: KnownTask | TaskId, environment = this.activeEnvironment()): TaskResolution {
    const known = this.knownTask(task);
    const fields = {} as Record<FieldName, FieldResolution>;
    for (const name of FIELD_NAMES) fields[name] = this.resolveField(known, name, environment);
    return { taskId: known.taskId, fields };
  }

  /** One field of one task, resolved once per workspace state (and environment). */
  resolveField(task: KnownTask | TaskId, field: FieldName, environment = this.activeEnvironment()): FieldResolution {
    const known = this.knownTask(task);
    let cache = this.resolutionCache.get(environment);
    const v = this.versions;
    if (!cache || cache.at.settings !== v.settings || cache.at.env !== v.env || cache.at.config !== v.config || cache.at.code !== this.codeVersion()) {
      cache = { at: this.stamp(), resolutions: new Map() };
      this.resolutionCache.set(environment, cache);
    }
    let byField = cache.resolutions.get(known.id);
    if (byField === undefined) {
      if (this.options.singlePass && cache.resolutions.size >= SINGLE_PASS_RESOLUTIONS) cache.resolutions.clear();
      byField = new Map();
      cache.resolutions.set(known.id, byField);
    }
    let resolved = byField.get(field);
    if (resolved === undefined) {
      resolved = resolveField(this.resolutionInput(known, environment), fieldSpec(field)!);
      byField.set(field, resolved);
    }
    return resolved;
  }
}

/** A file's facts as the rest of the workspace reads them: everything but where they are written. */
function factsSignature(facts: TaskFileFacts): string {
  return JSON.stringify([
    facts.tasks.map((t) => [t.module, t.func, t.options ? nodeToPlain(t.options) : null, t.optionsHaveSpread, t.parameters ?? null, t.exceptionRefs.map((r) => r.qualifiedName ?? r.identifier)]),
    facts.classes.map((c) => [c.module, c.name, c.extendsName ?? null]),
    [...facts.imports],
  ]);
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
