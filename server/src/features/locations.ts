// Where things are written, for features that match a cursor or a candidate to
// a place in a file.
import { normalisePath } from '../analysis/workspace';
import { ConfigNode, SourceRef } from '../resolver';

/** Whether `offset` falls inside [start, end] (an unknown bound never matches). */
export function within(offset: number, start: number | undefined, end: number | undefined): boolean {
  return start !== undefined && end !== undefined && offset >= start && offset <= end;
}

/** Whether a resolution candidate is the value written at `node` (in `file`, when given). */
export function isCandidateAt(source: SourceRef, file: string | undefined, node: ConfigNode | undefined): boolean {
  return node?.loc?.start !== undefined && source.start === node.loc.start && (file === undefined || (source.file !== undefined && normalisePath(source.file) === file));
}
