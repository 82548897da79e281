// Where things are written, for features that match a cursor or a candidate to
// a place in a file.
import { ConfigDocument } from '../analysis/configDocument';
import { normalisePath } from '../analysis/workspace';
import { CLASS_SECTION_KEY, ConfigNode, EMPTY_MAP, isPyprojectPath, MapEntry, mapGet, MapNode, SourceRef } from '../resolver';

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
