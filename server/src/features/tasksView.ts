// The Tasks view (a tree in the editor): every task grouped by module, each with
// its eleven effective values and their sources, errors marked.
import { LineIndex } from '../analysis/lineIndex';
import { Workspace } from '../analysis/workspace';
import { FIELDS, FieldName, parseTaskId } from '../resolver';
import { sourceText, valueText } from './explain';

export interface TaskFieldRow {
  readonly field: FieldName;
  /** The value as a user reads it (`5`, `"keys"`, `error`). */
  readonly value: string;
  readonly source: string;
  readonly error?: string;
  /** Whether the field is at its default (no source sets it). */
  readonly atDefault: boolean;
  /** Where the value is written, for a click: a workspace-relative file and 0-based line. */
  readonly file?: string;
  readonly line?: number;
}

export interface TaskRow {
  readonly id: string;
  readonly module: string;
  readonly func: string;
  /** Where task code defines it (0-based line), when it does. */
  readonly file?: string;
  readonly line?: number;
  readonly hasProblems: boolean;
  readonly fields: readonly TaskFieldRow[];
}

export function taskRows(ws: Workspace): TaskRow[] {
  const lineIndexes = new Map<string, LineIndex | undefined>();
  const lineAt = (file: string, offset: number | undefined): number | undefined => {
    if (offset === undefined) return undefined;
    if (!lineIndexes.has(file)) {
      const text = ws.readSource(file);
      lineIndexes.set(file, text === undefined ? undefined : new LineIndex(text));
    }
    return lineIndexes.get(file)?.positionAt(offset).line;
  };
  const rows: TaskRow[] = [];
  for (const id of ws.knownTaskIds().sort()) {
    const task = ws.findTask(id);
    const taskId = parseTaskId(id);
    if (!task || !taskId) continue;
    const resolution = ws.resolve(task);
    const fields = FIELDS.map((spec): TaskFieldRow => {
      const r = resolution.fields[spec.name];
      const file = r.source.file;
      const line = r.source.line !== undefined ? r.source.line - 1 : file !== undefined ? lineAt(file, r.source.start) : undefined;
      return {
        field: spec.name,
        value: valueText(r),
        source: sourceText(r.source),
        ...(r.error !== undefined ? { error: r.error } : {}),
        atDefault: r.source.kind === 'default',
        ...(file !== undefined ? { file, line } : {}),
      };
    });
    const definition = task.definition;
    rows.push({
      id,
      module: taskId.module,
      func: taskId.func,
      ...(definition ? { file: definition.file, line: lineAt(definition.file, definition.nameRange.start) } : {}),
      hasProblems: fields.some((f) => f.error !== undefined),
      fields,
    });
  }
  return rows;
}
