// The Tasklens language server: LSP glue over the workspace index and the
// features facade. It owns documents, settings, watched files and scheduling;
// every answer comes from `features/index.ts`. `startServer` takes any
// connection (stdio, IPC, or an in-memory pair in tests).
import { PerformanceObserver } from 'perf_hooks';
import * as path from 'path';
import * as v8 from 'v8';
import {
  CodeAction, CodeActionKind, CompletionItem, CompletionList, Connection, createConnection, Diagnostic, DidChangeConfigurationNotification, ErrorCodes, ResponseError, TextEdit,
  DidChangeWatchedFilesNotification, DocumentSymbol, FileChangeType, Hover, InitializeParams, InitializeResult, InlayHint,
  Location, ProposedFeatures, TextDocuments, TextDocumentSyncKind, WorkspaceFolder,
  Message, NotificationMessage, PublishDiagnosticsNotification, PublishDiagnosticsParams, RequestType0, StreamMessageReader, StreamMessageWriter,
} from 'vscode-languageserver/node';
import { URI } from 'vscode-uri';
import { EditorDocument } from './editorDocument';
import { Text, TextEdit as OffsetEdit } from './analysis/lineIndex';
import { ConfigDocument } from './analysis/configDocument';
import { DiskHost } from './analysis/diskHost';
import { indexTaskFiles } from './analysis/bulkIndex';
import { finish, inSlices as runInSlices, Steps } from './analysis/steps';
import { DEFAULT_SETTINGS, readSettings, settingsFromWorkspaceFiles } from './analysis/settings';
import { normalisePath, Workspace, WorkspaceHost } from './analysis/workspace';
import * as features from './features';
import { blockTextJsonDecoder } from './messageDecoder';
import { configFormat } from './resolver';
import {
  ConfigurationChangedNotification, EnvironmentsNotification, EnvironmentsParams, ExplainTaskParams, TaskTreeRequest, TaskTreeResult, ExplainTaskRequest, ExplainTaskResult, ListTasksRequest, ListTasksResult,
  StatusNotification, StatusParams,
} from './protocol';

/** Disk access with texts kept until a watched-file event says they changed, or an editor holds the file. */
class CachedDiskHost implements WorkspaceHost {
  private readonly disk: DiskHost;
  private readonly texts = new Map<string, string | undefined>();
  private listing: readonly string[] | undefined;

  constructor(root: string) {
    this.disk = new DiskHost(root);
  }

  readText(relativePath: string): string | undefined {
    if (!this.texts.has(relativePath)) this.texts.set(relativePath, this.disk.readText(relativePath));
    return this.texts.get(relativePath);
  }

  readProblem(relativePath: string): { readonly reason: string; readonly offset?: number } | undefined {
    return (this.disk as WorkspaceHost).readProblem?.(relativePath);
  }

  listFiles(): readonly string[] {
    this.listing ??= this.disk.listFiles();
    return this.listing;
  }

  forget(relativePath: string, structural: boolean): void {
    this.texts.delete(relativePath);
    if (structural) this.listing = undefined;
  }

  /** An open 11 MB config would otherwise be held twice: the editor's text and the disk's. */
  release(relativePath: string): void {
    this.texts.delete(relativePath);
  }
}

interface Folder {
  readonly uri: string;
  readonly root: string;
  readonly host: CachedDiskHost;
  readonly workspace: Workspace;
  indexing: boolean;
  /** `tasklens.maxDiagnosticsPerFile`; Infinity for no limit. */
  maxDiagnostics: number;
}

/** VS Code shows at most 1,000 of a file's diagnostics: more are work the user never sees. */
const DEFAULT_MAX_DIAGNOSTICS = 1000;

/** `tasklens.maxDiagnosticsPerFile` from the client's answer: a whole number, 0 for no limit. */
function readMaxDiagnostics(raw: unknown): number {
  const value = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).maxDiagnosticsPerFile : undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) return DEFAULT_MAX_DIAGNOSTICS;
  return value === 0 ? Infinity : value;
}

/** Debounce between a change and its diagnostics (SPEC asks for at most 100 ms). */
const VALIDATION_DELAY_MS = 30;

