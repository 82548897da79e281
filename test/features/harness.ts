// The feature tests' workspace: a fixture folder (test/fixtures/<name>) read
// into memory, plus overrides, behind a `Workspace` exactly as the server
// builds one, and the features facade asked about fixture texts whose cursor is
// marked `|` and whose expected ranges are marked `«…»`.
//
//   const w = fixture('app');                        // one fresh workspace, TypeScript scanned once
//   const doc = w.open('config.yaml', 'max_re|\n');  // an editor's text over the disk, markers removed
//   features.complete(w.ws, doc.path, doc.offset);
//
// Opening a file sets the editor overlay (as the server does on didOpen), so a
// TypeScript file that exists only in the editor defines tasks while it is open.
import * as fs from 'fs';
import * as path from 'path';
import { URI } from 'vscode-uri';
import { CompletionItem, Diagnostic, Hover, Position } from 'vscode-languageserver-types';
import { DEFAULT_SETTINGS, readSettings, TasklensSettings } from '../../server/src/analysis/settings';
import { Workspace, WorkspaceHost, WorkspaceOptions } from '../../server/src/analysis/workspace';
import * as features from '../../server/src/features';
import { FIXTURES } from '../paths';
import { assertCleanLine, hoverText, item } from './assertions';
import { applyCompletion, MarkedText, parseMarkers, textIn } from './text';

export { features };

/** The files of a fixture folder, by workspace-relative path with `/` separators. */
export function readFolder(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(path.relative(root, full).split(path.sep).join('/'), fs.readFileSync(full, 'utf8'));
    }
  };
  walk(root);
  return files;
}

/** What the disk host lists: task code and YAML (not `.env`, JSON or TOML), outside dot-folders and build output. */
const LISTED_FILE = /\.(ts|tsx|mts|cts|ya?ml)$/;
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'out', 'dist', 'build', 'coverage']);

/**
 * A workspace folder held in memory. Files can be written and deleted (as on
 * disk); the workspace is not told, so a test calls `fileChanged` as the
 * server's watched-file handler does.
 */
export class MemoryHost implements WorkspaceHost {
  readonly files: Map<string, string>;

  constructor(files: ReadonlyMap<string, string>) {
    this.files = new Map(files);
  }

  readText(file: string): string | undefined {
    return this.files.get(file);
  }

  listFiles(): readonly string[] {
    return [...this.files.keys()].filter((f) => LISTED_FILE.test(f) && !f.split('/').slice(0, -1).some((dir) => dir.startsWith('.') || SKIPPED_DIRECTORIES.has(dir))).sort();
  }
}

/** A fixture text opened in the editor: markers removed, cursors and ranges kept. */
export interface OpenedText extends MarkedText {
  readonly path: string;
  readonly uri: string;
  /** The first cursor as an offset (the one most tests have). */
  readonly offset: number;
  /** The first cursor as a position. */
  readonly at: Position;
}

export interface FixtureOptions {
  /** Files added, replaced (a string) or removed (`undefined`) on top of the fixture's. */
  readonly files?: Readonly<Record<string, string | undefined>>;
  /** `tasklens` settings as a client would send them (missing keys take their defaults). */
  readonly settings?: Record<string, unknown>;
  /** Anything else a `Workspace` takes (`processEnv`, `extraEnv`, …). */
  readonly workspace?: Omit<WorkspaceOptions, 'settings' | 'root'>;
}

export class FixtureWorkspace {
  readonly ws: Workspace;
  readonly host: MemoryHost;

  constructor(readonly root: string, options: FixtureOptions = {}) {
    const files = readFolder(root);
    for (const [file, text] of Object.entries(options.files ?? {})) {
      if (text === undefined) files.delete(file);
      else files.set(file, text);
    }
    this.host = new MemoryHost(files);
    const settings: TasklensSettings = options.settings ? readSettings(options.settings) : DEFAULT_SETTINGS;
    this.ws = new Workspace(this.host, { ...options.workspace, settings, root });
    this.ws.scanTypeScript();
  }

  /** The URI the server would give a workspace-relative path. */
  readonly uriOf = (file: string): string => URI.file(path.join(this.root, file)).toString();

  /** The workspace-relative path of a URI inside the folder. */
  pathOf(uri: string): string {
    return path.relative(this.root, URI.parse(uri).fsPath).split(path.sep).join('/');
  }

  /** A file's text as the fixture (plus overrides) has it, without an editor overlay. */
  disk(file: string): string {
    const text = this.host.readText(file);
    if (text === undefined) throw new Error(`no ${file} in ${this.root}`);
    return text;
  }

  /** Puts a marked text in the editor at `file` (the server's didOpen/didChange). */
  open(file: string, marked: string, options: { cursor?: string | null } = {}): OpenedText {
    const parsed = parseMarkers(marked, options.cursor === undefined ? '|' : options.cursor);
    this.ws.setOverlay(file, parsed.text);
    return { ...parsed, path: file, uri: this.uriOf(file), offset: parsed.cursorOffsets[0] ?? -1, at: parsed.cursors[0] ?? { line: -1, character: -1 } };
  }

