// A small LSP client for the end-to-end tests: it starts the real server
// process (`node server/out/server.js --stdio`) and speaks LSP to it over
// stdio, as an editor would. Settings are answered through
// `workspace/configuration`; diagnostics are collected as they are published.
import { Waiters } from './waiters';
import { after, afterEach, before } from 'node:test';
import * as cp from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
  CodeAction, CodeActionRequest, Command, CompletionItem, CompletionList, CompletionRequest, CompletionResolveRequest, ConfigurationRequest,
  createProtocolConnection, DefinitionRequest, Diagnostic, DidChangeConfigurationNotification, DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification, DidCloseTextDocumentNotification, DidOpenTextDocumentNotification, DocumentSymbol,
  DocumentSymbolRequest, ExitNotification, FileChangeType, FileEvent, Hover, HoverRequest, InitializeRequest, InitializedNotification,
  InlayHint, InlayHintRequest, Location, LocationLink, LogMessageNotification, Position, ProtocolConnection, PublishDiagnosticsNotification,
  Range, ReferencesRequest, RegistrationRequest, ShutdownRequest, StreamMessageReader, StreamMessageWriter, SymbolInformation,
  TextDocumentContentChangeEvent, WorkDoneProgressCreateRequest,
} from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { applyEdits, MarkedText, parseMarkers, positionAt } from '../features/text';
import { SERVER } from '../paths';

// Text helpers (offsets, markers, applying edits) are shared with the feature tests.
export { applyCompletion, applyEdits, applyWorkspaceEdit, CURSOR, offsetAt, parseMarkers, positionAt, textIn } from '../features/text';
export type { MarkedText } from '../features/text';

// ------------------------------------------------------------------ client

export interface OpenDocument {
  readonly uri: string;
  /** Workspace-relative path. */
  readonly path: string;
  text: string;
  version: number;
  /** The diagnostics mark when it was opened: earlier publications belong to an earlier opening. */
  readonly openedAfter: number;
}

interface Publication {
  readonly seq: number;
  readonly uri: string;
  readonly version: number | undefined;
  readonly diagnostics: Diagnostic[];
}

type Settings = Record<string, unknown>;

export interface StartOptions {
  /** The `tasklens` settings section the client answers with. */
  readonly settings?: Settings;
  /** Print the server's log messages (for debugging a test). */
  readonly verbose?: boolean;
  /** Advertise LSP 3.17 completion item defaults (`editRange`), as VS Code does. */
  readonly completionItemDefaults?: boolean;
}

const DEFAULT_WAIT_MS = 10_000;
const live = new Set<cp.ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill();
});

function languageIdOf(file: string): string {
  if (/\.ya?ml$/.test(file)) return 'yaml';
  if (/(^|\/)\.env(\.|$)/.test(file)) return 'dotenv';
  if (/\.tsx$/.test(file)) return 'typescriptreact';
  if (/\.[mc]?ts$/.test(file)) return 'typescript';
  return 'plaintext';
}

export class LspTestClient {
  private readonly publications: Publication[] = [];
  private readonly waiters = new Waiters();
  private seq = 0;
  private settings: Settings;
  private indexed = false;
  private stopped = false;
  readonly logs: string[] = [];
  /** Work-done progress reported by the server (`begin`, `report`, `end`). */
  readonly progress: { kind: string; title?: string }[] = [];
  readonly stderr: string[] = [];

