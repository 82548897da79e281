// Refactors that follow (SPEC §7, issue "what users expect"): renaming a task id
// from a per-task key or env var renames every config and env entry that targets
// it; moving or renaming a task file renames the ids of its tasks everywhere.
import { TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { LineIndex } from '../analysis/lineIndex';
import { Workspace } from '../analysis/workspace';
import { envTaskPart, parseTaskId, taskIdToString } from '../resolver';
import { within } from './locations';
import { targetFiles, TaskTarget, taskAtCursor, taskTargets, UriOf } from './navigation';
import { offsetRange } from './problems';

/** What a rename at a position would rename: the id as written there, and its range. */
export interface RenameTarget {
  readonly id: string;
  readonly path: string;
  readonly start: number;
  readonly end: number;
  /** The text shown for editing: the task id, even when the cursor is on an env var. */
  readonly placeholder: string;
}

/** The task id under the cursor, when it is a per-task config key or the task part of an env var. */
export function renameTargetAt(ws: Workspace, path: string, offset: number): RenameTarget | undefined {
  if (ws.fileKind(path) !== 'config' && ws.fileKind(path) !== 'env') return undefined;
  const id = taskAtCursor(ws, path, offset);
  const hit = id !== undefined ? taskTargets(ws, id, [path]).find((t) => within(offset, t.start, t.end)) : undefined;
  return id !== undefined && hit ? { id, path, start: hit.idStart, end: hit.idEnd, placeholder: id } : undefined;
}

/** The text that names task `id` at a target: the id in a config key, `<MODULE>#<FUNC>` in an env var. */
function targetText(target: TaskTarget, id: string): string {
  if (target.kind === 'configKey') return id;
  const taskId = parseTaskId(id);
  return taskId ? envTaskPart(taskId) : id;
}

/** Edits that make every entry targeting `oldId` target `newId`, keyed by path. */
export function taskIdEdits(ws: Workspace, renames: readonly { readonly oldId: string; readonly newId: string }[]): Map<string, { start: number; end: number; text: string }[]> {
  const files = targetFiles(ws);
  const byPath = new Map<string, { start: number; end: number; text: string }[]>();
  for (const { oldId, newId } of renames) {
    if (oldId === newId) continue;
    for (const target of taskTargets(ws, oldId, files)) {
      const edits = byPath.get(target.path) ?? [];
      edits.push({ start: target.idStart, end: target.idEnd, text: targetText(target, newId) });
      byPath.set(target.path, edits);
    }
  }
  return byPath;
}

function toWorkspaceEdit(ws: Workspace, uriOf: UriOf, edits: Map<string, { start: number; end: number; text: string }[]>): WorkspaceEdit | null {
  if (edits.size === 0) return null;
  const changes: Record<string, TextEdit[]> = {};
  for (const [path, list] of edits) {
    const text = ws.readSource(path);
    if (text === undefined) continue;
    const lines = new LineIndex(text);
    changes[uriOf(path)] = list.map((e) => TextEdit.replace(offsetRange(lines, e.start, e.end), e.text));
  }
  return { changes };
}

/** Why `newName` cannot be a task id, or undefined when it can. */
export function taskIdProblem(newName: string): string | undefined {
  const id = parseTaskId(newName);
  if (!id || id.module === '' || id.func === '') return `'${newName}' is not a task id: write <module>.<function>`;
  if (/[\s"'#:]/.test(newName)) return `'${newName}' is not a task id: it holds a space, a quote, '#' or ':'`;
  return undefined;
}

/** Rename the task id at `offset` to `newName` in every config and env file. */
export function renameTask(ws: Workspace, path: string, offset: number, newName: string, uriOf: UriOf): WorkspaceEdit | null {
  const target = renameTargetAt(ws, path, offset);
  if (!target) return null;
  return toWorkspaceEdit(ws, uriOf, taskIdEdits(ws, [{ oldId: target.id, newId: newName }]));
}

/**
 * Before task files move (`workspace/willRenameFiles`): the new ids of their
 * tasks, written into every config key and env var that targets the old ones.
 * A folder move moves every task file below it.
 */
export function renameTaskFiles(ws: Workspace, moves: readonly { readonly oldPath: string; readonly newPath: string }[], uriOf: UriOf): WorkspaceEdit | null {
  const renames: { oldId: string; newId: string }[] = [];
  const taskFiles = ws.taskFiles();
  for (const { oldPath, newPath } of moves) {
    const inside = taskFiles.filter((f) => f === oldPath || f.startsWith(oldPath + '/'));
    for (const file of inside) {
      const movedTo = newPath + file.slice(oldPath.length);
      const module = ws.moduleOfTaskFile(movedTo);
      if (module === undefined) continue;
      for (const task of ws.taskFacts(file)?.tasks ?? []) {
        if (task.func === undefined) continue;
        renames.push({ oldId: taskIdToString({ module: task.module, func: task.func }), newId: taskIdToString({ module, func: task.func }) });
      }
    }
  }
  return toWorkspaceEdit(ws, uriOf, taskIdEdits(ws, renames));
}
