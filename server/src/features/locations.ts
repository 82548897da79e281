// Where things are written, for features that match a cursor or a candidate to
// a place in a file.
import { ConfigDocument } from '../analysis/configDocument';
import { KnownTask, normalisePath, TYPICAL_TASK, Workspace } from '../analysis/workspace';
import { Candidate, CLASS_SECTION_KEY, ConfigNode, envKeyForTask, FieldName, fieldCandidates, TaskId, EMPTY_MAP, isPyprojectPath, MapEntry, mapGet, MapNode, SourceRef } from '../resolver';

/** Whether `offset` falls inside [start, end] (an unknown bound never matches). */
export function within(offset: number, start: number | undefined, end: number | undefined): boolean {
  return start !== undefined && end !== undefined && offset >= start && offset <= end;
}

/** Whether a resolution candidate is the value written at `node` (in `file`, when given). */
export function isCandidateAt(source: SourceRef, file: string | undefined, node: ConfigNode | undefined): boolean {
  return node?.loc?.start !== undefined && source.start === node.loc.start && (file === undefined || (source.file !== undefined && normalisePath(source.file) === file));
}

/**
 * The settings a config file holds, as the runtime reads them: the whole file,
 * or for `pyproject.toml` its `[tool.pynenc]` table.
 */
export function settingsRoot(doc: ConfigDocument): MapNode {
  if (!isPyprojectPath(doc.path)) return doc.root;
  if (doc.loaded.ok) return doc.loaded.root;
  const tool = mapGet(doc.root, 'tool');
  const pynenc = tool?.value.type === 'map' ? mapGet(tool.value, 'pynenc') : undefined;
  return pynenc?.value.type === 'map' ? pynenc.value : EMPTY_MAP;
}

/** The `task:` section of a config file's settings, when it is a mapping. */
export function classSection(doc: ConfigDocument): (MapEntry & { readonly value: MapNode }) | undefined {
  const entry = mapGet(settingsRoot(doc), CLASS_SECTION_KEY);
  return entry && entry.value.type === 'map' ? (entry as MapEntry & { readonly value: MapNode }) : undefined;
}

/** Which candidate a check is about: a value written somewhere, or an env var. */
export type CandidateMatch = (source: SourceRef) => boolean;

/** The value written at `node` (in `file`, when given). */
export function writtenAt(file: string | undefined, node: ConfigNode): CandidateMatch {
  return (source) => isCandidateAt(source, file, node);
}

/** The env var `key` as set by the env file `file` (any source when undefined). */
export function envVarAt(key: string, file?: string): CandidateMatch {
  return (source) => source.kind === 'env' && source.key === key && (file === undefined || source.file === file);
}

/** What a value does for one task: nothing (it does not apply), takes effect, or is beaten by `winner`. */
export type Reach =
  | { readonly applies: false }
  | { readonly applies: true; readonly winner: Candidate | undefined };

/** Does the value `match` names reach `task` for `field`, and what overrides it (SPEC §4)? */
export function fieldReach(ws: Workspace, task: KnownTask | TaskId, field: FieldName, match: CandidateMatch): Reach {
  const candidates = fieldCandidates(ws.resolutionInput(task), field);
  const index = candidates.findIndex((c) => match(c.source));
  if (index < 0) return { applies: false };
  return { applies: true, winner: index === candidates.length - 1 ? undefined : candidates[candidates.length - 1] };
}

/**
 * For a generic or class-level value: the defined tasks it reaches, and those
 * where something beats it. Only per-task sources differ between tasks, so the
 * value is judged once for a typical task, then each task is checked for a
 * per-task value that is stronger (a task section in this or a later mapping,
 * a per-task env var); only those tasks are resolved in full.
 */
export function reachOverTasks(ws: Workspace, field: FieldName, match: CandidateMatch): { readonly reached: KnownTask[]; readonly overridden: { readonly task: KnownTask; readonly by: Candidate }[] } {
  const reached: KnownTask[] = [];
  const overridden: { task: KnownTask; by: Candidate }[] = [];
  const typical = fieldReach(ws, TYPICAL_TASK, field, match);
  const at = typical.applies ? fieldCandidates(ws.resolutionInput(TYPICAL_TASK), field).find((c) => match(c.source)) : undefined;
  const mappings = ws.mappings();
  const from = at ? mappings.findIndex((m) => m.kind === at.source.kind && m.file === at.source.file) : -1;
  const exact = (task: KnownTask) => {
    const reach = fieldReach(ws, task, field, match);
    if (!reach.applies) return;
    if (reach.winner === undefined) reached.push(task);
    else overridden.push({ task, by: reach.winner });
  };
  if (!typical.applies) return { reached, overridden };
  if (at === undefined || (at.source.kind !== 'env' && from < 0) || at.source.kind === 'config_values') {
    for (const task of ws.tasks().values()) exact(task);
    return { reached, overridden };
  }
  const lazily = (task: KnownTask): void => {
    let by: Candidate | undefined;
    overridden.push({
      task,
      get by(): Candidate {
        by ??= (fieldReach(ws, task, field, match) as { winner?: Candidate }).winner ?? at;
        return by;
      },
    });
  };
  // Beaten for a typical task by a source every task shares: beaten for every task.
  if (typical.winner !== undefined) {
    for (const task of ws.tasks().values()) lazily(task);
    return { reached, overridden };
  }
  const env = ws.environment();
  const laterMappings = at.source.kind === 'env' ? [] : mappings.slice(from).filter((m) => m.loaded.ok);
  for (const task of ws.tasks().values()) {
    const perTask = env.has(envKeyForTask(task.taskId, field)) || laterMappings.some((m) => {
      const section = m.loaded.ok ? mapGet(m.loaded.root, CLASS_SECTION_KEY) : undefined;
      const own = section?.value.type === 'map' ? mapGet(section.value, task.id) : undefined;
      return own?.value.type === 'map' && mapGet(own.value, field) !== undefined;
    });
    // A stronger per-task value beats it; what exactly beats it is worked out only when asked (a hover's first few).
    if (perTask) lazily(task);
    else reached.push(task);
  }
  return { reached, overridden };
}