/** For benchmarks: the process's memory, and each V8 heap space's used and committed bytes. */
const MemoryRequest = new RequestType0<NodeJS.MemoryUsage & { spaces: Record<string, { used: number; committed: number }> }, void>('$/tasklens/memory');

/** How long long work (diagnostics, reading a large file) runs before other requests are answered. */
const SLICE_MS = 15;

/**
 * A config text this long, new to the workspace, is read in steps before the
 * workspace takes it; requests on other documents are answered from the
 * previous text meanwhile.
 */
const LARGE_TEXT = 512 * 1024;
/** An edit replacing this much of a large text is read as a new text. */
const LARGE_EDIT = 64 * 1024;

/** Registers every handler on `connection` and starts listening. */
export function startServer(connection: Connection): void {
  const documents = new TextDocuments<EditorDocument>({ create: EditorDocument.create, update: EditorDocument.update });
  const folders = new Map<string, Folder>();
  let supportsConfiguration = false;
  let supportsWatchedFiles = false;
  let supportsProgress = false;
  let supportsEditRangeDefault = false;
  let supportsWorkspaceFolders = false;
  let validationTimer: NodeJS.Timeout | undefined;
  let validating = false;
  const pendingValidation = new Set<string>();
  /**
   * What each open document's published diagnostics were computed from: its
   * version, the limit, and everything outside it (`contextKeyExcept`). An edit
   * elsewhere that changes none of that (a keystroke in a function body, in a
   * config section no other file reads) does not re-check it.
   */
  const publishedFrom = new Map<string, string>();
  /** Large config texts being read in steps, by document, before the workspace takes them. */
  const reading = new Map<string, { readonly path: string; readonly folder: Folder; readonly text: Text; readonly steps: Steps<ConfigDocument> }>();

  function log(message: string): void {
    connection.console.log(`[tasklens] ${message}`);
  }

  /** Runs a handler so that nothing a user types can crash the server. */
  function guarded<T>(name: string, fallback: T, work: () => T): T {
    try {
      return work();
    } catch (e) {
      connection.console.error(`[tasklens] ${name} failed: ${(e as Error).stack ?? String(e)}`);
      return fallback;
    }
  }

  function addFolder(folder: WorkspaceFolder): void {
    const root = URI.parse(folder.uri).fsPath;
    const host = new CachedDiskHost(root);
    folders.set(folder.uri, { uri: folder.uri, root, host, workspace: new Workspace(host, { settings: DEFAULT_SETTINGS, processEnv: process.env, root }), indexing: false, maxDiagnostics: DEFAULT_MAX_DIAGNOSTICS });
  }

  /** The folder a document belongs to and its path inside it. */
  function locate(uri: string): { folder: Folder; path: string } | undefined {
    let fsPath: string;
    try {
      fsPath = URI.parse(uri).fsPath;
    } catch {
      return undefined;
    }
    let best: Folder | undefined;
    for (const folder of folders.values()) {
      const rel = path.relative(folder.root, fsPath);
      if (!rel.startsWith('..') && !path.isAbsolute(rel) && (!best || folder.root.length > best.root.length)) best = folder;
    }
    return best ? { folder: best, path: normalisePath(path.relative(best.root, fsPath)) } : undefined;
  }

  function uriOf(folder: Folder): (p: string) => string {
    return (p) => URI.file(path.resolve(folder.root, p)).toString();
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    supportsConfiguration = caps.workspace?.configuration === true;
    supportsWatchedFiles = caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    supportsProgress = caps.window?.workDoneProgress === true;
    supportsEditRangeDefault = caps.textDocument?.completion?.completionList?.itemDefaults?.includes('editRange') === true;
    supportsWorkspaceFolders = caps.workspace?.workspaceFolders === true;
    const given = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : []);
    for (const folder of given) addFolder(folder);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: [':', ' ', '[', ',', '-', '_', '#', "'", '"', '='], resolveProvider: true },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        definitionProvider: true,
        referencesProvider: true,
        documentSymbolProvider: true,
        inlayHintProvider: true,
        renameProvider: { prepareProvider: true },
        workspace: {
          workspaceFolders: { supported: true, changeNotifications: true },
          // Moving a task file renames its tasks: config keys and env vars follow.
          fileOperations: { willRename: { filters: [{ scheme: 'file', pattern: { glob: '**/*.{ts,tsx,mts,cts,py}', matches: 'file' } }, { scheme: 'file', pattern: { glob: '**/*', matches: 'folder' } }] } },
        },
      },
      serverInfo: { name: 'tasklens-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(async () => {
    if (supportsConfiguration) await connection.client.register(DidChangeConfigurationNotification.type, { section: 'tasklens' });
    if (supportsWatchedFiles) {
      await connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.{yaml,yml,json,toml,ts,tsx,mts,cts,py}' }, { globPattern: '**/.env*' }],
      });
    }
    if (supportsWorkspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        for (const removed of event.removed) folders.delete(removed.uri);
        for (const added of event.added) {
          addFolder(added);
          void startFolder(folders.get(added.uri)!);
        }
      });
    }
    for (const folder of folders.values()) await startFolder(folder);
  });

  /**
   * The editor's `tasklens` settings; environments the editor does not set come
   * from the folder's `tasklens.json`, as the CLI reads them, so the demo's
   * environments show in both.
   */
  async function loadSettings(folder: Folder): Promise<void> {
    const fromFiles = settingsFromWorkspaceFiles((p) => folder.host.readText(p));
    if (!supportsConfiguration) {
      folder.workspace.setSettings(fromFiles);
      return;
    }
    const raw: unknown = await connection.workspace.getConfiguration({ scopeUri: folder.uri, section: 'tasklens' });
    const fromEditor = readSettings(raw);
    folder.maxDiagnostics = readMaxDiagnostics(raw);
    folder.workspace.setSettings(Object.keys(fromEditor.environments).length > 0 ? fromEditor : { ...fromEditor, environments: fromFiles.environments });
  }

  async function startFolder(folder: Folder): Promise<void> {
    await guardedAsync('settings', () => loadSettings(folder));
    sendEnvironments();
    await indexFolder(folder);
  }

  async function guardedAsync(name: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (e) {
      connection.console.error(`[tasklens] ${name} failed: ${(e as Error).stack ?? String(e)}`);
    }
  }

  /**
   * Reads every task file in batches, answering requests in between, with
   * cancellable progress; TypeScript files of a large workspace are parsed in a
   * child process that exits at the end (`analysis/bulkIndex.ts`).
   */
  async function indexFolder(folder: Folder): Promise<void> {
    const ws = folder.workspace;
    const files = ws.taskFiles();
    folder.indexing = true;
    const progress = supportsProgress ? await connection.window.createWorkDoneProgress() : undefined;
    progress?.begin('Tasklens: indexing tasks', 0, `${files.length} files`, true);
    const started = Date.now();
    const completed = await indexTaskFiles(ws, files, {
      between: async (done) => {
        const percentage = Math.round((done / files.length) * 100);
        progress?.report(percentage, `${done} of ${files.length} files`);
        sendStatus(folder, percentage);
        await new Promise((resolve) => setImmediate(resolve));
        return !progress?.token.isCancellationRequested;
      },
      onInternalError: (file, e) => connection.console.error(`[tasklens] indexing ${file} failed: ${(e as Error).stack ?? String(e)}`),
    });
    const cancelled = !completed;
    // The config files in force, read in steps too: a large one would otherwise be read by the first request.
    await guardedAsync('reading config files', () => inSlices(ws.readConfigFilesSteps(), () => true).then(() => undefined));
    folder.indexing = false;
    progress?.done();
    log(`${cancelled ? 'indexing cancelled after' : 'indexed'} ${files.length} task files in ${Date.now() - started} ms: ${ws.tasks().size} tasks`);
    sendStatus(folder);
    scheduleValidation(...documents.all().map((d) => d.uri));
    void guardedAsync('checking config files', () => checkConfigFilesAhead(folder));
  }

  /**
   * Checks the config files in force before anyone opens them, in slices and
   * dropped at the first change: what it computes is kept per section, so
   * opening one of them (a large file is the slow case) publishes at once.
   */
  async function checkConfigFilesAhead(folder: Folder): Promise<void> {
    const ws = folder.workspace;
    const state = ws.stateVersion;
    for (const file of ws.activeConfigFiles().keys()) {
      if (ws.fileKind(file) !== 'config') continue;
      await inSlices(features.diagnoseSteps(ws, file, folder.maxDiagnostics), () => ws.stateVersion === state);
      if (ws.stateVersion !== state) return;
    }
  }

  /** Tells the client which environment is in force and which there are (the status-bar picker). */
  function sendEnvironments(): void {
    const folder = [...folders.values()][0];
    if (!folder) return;
    const ws = folder.workspace;
    const params: EnvironmentsParams = {
      active: ws.activeEnvironment() || features.DEFAULT_ENVIRONMENT,
      names: ws.environmentNames().map((n) => n || features.DEFAULT_ENVIRONMENT),
    };
    void connection.sendNotification(EnvironmentsNotification, params);
  }

  function sendStatus(folder: Folder, percentage?: number): void {
    const params: StatusParams = { tasks: guarded('status', 0, () => folder.workspace.tasks().size), indexing: folder.indexing, percentage };
    void connection.sendNotification(StatusNotification, params);
  }

  // ------------------------------------------------------------- documents

  function scheduleValidation(...uris: string[]): void {
    for (const uri of uris) pendingValidation.add(uri);
    if (validationTimer) clearTimeout(validationTimer);
    validationTimer = setTimeout(() => void validatePending(), VALIDATION_DELAY_MS);
  }

  /**
   * Publishes the pending documents' diagnostics. A large file is checked in
   * steps of about `VALIDATION_SLICE_MS`, answering other requests between them;
   * when the workspace changes meanwhile the work is dropped (the change has
   * scheduled it again). One run at a time: a timer that fires during a run
   * leaves its documents for the next.
   */
  async function validatePending(): Promise<void> {
    validationTimer = undefined;
    if (validating) return;
    validating = true;
    try {
      // Once per burst of edits, not per keystroke: the explain view refreshes from it.
      void connection.sendNotification(ConfigurationChangedNotification);
      while (pendingValidation.size > 0) {
        const uri = pendingValidation.values().next().value as string;
        pendingValidation.delete(uri);
        const where = locate(uri);
        const doc = documents.get(uri);
        // A document still being read is checked once the workspace has taken it.
        if (!where || !doc || reading.has(uri)) continue;
        const ws = where.folder.workspace;
        const state = ws.stateVersion;
        const from = guarded('diagnostics', undefined, () => `${doc.version}#${where.folder.maxDiagnostics}#${ws.contextKeyExcept(where.path)}`);
        if (from !== undefined && publishedFrom.get(uri) === from) continue;
        let diagnostics: Diagnostic[] | undefined;
        try {
          diagnostics = await inSlices(features.diagnoseSteps(ws, where.path, where.folder.maxDiagnostics), () => ws.stateVersion === state && !pendingValidation.has(uri) && documents.get(uri) !== undefined);
        } catch (e) {
          connection.console.error(`[tasklens] diagnostics failed: ${(e as Error).stack ?? String(e)}`);
          diagnostics = [];
        }
        // Dropped: the document or the workspace changed, and the change scheduled it again.
        if (diagnostics === undefined) continue;
        // The version lets a client drop diagnostics computed for text it has since changed.
        void connection.sendDiagnostics({ uri, version: doc.version, diagnostics });
        if (from !== undefined) publishedFrom.set(uri, from);
        else publishedFrom.delete(uri);
      }
    } finally {
      validating = false;
      if (pendingValidation.size > 0 && !validationTimer) validationTimer = setTimeout(() => void validatePending(), VALIDATION_DELAY_MS);
    }
  }

  /** `inSlices` of `SLICE_MS`: other messages are answered between the slices. */
  function inSlices<T>(steps: Steps<T>, wanted: () => boolean): Promise<T | undefined> {
    return runInSlices(steps, SLICE_MS, wanted);
  }

  /**
   * Hands a document's text to the workspace. A large config text the workspace
   * has not read (an opened file, a paste of the whole file) is read in steps
   * first, while requests on other documents are answered from the previous
   * text; a newer version of the document drops it, and a request on the
   * document itself finishes it at once.
   */
  function takeText(uri: string, where: { folder: Folder; path: string }, text: Text, edit?: OffsetEdit): void {
    // An edit of a text still being read is not an edit of what the workspace holds.
    const wasReading = reading.delete(uri);
    if (wasReading) edit = undefined;
    const ws = where.folder.workspace;
    const fresh = wasReading || !ws.hasReadAnyVersion(where.path) || (edit !== undefined && Math.max(edit.oldEnd, edit.newEnd) - edit.start >= LARGE_EDIT);
    // (Comparing the texts is the costly part: only for a text that may be new.)
    if (fresh && text.length >= LARGE_TEXT && configFormat(where.path) !== undefined && !ws.hasRead(where.path, text)) {
      const job = { path: where.path, folder: where.folder, text, steps: ws.configDocumentSteps(where.path, text) };
      reading.set(uri, job);
      void (async () => {
        let read: ConfigDocument | undefined;
        try {
          read = await inSlices(job.steps, () => reading.get(uri) === job);
        } catch (e) {
          connection.console.error(`[tasklens] reading ${where.path} failed: ${(e as Error).stack ?? String(e)}`);
        }
        if (reading.get(uri) === job) takeRead(uri, read);
      })();
      return;
    }
    guarded('change', undefined, () => ws.setOverlay(where.path, text, edit));
    changed(uri);
  }

  /** The workspace takes a document's text read in steps (or, when `read` is undefined, reads what is left now). */
  function takeRead(uri: string, read?: ConfigDocument): void {
    const job = reading.get(uri);
    if (!job) return;
    reading.delete(uri);
    guarded('open', undefined, () => job.folder.workspace.setOverlay(job.path, job.text, undefined, read ?? finish(job.steps)));
    changed(uri);
  }

  /** Finishes every read in steps: for requests whose answer holds places in any document. */
  function takeAllReads(): void {
    for (const uri of [...reading.keys()]) takeRead(uri);
  }

  /** `work` once every read in steps is finished. */
  function withAllRead<T>(work: () => T): T {
    takeAllReads();
    return work();
  }

  /** Any change can move effective values in other files: re-check every open document, the changed one first. */
  function changed(uri: string | undefined): void {
    const others = documents.all().map((d) => d.uri).filter((u) => u !== uri);
    scheduleValidation(...(uri ? [uri] : []), ...others);
  }

  documents.onDidOpen((event) => {
    const where = locate(event.document.uri);
    if (!where) return;
    takeText(event.document.uri, where, event.document.text);
    // After the open's own work, before the user types.
    setImmediate(() => guarded('open', undefined, () => where.folder.workspace.expectEdits(where.path)));
  });

  documents.onDidChangeContent((event) => {
    const where = locate(event.document.uri);
    if (!where) return;
    takeText(event.document.uri, where, event.document.text, event.document.lastEdit);
  });

  documents.onDidClose((event) => {
    publishedFrom.delete(event.document.uri);
    reading.delete(event.document.uri);
    const where = locate(event.document.uri);
    if (where) guarded('close', undefined, () => where.folder.workspace.clearOverlay(where.path));
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
    changed(undefined);
  });

  connection.onDidChangeWatchedFiles((params) => {
    const touched = new Set<Folder>();
    for (const change of params.changes) {
      const where = locate(change.uri);
      if (!where) continue;
      const structural = change.type !== FileChangeType.Changed;
      where.folder.host.forget(where.path, structural);
      guarded('watched file', undefined, () => where.folder.workspace.fileChanged(where.path));
      touched.add(where.folder);
    }
    for (const folder of touched) sendStatus(folder);
    const settingsFiles = params.changes.map((c) => locate(c.uri)).filter((w) => w && (w.path === 'tasklens.json' || w.path === '.vscode/settings.json'));
    void (async () => {
      for (const where of settingsFiles) await guardedAsync('settings', () => loadSettings(where!.folder));
      if (settingsFiles.length > 0) sendEnvironments();
      if (touched.size > 0) changed(undefined);
    })();
  });

  connection.onDidChangeConfiguration(async () => {
    for (const folder of folders.values()) await guardedAsync('settings', () => loadSettings(folder));
    sendEnvironments();
    changed(undefined);
  });

  // -------------------------------------------------------------- features

  function request<T>(uri: string, fallback: T, work: (folder: Folder, path: string, doc: EditorDocument) => T): T {
    const where = locate(uri);
    const doc = documents.get(uri);
    if (!where || !doc) return fallback;
    takeRead(uri);
    return guarded('request', fallback, () => work(where.folder, where.path, doc));
  }

  connection.onCompletion((params): CompletionItem[] | CompletionList => request(params.textDocument.uri, [], (folder, p, doc) => features.completionList(features.complete(folder.workspace, p, doc.offsetAt(params.position)), supportsEditRangeDefault)));

  // The bench's view of memory (RSS alone cannot tell heap from code and buffers).
  connection.onRequest(MemoryRequest, () => ({
    ...process.memoryUsage(),
    spaces: Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, { used: s.space_used_size, committed: s.physical_space_size }])),
  }));

  connection.onCompletionResolve((item) => guarded('completionResolve', item, () => features.resolveCompletionItem(item)));

  connection.onHover((params): Hover | null => request(params.textDocument.uri, null, (folder, p, doc) => features.hover(folder.workspace, p, doc.offsetAt(params.position))));

  connection.onCodeAction((params): CodeAction[] => request(params.textDocument.uri, [], (folder, p) => features.codeActions(folder.workspace, p, params.textDocument.uri, params.context.diagnostics)));

  // Answers that name places in other documents wait for every read in steps.
  connection.onDefinition((params): Location[] => withAllRead(() => request(params.textDocument.uri, [], (folder, p, doc) => features.definition(folder.workspace, p, doc.offsetAt(params.position), uriOf(folder)))));

  connection.onReferences((params): Location[] => withAllRead(() => request(params.textDocument.uri, [], (folder, p, doc) => features.references(folder.workspace, p, doc.offsetAt(params.position), uriOf(folder), params.context.includeDeclaration))));

  connection.onDocumentSymbol((params): DocumentSymbol[] => request(params.textDocument.uri, [], (folder, p) => features.symbols(folder.workspace, p)));

  connection.languages.inlayHint.on((params): InlayHint[] => request(params.textDocument.uri, [], (folder, p, doc) => features.inlayHints(folder.workspace, p, doc.offsetAt(params.range.start), doc.offsetAt(params.range.end))));

  connection.onRequest(ListTasksRequest, (): ListTasksResult => withAllRead(() => guarded('listTasks', [], () => {
    const result: ListTasksResult = [];
    for (const folder of folders.values()) {
      for (const task of features.listTasks(folder.workspace)) {
        result.push({ id: task.id, folderUri: folder.uri, uri: task.file !== undefined ? uriOf(folder)(task.file) : undefined, line: task.line });
      }
    }
    return result;
  })));

  connection.onPrepareRename((params) => request(params.textDocument.uri, null, (folder, p, doc) => {
    const target = features.prepareRename(folder.workspace, p, doc.offsetAt(params.position));
    return target ? { range: { start: doc.positionAt(target.start), end: doc.positionAt(target.end) }, placeholder: target.placeholder } : null;
  }));

  connection.onRenameRequest((params) => {
    const problem = features.taskIdProblem(params.newName);
    if (problem) throw new ResponseError(ErrorCodes.InvalidParams, problem);
    takeAllReads();
    return request(params.textDocument.uri, null, (folder, p, doc) => features.rename(folder.workspace, p, doc.offsetAt(params.position), params.newName, uriOf(folder)));
  });

  connection.workspace.onWillRenameFiles((params) => withAllRead(() => guarded('willRenameFiles', null, () => {
    const byFolder = new Map<Folder, { oldPath: string; newPath: string }[]>();
    for (const file of params.files) {
      const from = locate(file.oldUri);
      const to = locate(file.newUri);
      if (!from || !to || from.folder !== to.folder) continue;
      byFolder.set(from.folder, [...(byFolder.get(from.folder) ?? []), { oldPath: from.path, newPath: to.path }]);
    }
    const changes: Record<string, TextEdit[]> = {};
    for (const [folder, moves] of byFolder) Object.assign(changes, features.renameFiles(folder.workspace, moves, uriOf(folder))?.changes ?? {});
    return Object.keys(changes).length > 0 ? { changes } : null;
  })));

  connection.onRequest(TaskTreeRequest, (): TaskTreeResult => withAllRead(() => guarded('taskTree', [], () => {
    const result: TaskTreeResult = [];
    for (const folder of folders.values()) {
      const toUri = uriOf(folder);
      for (const task of features.taskRows(folder.workspace)) {
        result.push({
          ...task,
          folderUri: folder.uri,
          uri: task.file !== undefined ? toUri(task.file) : undefined,
          fields: task.fields.map((f) => ({ ...f, uri: f.file !== undefined ? toUri(f.file) : undefined })),
        });
      }
    }
    return result;
  })));

  connection.onRequest(ExplainTaskRequest, (params: ExplainTaskParams): ExplainTaskResult | null => withAllRead(() => guarded('explainTask', null, () => {
    const candidates = params.folderUri ? [folders.get(params.folderUri)] : [...folders.values()];
    for (const folder of candidates) {
      if (!folder) continue;
      const answer = features.explainTask(folder.workspace, params.id);
      if (answer.ok) return { id: params.id, markdown: features.explainToMarkdown(answer.resolution) };
    }
    return null;
  })));

  documents.listen(connection);
  connection.listen();
}

