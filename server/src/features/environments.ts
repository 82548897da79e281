// Environments side by side (SPEC §12): what differs between two of them, task
// by task and field by field, with the source of each value.
import { Workspace } from '../analysis/workspace';
import { FIELD_NAMES, FieldName, FieldResolution, sourceToJson } from '../resolver';
import { sourceText, valueText } from './explain';
import { DEFAULT_ENVIRONMENT } from './hover';

/** One field of one task whose effective value differs between two environments. */
export interface EnvironmentDifference {
  readonly task: string;
  readonly field: FieldName;
  readonly a: FieldResolution;
  readonly b: FieldResolution;
}

/** The environment a user names: a configured one, or `default` for the plain settings. */
export function environmentByName(ws: Workspace, name: string): string | undefined {
  if (ws.environmentNames().includes(name) && name !== '') return name;
  return name === DEFAULT_ENVIRONMENT || name === '' ? '' : undefined;
}

/** Every task field whose effective value (or error) differs between environments `a` and `b`. */
export function diffEnvironments(ws: Workspace, a: string, b: string): EnvironmentDifference[] {
  const out: EnvironmentDifference[] = [];
  for (const id of ws.knownTaskIds().sort()) {
    const task = ws.findTask(id);
    if (!task) continue;
    for (const field of FIELD_NAMES) {
      const left = ws.resolveField(task, field, a);
      const right = ws.resolveField(task, field, b);
      if (valueText(left) !== valueText(right) || (left.error ?? '') !== (right.error ?? '')) out.push({ task: id, field, a: left, b: right });
    }
  }
  return out;
}

export function differencesToJson(differences: readonly EnvironmentDifference[], a: string, b: string): object {
  const side = (r: FieldResolution) => ({ value: r.value ?? null, ...(r.error !== undefined ? { error: r.error } : {}), source: sourceToJson(r.source) });
  return { a: a || DEFAULT_ENVIRONMENT, b: b || DEFAULT_ENVIRONMENT, differences: differences.map((d) => ({ task: d.task, field: d.field, a: side(d.a), b: side(d.b) })) };
}

export function differencesToText(differences: readonly EnvironmentDifference[], a: string, b: string): string {
  const nameA = a || DEFAULT_ENVIRONMENT;
  const nameB = b || DEFAULT_ENVIRONMENT;
  if (differences.length === 0) return `No task field differs between ${nameA} and ${nameB}.\n`;
  const cell = (r: FieldResolution) => `${valueText(r)} (${sourceText(r.source)})`;
  const rows = differences.map((d) => [d.task, d.field, cell(d.a), cell(d.b)]);
  const header = ['task', 'field', nameA, nameB];
  const widths = [0, 1, 2].map((i) => Math.max(header[i].length, ...rows.map((r) => r[i].length)));
  const line = (r: readonly string[]) => `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padEnd(widths[2])}  ${r[3]}`.trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + `\n${differences.length} difference(s) between ${nameA} and ${nameB}\n`;
}