  /** Opens a file with the text it has on disk and a `|` before the `nth` occurrence of `before`. */
  openDiskAt(file: string, before: string, nth = 0): OpenedText {
    return this.open(file, withCursor(this.disk(file), before, nth), { cursor: '\u0000' });
  }

  /** Opens a file as it is on disk (no markers). */
  openDisk(file: string): OpenedText {
    return this.open(file, this.disk(file), { cursor: null });
  }

  /** The editor closed `file`: the disk's text counts again. */
  close(file: string): void {
    this.ws.clearOverlay(file);
  }

  /** Writes (a string) or deletes (`undefined`) a file "on disk" and tells the workspace, as a watched-file event does. */
  writeDisk(file: string, text: string | undefined): void {
    if (text === undefined) this.host.files.delete(file);
    else this.host.files.set(file, text);
    this.ws.fileChanged(file);
  }

  /** Changes the `tasklens` settings, as `workspace/didChangeConfiguration` does. */
  setSettings(settings: Record<string, unknown>): void {
    this.ws.setSettings(readSettings(settings));
  }
}

/** A fresh workspace over `test/fixtures/<name>`. */
export function fixture(name: string, options?: FixtureOptions): FixtureWorkspace {
  return new FixtureWorkspace(path.join(FIXTURES, name), options);
}

/** `text` with a cursor marker (NUL, so that `|` in the text stays text) before the `nth` occurrence of `before`. */
function withCursor(text: string, before: string, nth: number): string {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(before, at + 1);
    if (at < 0) throw new Error(`'${before}' (occurrence ${nth + 1}) not in the text`);
  }
  return `${text.slice(0, at)}\u0000${text.slice(at)}`;
}

/** The offset of the `nth` occurrence of `needle` in `text`, plus `into`. */
export function offsetOf(text: string, needle: string, into = 0, nth = 0): number {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' (occurrence ${nth + 1}) not in the text`);
  }
  return at + into;
}

// ------------------------------------------------------------- requests

export type Syntax = 'yaml' | 'env' | 'typescript';

export function syntaxOf(file: string): Syntax {
  return /\.[mc]?tsx?$/.test(file) ? 'typescript' : /(^|\/)\.env/.test(file) ? 'env' : 'yaml';
}

export interface Completion {
  readonly doc: OpenedText;
  readonly items: CompletionItem[];
  /** The whole text after accepting the item with `label`. */
  accept(label: string): string;
  /** The cursor's line after accepting the item with `label` (moved down by lines an import adds above it). */
  lineAfter(label: string): string;
}

/**
 * Opens `file` with `marked` text and asks for completion at its one `|`
 * (or `cursor`, for a text that holds `|`, such as a YAML block scalar).
 * Accepting any item must leave every line clean (no `: :`, no doubled key).
 */
export function completeAt(w: FixtureWorkspace, file: string, marked: string, options: { cursor?: string } = {}): Completion {
  const doc = w.open(file, marked, options);
  if (doc.cursors.length !== 1) throw new Error(`one cursor expected in ${JSON.stringify(marked)}`);
  const items = features.complete(w.ws, file, doc.offset);
  const accept = (label: string) => applyCompletion(doc.text, item(items, label), doc.at);
  const lineAfter = (label: string) => {
    const importLines = (item(items, label).additionalTextEdits ?? []).reduce((n, e) => n + e.newText.split('\n').length - 1, 0);
    return accept(label).split('\n')[doc.at.line + importLines];
  };
  for (const candidate of items) {
    for (const line of applyCompletion(doc.text, candidate, doc.at).split('\n')) assertCleanLine(line, syntaxOf(file));
  }
  return { doc, items, accept, lineAfter };
}

/** Opens `file` with `marked` text and hovers at its `|` (or `cursor`): the Markdown and the text the hover says it covers. */
export function hoverAt(w: FixtureWorkspace, file: string, marked: string, options: { cursor?: string } = {}): { markdown: string; covers: string; hover: Hover } {
  return hoverOn(w, w.open(file, marked, options));
}

/** Hovers at the first cursor of an opened text. */
export function hoverOn(w: FixtureWorkspace, doc: OpenedText): { markdown: string; covers: string; hover: Hover } {
  const hover = features.hover(w.ws, doc.path, doc.offset);
  const markdown = hoverText(hover);
  if (!hover?.range) throw new Error(`the hover at ${doc.offset} in ${doc.path} says nothing of what it covers`);
  return { markdown, covers: textIn(doc.text, hover.range), hover };
}

/** Opens `file` with `marked` text (`«…»` only; `|` is text) and diagnoses it. */
export function diagnoseMarked(w: FixtureWorkspace, file: string, marked: string): { diagnostics: Diagnostic[]; doc: OpenedText } {
  const doc = w.open(file, marked, { cursor: null });
  return { diagnostics: features.diagnose(w.ws, file), doc };
}
