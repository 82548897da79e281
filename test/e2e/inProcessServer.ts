// The real server (`startServer` of server/src/server.ts) in this process, spoken
// to over LSP through a pair of in-memory streams: every message goes through
// the JSON-RPC connection as it would over stdio, without a process per server.
// The differential and hostile tests start many servers, so this is much
// faster than spawning `server/out/server.js` each time. Document texts are kept
// with `vscode-languageserver-textdocument`, as the server keeps them, so lines
// (`\r`, `\r\n`, `\n`) and UTF-16 positions are counted the same on both sides.
import { Waiters } from './waiters';
import { PassThrough } from 'stream';
import * as path from 'path';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import {
  CompletionItem, CompletionList, CompletionRequest, ConfigurationRequest, createProtocolConnection, Diagnostic, DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification, DidOpenTextDocumentNotification, DocumentSymbol, DocumentSymbolRequest, Hover, HoverRequest, InitializedNotification,
  InitializeRequest, LogMessageNotification, Position, ProtocolConnection, PublishDiagnosticsNotification, Range, RegistrationRequest,
  StreamMessageReader, StreamMessageWriter, SymbolInformation, WorkDoneProgressCreateRequest,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { startServer } from '../../server/src/server';

const WAIT_MS = 15_000;

interface Publication {
  readonly seq: number;
  readonly uri: string;
  readonly version: number | undefined;
  readonly diagnostics: Diagnostic[];
}

/** Where a validation pass starts: the server sends `tasklens/configurationChanged`, then the diagnostics of every pending document. */
const PASS = '\u0000pass';

/** One content change of `didChange`: a range of the text as left by the change before it, or (without a range) the whole new text. */
export interface ContentChange {
  readonly range?: Range;
  readonly text: string;
}

function languageIdOf(file: string): string {
  if (/\.ya?ml$/.test(file)) return 'yaml';
  if (/(^|\/)\.env(\.|$)/.test(file)) return 'dotenv';
  if (/\.py$/.test(file)) return 'python';
  if (/\.[mc]?tsx?$/.test(file)) return 'typescript';
  return 'plaintext';
}

export class InProcessServer {
  private readonly publications: Publication[] = [];
  private readonly waiters = new Waiters();
  private readonly documents = new Map<string, TextDocument>();
  /** The version each closed document had. */
  private readonly closedVersions = new Map<string, number>();
  /** Where in the publications each document was last opened: earlier ones belong to an earlier opening. */
  private readonly openedAt = new Map<string, number>();
  private seq = 0;
  private indexed = false;
  private disposed = false;
  /** A notification was sent since the last settled pass: a validation may still be due. */
  private dirty = false;
  /** The document the last notification opened, changed or closed. */
  private lastNotified: string | undefined;
  /** Messages the server logged; a handler that threw logs `<name> failed: <stack>`. */
  readonly logs: string[] = [];

  private constructor(
    readonly root: string,
    private readonly client: ProtocolConnection,
    private readonly server: { dispose(): void },
    settings: Record<string, unknown>,
  ) {
    client.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.publications.push({ seq: ++this.seq, uri: params.uri, version: params.version, diagnostics: params.diagnostics });
      this.wake();
    });
    client.onNotification(LogMessageNotification.type, (params) => {
      this.logs.push(params.message);
    });
    client.onNotification('tasklens/status', (params: { indexing: boolean }) => {
      if (!params.indexing) this.indexed = true;
      this.wake();
    });
    client.onNotification('tasklens/configurationChanged', () => {
      this.publications.push({ seq: ++this.seq, uri: PASS, version: undefined, diagnostics: [] });
    });
    client.onNotification('tasklens/environments', () => undefined);
    client.onRequest(ConfigurationRequest.type, (params) => params.items.map((item) => (item.section === 'tasklens' ? settings : null)));
    client.onRequest(RegistrationRequest.type, () => undefined);
    client.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
  }

  /** Starts a server on a folder (files on disk) and waits for its first index. */
  static async start(root: string, settings: Record<string, unknown> = {}): Promise<InProcessServer> {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    // Reader and writer objects, not streams: given streams, the library exits the process when they end.
    const server = createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
    startServer(server);
    const client = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    const started = new InProcessServer(root, client, server, settings);
    client.listen();
    const folderUri = URI.file(root).toString();
    // No processId: with one, the library polls the parent process on an interval.
    await client.sendRequest(InitializeRequest.type, {
      processId: null,
      rootUri: folderUri,
      workspaceFolders: [{ uri: folderUri, name: path.basename(root) }],
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true },
        textDocument: { publishDiagnostics: { versionSupport: true }, hover: { contentFormat: ['markdown'] }, completion: { completionItem: { snippetSupport: false } } },
      },
    });
    await client.sendNotification(InitializedNotification.type, {});
    await started.until(() => started.indexed, 'the first index');
    return started;
  }

  uri(relativePath: string): string {
    return URI.file(path.join(this.root, relativePath)).toString();
  }

  text(relativePath: string): string {
    return this.document(relativePath).getText();
  }

  version(relativePath: string): number {
    return this.document(relativePath).version;
  }

  /** The open document at a path (its text and LSP line counting). */
  document(relativePath: string): TextDocument {
    const doc = this.documents.get(relativePath);
    if (!doc) throw new Error(`${relativePath} is not open`);
    return doc;
  }

  /**
   * Opens a document. One opened again after a close goes on from the version it
   * had: diagnostics of the earlier opening still on their way (and the empty
   * list the close publishes) are then never taken for the new text's.
   */
  async open(relativePath: string, text: string): Promise<void> {
    const version = (this.closedVersions.get(relativePath) ?? 0) + 1;
    const doc = TextDocument.create(this.uri(relativePath), languageIdOf(relativePath), version, text);
    this.documents.set(relativePath, doc);
    this.openedAt.set(relativePath, this.seq);
    this.dirty = true;
    this.lastNotified = relativePath;
    await this.client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: doc.uri, languageId: doc.languageId, version, text } });
  }

  /** Sends one `didChange` with these changes, each applied to the text the one before it left. */
  async change(relativePath: string, changes: readonly ContentChange[]): Promise<void> {
    const doc = this.document(relativePath);
    const contentChanges = changes.map((c) => (c.range ? { range: c.range, text: c.text } : { text: c.text }));
    TextDocument.update(doc, contentChanges, doc.version + 1);
    this.dirty = true;
    this.lastNotified = relativePath;
    await this.client.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: doc.uri, version: doc.version }, contentChanges });
  }

  async close(relativePath: string): Promise<void> {
    const doc = this.document(relativePath);
    this.documents.delete(relativePath);
    this.closedVersions.set(relativePath, doc.version);
    this.dirty = true;
    this.lastNotified = relativePath;
    await this.client.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: doc.uri } });
  }

  hover(relativePath: string, position: Position): Promise<Hover | null> {
    return this.client.sendRequest(HoverRequest.type, { textDocument: { uri: this.uri(relativePath) }, position });
  }

  async completion(relativePath: string, position: Position): Promise<CompletionItem[] | CompletionList | null> {
    return this.client.sendRequest(CompletionRequest.type, { textDocument: { uri: this.uri(relativePath) }, position });
  }

  async symbols(relativePath: string): Promise<DocumentSymbol[] | SymbolInformation[] | null> {
    return this.client.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: this.uri(relativePath) } });
  }

  /** Any request, by method name (code actions, definitions, inlay hints, Tasklens's own requests). */
  request<R>(method: string, params: unknown): Promise<R> {
    return this.client.sendRequest(method, params) as Promise<R>;
  }

  /**
   * Waits until every message the server sent before it answers a request has
   * arrived (a request for a document nobody opened is answered at once).
   */
  async flush(): Promise<void> {
    await this.client.sendRequest(HoverRequest.type, { textDocument: { uri: this.uri('\u0000flush') }, position: { line: 0, character: 0 } });
  }

  /**
   * The diagnostics of every open document as published by the validation pass
   * that checked the current version of `relativePath`, which must be the
   * document the last notification opened or changed: that pass comes after
   * every notification, and it publishes every open document in one turn. (A
   * pass can run between two notifications when this process is busy, so the
   * latest publication of a document is not enough.)
   */
  async settledDiagnostics(relativePath: string): Promise<Map<string, Diagnostic[]>> {
    // Another document's notification came later: a pass of an older version of this one would be taken for the latest.
    if (this.lastNotified !== relativePath) throw new Error(`settledDiagnostics(${relativePath}): the last notification was for ${this.lastNotified}`);
    const uri = this.uri(relativePath);
    const version = this.version(relativePath);
    const since = this.openedAt.get(relativePath) ?? 0;
    const isIt = (p: Publication) => p.seq > since && p.uri === uri && p.version !== undefined && p.version >= version;
    await this.until(() => this.publications.some(isIt), `diagnostics of ${relativePath} version ${version}`);
    await this.flush();
    this.dirty = false;
    let at = this.publications.findIndex(isIt);
    while (at > 0 && this.publications[at - 1].uri !== PASS) at--;
    const pass = new Map<string, Diagnostic[]>();
    for (let i = at; i < this.publications.length && this.publications[i].uri !== PASS; i++) pass.set(this.publications[i].uri, this.publications[i].diagnostics);
    const out = new Map<string, Diagnostic[]>();
    for (const file of [...this.documents.keys()].sort()) out.set(file, pass.get(this.uri(file)) ?? this.latestDiagnostics(file) ?? []);
    return out;
  }

  /** Waits for the diagnostics of the current version of `relativePath`. */
  async diagnostics(relativePath: string): Promise<Diagnostic[]> {
    return (await this.settledDiagnostics(relativePath)).get(relativePath)!;
  }

  latestDiagnostics(relativePath: string): Diagnostic[] | undefined {
    const uri = this.uri(relativePath);
    for (let i = this.publications.length - 1; i >= 0; i--) if (this.publications[i].uri === uri) return this.publications[i].diagnostics;
    return undefined;
  }

  /** The versions of a document the server has published diagnostics for, in order. */
  publishedVersions(relativePath: string): number[] {
    const uri = this.uri(relativePath);
    return this.publications.filter((p) => p.uri === uri && p.version !== undefined).map((p) => p.version!);
  }

  /** What the server logged about handlers that threw. */
  failures(): string[] {
    return this.logs.filter((l) => / failed: /.test(l));
  }

  /**
   * Ends both ends of the connection (the server never receives `exit`, which
   * would end this process), after the validation a last notification set off.
   */
  async stop(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.dirty) {
      await this.flush();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    this.client.dispose();
    this.server.dispose();
    this.publications.length = 0;
  }

  private wake(): void {
    this.waiters.wake();
  }

  private until(condition: () => boolean, what: string): Promise<void> {
    return this.waiters.until(condition, what, WAIT_MS);
  }
}
