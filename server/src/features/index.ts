// The features facade: everything the language server and the CLI ask of
// Tasklens, as plain functions of a `Workspace` and a place in one of its files.
// Each chooses by file kind inside, so the glue never does; neither the server
// nor the CLI imports anything else from `features/`.
import {
  CodeAction, CompletionItem, CompletionList, Diagnostic, DocumentSymbol, Hover, InlayHint, Location, Range,
} from 'vscode-languageserver-types';
import { LineIndex } from '../analysis/lineIndex';
import { Workspace } from '../analysis/workspace';
import { didYouMean, TaskResolution } from '../resolver';
import { quickFixes } from './codeActions';
import { envCompletion, resolveCompletionItem, typescriptCompletion, yamlCompletion } from './completion';

export { resolveCompletionItem };
import { pythonCompletion } from './pythonCompletion';
import { eachFileProblems, eachProblemBatch, fileDiagnostics, fileDiagnosticSteps, workspaceProblems, WorkspaceFileProblems } from './diagnostics';
export { keepingNoResults } from './locations';
import { envHover, typescriptHover, yamlHover } from './hover';
import {
  configSymbols, envDefinition, optionInlayHints, targetFiles, taskAtCursor, taskReferences, typescriptDefinition, UriOf,
  yamlDefinition,
} from './navigation';

export type { UriOf } from './navigation';
export type { Problem, Severity } from './problems';
export type { WorkspaceFileProblems } from './diagnostics';
export { explainToJson, explainToMarkdown, explainToText } from './explain';
export { eachProblemRow, githubLine, jsonRowInList, problemsToGithub, problemsToSarif, problemRows, CheckRow } from './report';
export { diffEnvironments, differencesToJson, differencesToText, environmentByName, EnvironmentDifference } from './environments';
export { DEFAULT_ENVIRONMENT } from './hover';
export { renameTargetAt as prepareRename, renameTask as rename, renameTaskFiles as renameFiles, taskIdProblem } from './rename';
export { taskRows, TaskRow, TaskFieldRow } from './tasksView';
export { configSchema } from './schema';

export function complete(ws: Workspace, path: string, offset: number): CompletionItem[] {
  const kind = ws.fileKind(path);
  if (kind === 'config') {
    const doc = ws.configDocument(path);
    return doc && doc.format === 'yaml' ? yamlCompletion(ws, doc, offset) : [];
  }
  const text = ws.readText(path);
  if (text === undefined) return [];
  switch (kind) {
    case 'env':
      return envCompletion(ws, text, offset);
    case 'typescript':
      return typescriptCompletion(ws, path, text, offset);
    case 'python':
      return pythonCompletion(ws, path, text, offset);
    default:
      return [];
  }
}

/**
 * The answer to a completion request: for a client that takes item defaults
 * (LSP 3.17), a range every item shares is sent once and each item carries only
 * its text (none when it is its label), so that a long list stays small.
 */
export function completionList(items: CompletionItem[], editRangeDefault: boolean): CompletionItem[] | CompletionList {
  if (!editRangeDefault || items.length < 2) return items;
  const first = items[0].textEdit;
  if (!first || !('range' in first)) return items;
  const same = (r: Range) => r.start.line === first.range.start.line && r.start.character === first.range.start.character && r.end.line === first.range.end.line && r.end.character === first.range.end.character;
  if (!items.every((i) => i.textEdit && 'range' in i.textEdit && same(i.textEdit.range) && i.insertText === undefined)) return items;
  return {
    isIncomplete: false,
    itemDefaults: { editRange: first.range },
    items: items.map(({ textEdit, ...rest }) => (textEdit!.newText === rest.label ? rest : { ...rest, textEditText: textEdit!.newText })),
  };
}

export function hover(ws: Workspace, path: string, offset: number): Hover | null {
  const kind = ws.fileKind(path);
  if (kind === 'config') {
    const doc = ws.configDocument(path);
    return doc ? yamlHover(ws, doc, offset) : null;
  }
  const text = ws.readText(path);
  if (text === undefined) return null;
  switch (kind) {
    case 'env':
      return envHover(ws, path, offset);
    case 'typescript':
    case 'python':
      return typescriptHover(ws, path, text, offset);
    default:
      return null;
  }
}

/** One file's diagnostics: the same problems `check` reports for it. */
export function diagnose(ws: Workspace, path: string, limit?: number): Diagnostic[] {
  return fileDiagnostics(ws, path, limit);
}

/**
 * `diagnose` in steps, for a caller that answers other requests between them:
 * each `next()` does a bounded part of the work; the last returns the diagnostics.
 * Steps must not outlive a change to the workspace (drop them and start again).
 */
export function diagnoseSteps(ws: Workspace, path: string, limit?: number): Generator<void, Diagnostic[]> {
  return fileDiagnosticSteps(ws, path, limit);
}

