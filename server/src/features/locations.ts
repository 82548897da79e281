// Where things are written, for features that match a cursor or a candidate to
// a place in a file.
import { ConfigDocument } from '../analysis/configDocument';
import { KnownTask, normalisePath, Workspace } from '../analysis/workspace';
import { Candidate, CLASS_SECTION_KEY, ConfigNode, FieldName, fieldCandidates, TaskId, EMPTY_MAP, isPyprojectPath, MapEntry, mapGet, MapNode, SourceRef } from '../resolver';

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

/** For a generic or class-level value: the defined tasks it reaches, and those where something beats it. */
export function reachOverTasks(ws: Workspace, field: FieldName, match: CandidateMatch): { readonly reached: KnownTask[]; readonly overridden: { readonly task: KnownTask; readonly by: Candidate }[] } {
  const reached: KnownTask[] = [];
  const overridden: { task: KnownTask; by: Candidate }[] = [];
  for (const task of ws.tasks().values()) {
    const reach = fieldReach(ws, task, field, match);
    if (!reach.applies) continue;
    if (reach.winner === undefined) reached.push(task);
    else overridden.push({ task, by: reach.winner });
  }
  return { reached, overridden };
}