  private constructor(
    readonly root: string,
    private readonly child: cp.ChildProcess,
    private readonly connection: ProtocolConnection,
    options: StartOptions,
  ) {
    this.settings = options.settings ?? {};
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.publications.push({ seq: ++this.seq, uri: params.uri, version: params.version, diagnostics: params.diagnostics });
      this.wake();
    });
    connection.onNotification(LogMessageNotification.type, (params) => {
      this.logs.push(params.message);
      if (options.verbose) console.log(`[server] ${params.message}`);
    });
    connection.onNotification('tasklens/status', (params: { indexing: boolean }) => {
      if (!params.indexing) this.indexed = true;
      this.wake();
    });
    connection.onNotification('tasklens/configurationChanged', () => undefined);
    connection.onRequest(ConfigurationRequest.type, (params) => params.items.map((item) => (item.section === 'tasklens' ? this.settings : null)));
    connection.onRequest(RegistrationRequest.type, () => undefined);
    connection.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
    connection.onNotification('$/progress', (params: { value?: { kind?: string; title?: string } }) => {
      if (params.value?.kind !== undefined) this.progress.push({ kind: params.value.kind, title: params.value.title });
    });
  }

  /** Starts the server on a workspace folder and waits for its first index. */
  static async start(root: string, options: StartOptions = {}): Promise<LspTestClient> {
    const child = cp.spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: cleanEnv() });
    live.add(child);
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspTestClient(root, child, connection, options);
    child.stderr!.on('data', (chunk: Buffer) => client.stderr.push(chunk.toString()));
    child.on('exit', () => {
      live.delete(child);
      client.wake();
    });
    connection.listen();
    const folderUri = URI.file(root).toString();
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: folderUri,
      workspaceFolders: [{ uri: folderUri, name: path.basename(root) }],
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true }, didChangeConfiguration: { dynamicRegistration: true } },
        window: { workDoneProgress: true },
        textDocument: {
          synchronization: { dynamicRegistration: false },
          completion: { completionItem: { snippetSupport: false }, ...(options.completionItemDefaults ? { completionList: { itemDefaults: ['editRange'] } } : {}) },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          publishDiagnostics: { versionSupport: true, relatedInformation: false },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
          inlayHint: {},
        },
      },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    await client.until(() => client.indexed, 'the first index');
    return client;
  }

  /**
   * The server process's CPU time so far in ms (Linux, from /proc; clock ticks
   * of 10 ms), or undefined where it cannot be read.
   */
  serverCpuMs(): number | undefined {
    try {
      const stat = fs.readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime are fields 14 and 15 of the file, 12 and 13 after the command name.
      return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return undefined;
    }
  }

  /** The URI of a workspace-relative path. */
  uri(relativePath: string): string {
    return URI.file(path.join(this.root, relativePath)).toString();
  }

  private wake(): void {
    this.waiters.wake();
  }

  /** Resolves when `condition` holds (checked on every message), or fails after `timeoutMs` or when the server exits. */
  private until(condition: () => boolean, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    const exited = () => (this.child.exitCode !== null ? new Error(`the server exited (${this.child.exitCode}) while waiting for ${what}: ${this.stderr.join('')}`) : undefined);
    return this.waiters.until(condition, what, timeoutMs, exited);
  }

  // ------------------------------------------------------------ documents

  /**
   * Opens a document (its text may carry `|` and `«…»` markers, which are
   * removed) and returns it with the marked cursors and ranges.
   */
  async open(relativePath: string, marked: string): Promise<OpenDocument & MarkedText> {
    const parsed = parseMarkers(marked);
    const doc = { ...parsed, uri: this.uri(relativePath), path: relativePath, version: 1, openedAfter: this.mark() };
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: doc.uri, languageId: languageIdOf(relativePath), version: doc.version, text: doc.text },
    });
    return doc;
  }

  /** Opens a document with plain text (no markers). */
  async openPlain(relativePath: string, text: string): Promise<OpenDocument> {
    const doc = { uri: this.uri(relativePath), path: relativePath, text, version: 1, openedAfter: this.mark() };
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: doc.uri, languageId: languageIdOf(relativePath), version: doc.version, text },
    });
    return doc;
  }

  /** Sends incremental changes (each range refers to the text as left by the previous change). */
  async didChange(doc: OpenDocument, changes: readonly { range: Range; text: string }[]): Promise<void> {
    for (const change of changes) doc.text = applyEdits(doc.text, [{ range: change.range, newText: change.text }]);
    doc.version++;
    const contentChanges: TextDocumentContentChangeEvent[] = changes.map((c) => ({ range: c.range, text: c.text }));
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: doc.uri, version: doc.version }, contentChanges });
  }

  /** Replaces the whole text, as one incremental change over the old text's range. */
  async replaceText(doc: OpenDocument, text: string): Promise<void> {
    await this.didChange(doc, [{ range: { start: { line: 0, character: 0 }, end: positionAt(doc.text, doc.text.length) }, text }]);
  }

  async close(doc: OpenDocument): Promise<void> {
    const mark = this.mark();
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: doc.uri } });
    // The server clears the closed document's diagnostics at once.
    await this.until(() => this.publications.some((p) => p.seq > mark && p.uri === doc.uri), `the diagnostics of ${doc.path} to clear`);
  }

  /** A point in the stream of published diagnostics. */
  mark(): number {
    return this.seq;
  }

  /**
   * The diagnostics of a document: for an open document, the first publication
   * for its current version; with `after`, the first publication after that mark
   * (for changes that do not touch the document: settings, other files).
   */
  async waitForDiagnostics(target: OpenDocument | string, after?: number): Promise<Diagnostic[]> {
    const uri = typeof target === 'string' ? target : target.uri;
    const version = typeof target === 'string' ? undefined : target.version;
    const since = Math.max(after ?? 0, typeof target === 'string' ? 0 : target.openedAfter);
    const matches = (p: Publication) => p.uri === uri && p.seq > since && (version === undefined || (p.version !== undefined && p.version >= version));
    await this.until(() => this.publications.some(matches), `diagnostics for ${uri}${version !== undefined ? ` version ${version}` : ''}`);
    return this.publications.filter(matches)[0].diagnostics;
  }

  /** How many publications for `uri` came after the mark `after`. */
  publicationsSince(uri: string, after: number): number {
    return this.publications.filter((p) => p.uri === uri && p.seq > after).length;
  }

  /** The latest diagnostics published for a URI. */
  latestDiagnostics(uri: string): Diagnostic[] | undefined {
    for (let i = this.publications.length - 1; i >= 0; i--) if (this.publications[i].uri === uri) return this.publications[i].diagnostics;
    return undefined;
  }

  // ------------------------------------------------------------- requests

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  }

  /** Completion items (a list is flattened to its items). */
  /** The completion answer as sent (a list with item defaults, or items). */
  completionAnswer(uri: string, position: Position): Promise<CompletionItem[] | CompletionList | null> {
    return this.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position });
  }

  resolveCompletion(item: CompletionItem): Promise<CompletionItem> {
    return this.connection.sendRequest(CompletionResolveRequest.type, item);
  }

  async completion(uri: string, position: Position): Promise<CompletionItem[]> {
    const result: CompletionItem[] | CompletionList | null = await this.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position });
    if (result === null) return [];
    return Array.isArray(result) ? result : result.items;
  }

  /** Code actions for a range and the diagnostics the editor shows there. */
  async codeAction(uri: string, range: Range, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
    const result: (Command | CodeAction)[] | null = await this.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics } });
    return (result ?? []).filter((a): a is CodeAction => !('command' in a && typeof a.command === 'string'));
  }

  /** Definitions, as locations. */
  async definition(uri: string, position: Position): Promise<Location[]> {
    const result: Location | Location[] | LocationLink[] | null = await this.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position });
    if (result === null) return [];
    const list: (Location | LocationLink)[] = Array.isArray(result) ? result : [result];
    return list.map((l) => ('targetUri' in l ? { uri: l.targetUri, range: l.targetSelectionRange } : l));
  }

  async references(uri: string, position: Position, includeDeclaration = false): Promise<Location[]> {
    return (await this.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position, context: { includeDeclaration } })) ?? [];
  }

  async documentSymbol(uri: string): Promise<DocumentSymbol[]> {
    const result: DocumentSymbol[] | SymbolInformation[] | null = await this.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } });
    return (result ?? []).filter((s): s is DocumentSymbol => 'selectionRange' in s);
  }

  async inlayHint(uri: string, range: Range): Promise<InlayHint[]> {
    return (await this.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range })) ?? [];
  }

  listTasks(): Promise<TaskSummary[]> {
    return this.connection.sendRequest<TaskSummary[]>('tasklens/listTasks', {});
  }

  explainTask(id: string): Promise<{ id: string; markdown: string } | null> {
    return this.connection.sendRequest<{ id: string; markdown: string } | null>('tasklens/explainTask', { id });
  }

  // ---------------------------------------------------- workspace events

  /** Tells the server files changed on disk (paths relative to the folder). */
  async didChangeWatchedFiles(changes: readonly { path: string; type: 'created' | 'changed' | 'deleted' }[]): Promise<void> {
    const kinds: Record<'created' | 'changed' | 'deleted', FileChangeType> = { created: FileChangeType.Created, changed: FileChangeType.Changed, deleted: FileChangeType.Deleted };
    const events: FileEvent[] = changes.map((c) => ({ uri: this.uri(c.path), type: kinds[c.type] }));
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: events });
  }

  /** Changes the `tasklens` settings and tells the server, which asks for them again. */
  async setSettings(settings: Settings): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { tasklens: settings } });
  }

  /** Shuts the server down and makes sure the process is gone. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    try {
      if (this.child.exitCode === null) {
        await Promise.race([this.connection.sendRequest(ShutdownRequest.type), delay(2000)]);
        await this.connection.sendNotification(ExitNotification.type);
      }
    } catch {
      // The process may already be gone; it is killed below either way.
    }
    await Promise.race([new Promise((resolve) => this.child.once('exit', resolve)), delay(1000)]);
    this.connection.dispose();
    if (this.child.exitCode === null) this.child.kill();
    live.delete(this.child);
  }
}

export interface TaskSummary {
  readonly id: string;
  readonly folderUri: string;
  readonly uri?: string;
  readonly line?: number;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** The test process's env without `PYNENC__` variables, which would change every result. */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PYNENC__')));
}

/**
 * One server for a test file: started before its tests on `root`, stopped after
 * them, and every document a test opened (listed in `opened`) closed after it.
 */
export function useServer(root: string, opened: OpenDocument[], started: (client: LspTestClient) => void): void {
  let client: LspTestClient | undefined;
  before(async () => {
    client = await LspTestClient.start(root);
    started(client);
  });
  after(async () => {
    await client?.stop();
  });
  afterEach(async () => {
    for (const doc of opened.splice(0)) await client?.close(doc);
  });
}