/**
 * Over stdio, a diagnostic already sent is not serialised again: its UTF-8
 * JSON is kept with it (features give back the same object for an unchanged
 * problem), so publishing a large file's diagnostics after a keystroke costs a
 * copy of bytes, not a serialisation, a join and an encoding of the whole list.
 * For a long list, the runs it shares with the file's previous publication (the
 * same objects before and after the edited place) are copied from that message
 * in one piece each.
 */
const diagnosticBytes = new WeakMap<object, Buffer>();
const COMMA = Buffer.from(',');

/** A file's last published list, when long: its diagnostics, the message, and where each diagnostic's bytes lie in it. */
interface Published {
  readonly diagnostics: readonly object[];
  readonly message: Buffer;
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
}

const published = new Map<string, Published>();
const REUSED_LIST_LENGTH = 1_000;

function bytesOf(d: object): Buffer {
  let bytes = diagnosticBytes.get(d);
  if (bytes === undefined) {
    // Its own allocation, not a slice of a shared pool that one kept diagnostic would hold on to.
    const json = JSON.stringify(d);
    bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(json));
    bytes.write(json);
    diagnosticBytes.set(d, bytes);
  }
  return bytes;
}

export function encodeMessage(message: Message, charset: BufferEncoding): Buffer {
  const note = message as NotificationMessage;
  const params = note.params as PublishDiagnosticsParams | undefined;
  const utf8 = charset === 'utf8' || charset === 'utf-8';
  if (!utf8 || note.method !== PublishDiagnosticsNotification.method || !params || !Array.isArray(params.diagnostics)) return Buffer.from(JSON.stringify(message), charset);
  const version = params.version === undefined ? '' : `,"version":${JSON.stringify(params.version)}`;
  const head = Buffer.from(`{"jsonrpc":"2.0","method":${JSON.stringify(note.method)},"params":{"uri":${JSON.stringify(params.uri)}${version},"diagnostics":[`);
  const list: readonly object[] = params.diagnostics;
  const n = list.length;
  const before = published.get(params.uri);
  if (n < REUSED_LIST_LENGTH) {
    published.delete(params.uri);
    const parts: Buffer[] = [head];
    list.forEach((d, i) => {
      if (i > 0) parts.push(COMMA);
      parts.push(bytesOf(d));
    });
    parts.push(CLOSE);
    return Buffer.concat(parts);
  }
  // The runs shared with the previous list: a prefix and a suffix of the same objects.
  const old = before?.diagnostics ?? [];
  let prefix = 0;
  while (prefix < n && prefix < old.length && old[prefix] === list[prefix]) prefix++;
  let suffix = 0;
  while (suffix < n - prefix && suffix < old.length - prefix && old[old.length - 1 - suffix] === list[n - 1 - suffix]) suffix++;
  const starts = new Uint32Array(n);
  const ends = new Uint32Array(n);
  const parts: Buffer[] = [head];
  let at = head.length;
  if (prefix > 0 && before) {
    const from = before.starts[0];
    parts.push(before.message.subarray(from, before.ends[prefix - 1]));
    for (let i = 0; i < prefix; i++) {
      starts[i] = before.starts[i] - from + at;
      ends[i] = before.ends[i] - from + at;
    }
    at = ends[prefix - 1];
  }
  for (let i = prefix; i < n - suffix; i++) {
    if (i > 0) {
      parts.push(COMMA);
      at += 1;
    }
    const bytes = bytesOf(list[i]);
    parts.push(bytes);
    starts[i] = at;
    at += bytes.length;
    ends[i] = at;
  }
  if (suffix > 0 && before) {
    if (n - suffix > 0) {
      parts.push(COMMA);
      at += 1;
    }
    const first = old.length - suffix;
    const from = before.starts[first];
    parts.push(before.message.subarray(from, before.ends[old.length - 1]));
    for (let i = 0; i < suffix; i++) {
      starts[n - suffix + i] = before.starts[first + i] - from + at;
      ends[n - suffix + i] = before.ends[first + i] - from + at;
    }
    at = ends[n - 1];
  }
  parts.push(CLOSE);
  const encoded = Buffer.concat(parts, at + CLOSE.length);
  published.set(params.uri, { diagnostics: list, message: encoded, starts, ends });
  return encoded;
}