/** Every problem of the workspace (`tasklens check`). */
export function problems(ws: Workspace): WorkspaceFileProblems[] {
  return workspaceProblems(ws);
}

/** `problems` a file at a time, in the same order. */
export function problemsByFile(ws: Workspace): Iterable<WorkspaceFileProblems> {
  return eachFileProblems(ws);
}

/** `problems` in the same order, a large config file's in parts (the CLI prints each as it comes). */
export function problemBatches(ws: Workspace): Iterable<WorkspaceFileProblems> {
  return eachProblemBatch(ws);
}

/** Quick fixes for the diagnostics a client sends back (each fix is in its diagnostic's `data`). */
export function codeActions(ws: Workspace, path: string, uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const text = ws.readSource(path);
  if (text === undefined) return [];
  // A config file's lines are kept with it; indexing a large file again per request would cost a pass over it.
  const kept = ws.fileKind(path) === 'config' ? ws.configDocument(path)?.lines : undefined;
  return quickFixes(uri, kept ?? new LineIndex(text), diagnostics);
}

export function definition(ws: Workspace, path: string, offset: number, uriOf: UriOf): Location[] {
  switch (ws.fileKind(path)) {
    case 'config': {
      const doc = ws.configDocument(path);
      return doc ? yamlDefinition(ws, uriOf, doc, offset) : [];
    }
    case 'env':
      return envDefinition(ws, uriOf, path, offset);
    case 'typescript':
    case 'python':
      return typescriptDefinition(ws, uriOf, path, offset);
    default:
      return [];
  }
}

/** Every config entry and env var that targets the task under the cursor (and its definitions). */
export function references(ws: Workspace, path: string, offset: number, uriOf: UriOf, includeDeclaration: boolean): Location[] {
  if (ws.fileKind(path) === undefined) return [];
  const id = taskAtCursor(ws, path, offset);
  if (!id) return [];
  const refs = taskReferences(ws, uriOf, id, targetFiles(ws, [path]));
  if (!includeDeclaration) return refs;
  const declarations = ws.taskDefinitions(id).flatMap((d) => {
    const text = ws.readSource(d.file);
    if (text === undefined) return [];
    const lines = new LineIndex(text);
    return [{ uri: uriOf(d.file), range: { start: lines.positionAt(d.nameRange.start), end: lines.positionAt(d.nameRange.end) } }];
  });
  return [...declarations, ...refs];
}

export function symbols(ws: Workspace, path: string): DocumentSymbol[] {
  if (ws.fileKind(path) !== 'config') return [];
  const doc = ws.configDocument(path);
  return doc ? configSymbols(doc) : [];
}

export function inlayHints(ws: Workspace, path: string, start: number, end: number): InlayHint[] {
  const kind = ws.fileKind(path);
  if (kind !== 'typescript' && kind !== 'python') return [];
  const text = ws.readText(path);
  if (text === undefined) return [];
  return optionInlayHints(ws, path, text, start, end);
}

/** A task as listed for a picker or a tree. */
export interface TaskListing {
  readonly id: string;
  /** Where task code defines it, when it does. */
  readonly file?: string;
  /** 0-based line of its name. */
  readonly line?: number;
}

/** Every task the workspace knows: defined in task code, or (with no task code) named by config. */
export function listTasks(ws: Workspace): TaskListing[] {
  const lineIndexes = new Map<string, LineIndex | undefined>();
  const lineOf = (file: string, offset: number): number | undefined => {
    if (!lineIndexes.has(file)) {
      const text = ws.readSource(file);
      lineIndexes.set(file, text === undefined ? undefined : new LineIndex(text));
    }
    return lineIndexes.get(file)?.positionAt(offset).line;
  };
  return ws.knownTaskIds().sort().map((id) => {
    const definition = ws.tasks().get(id)?.definition;
    return definition ? { id, file: definition.file, line: lineOf(definition.file, definition.nameRange.start) } : { id };
  });
}

export type ExplainAnswer =
  | { readonly ok: true; readonly resolution: TaskResolution }
  | { readonly ok: false; readonly message: string };

/** The effective configuration of one task, or why there is none (an unknown id, with a did-you-mean). */
export function explainTask(ws: Workspace, id: string): ExplainAnswer {
  const task = ws.findTask(id);
  if (task) return { ok: true, resolution: ws.resolve(task) };
  const known = ws.knownTaskIds();
  const suggestion = ws.tasks().size > 0 ? ws.suggestTaskId(id) : didYouMean(id, known);
  const where = ws.tasks().size > 0 ? 'defined by task code' : 'named in config';
  return { ok: false, message: `unknown task '${id}'${suggestion ? ` — did you mean '${suggestion}'?` : ''} (${known.length} known, ${where})` };
}