const CLOSE = Buffer.from(']}}');

const keptJsonEncoder = {
  name: 'application/json',
  encode: (message: Message, options: { charset: BufferEncoding }): Promise<Uint8Array> => {
    try {
      return Promise.resolve(encodeMessage(message, options.charset));
    } catch (e) {
      return Promise.reject(e);
    }
  },
};

/**
 * V8's heap sizing for a long-lived editor process. By default V8 lets the young
 * generation grow to 32 MB and the old one to up to four times what survived the
 * last full collection, which for a server whose live heap is tens of MB is most
 * of its memory. While the live heap is under `SMALL_HEAP` the young generation
 * keeps its first size (it would be the larger part); above that it grows as
 * usual (a small one promotes so much that full collections come every few
 * keystrokes). The old generation grows by 30% between full collections while the
 * live heap is under `LARGE_HEAP`, by 25% above it, and by 15% above `HUGE_HEAP`
 * (50,000 sections, ~330 MB live: each keystroke leaves ~1-2 MB of section-long
 * arrays that only a full collection frees; at 25% they took peak RSS to 490-510 MB,
 * at 15% 479-485 MB, completion after a keystroke p95 7-16 ms): left to V8, a 50,000-section
 * file's heap (~480 MB live) grew to 1.4 GB of RSS while typing, and each
 * keystroke's new text (then a whole copy of the document) landed on fresh pages
 * (completion after a keystroke 109 ms; 34 ms at 25%, RSS 650 MB). The flags are read by the collector each time it
 * sizes a space, so they are set while running.
 */
const SMALL_HEAP = 64 * 1024 * 1024;
const LARGE_HEAP = 256 * 1024 * 1024;
const HUGE_HEAP = 320 * 1024 * 1024;

function tuneHeap(): void {
  let young: number | undefined;
  let growth: number | undefined;
  const apply = (used: number) => {
    const wantYoung = used < SMALL_HEAP ? 1 : 2;
    const wantGrowth = used < LARGE_HEAP ? 30 : used < HUGE_HEAP ? 25 : 15;
    if (wantYoung !== young) v8.setFlagsFromString(`--semi-space-growth-factor=${(young = wantYoung)}`);
    if (wantGrowth !== growth) v8.setFlagsFromString(`--heap-growing-percent=${(growth = wantGrowth)}`);
  };
  apply(0);
  // After each collection: which regime the live heap is in now.
  new PerformanceObserver(() => apply(v8.getHeapStatistics().used_heap_size)).observe({ entryTypes: ['gc'] });
}

/** Node's entry point: `node server.js --stdio` (or `--node-ipc`, `--socket=N`). */
function main(): void {
  tuneHeap();
  if (!process.argv.includes('--stdio')) {
    startServer(createConnection(ProposedFeatures.all));
    return;
  }
  const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin, { contentTypeDecoder: blockTextJsonDecoder }), new StreamMessageWriter(process.stdout, { contentTypeEncoder: keptJsonEncoder }));
  // stdout carries the protocol: anything a library prints goes to the client's log instead.
  for (const name of ['log', 'info', 'debug'] as const) console[name] = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
  for (const name of ['warn', 'error'] as const) console[name] = (...args: unknown[]) => connection.console.error(args.map(String).join(' '));
  process.stdin.on('end', () => process.exit(0));
  startServer(connection);
}

if (require.main === module) main();
