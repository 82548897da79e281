// Text helpers shared by the feature tests and the end-to-end client: offsets
// and LSP positions, fixture texts with markers, and applying edits as an
// editor applies them. No test framework and no LSP connection here.
import { CompletionItem, Position, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { TextEdit as OffsetEdit } from '../../server/src/analysis/lineIndex';

/** The offset of an LSP position in a text (0-based lines and UTF-16 characters; `\n` ends a line). */
export function offsetAt(text: string, position: Position): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  return Math.min(offset + position.character, lineEnd < 0 ? text.length : lineEnd);
}

export function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/** The text a range covers. */
export function textIn(text: string, range: Range): string {
  return text.slice(offsetAt(text, range.start), offsetAt(text, range.end));
}

/** A fixture text with markers: `|` for the cursor, `«…»` around ranges the test expects. */
export interface MarkedText {
  readonly text: string;
  /** Every `|`, in order. */
  readonly cursors: readonly Position[];
  /** Every `«…»`, in order of their start. */
  readonly ranges: readonly Range[];
  /** The same cursors as offsets into `text`. */
  readonly cursorOffsets: readonly number[];
  /** The same ranges as offsets into `text`. */
  readonly rangeOffsets: readonly { readonly start: number; readonly end: number }[];
}

export const CURSOR = '|';

/**
 * Removes the markers from a fixture text and says where they were. With
 * `cursor: null`, `|` is text like any other (for YAML block scalars or `||`).
 */
export function parseMarkers(marked: string, cursor: string | null = CURSOR): MarkedText {
  let text = '';
  const cursorOffsets: number[] = [];
  const rangeOffsets: [number, number][] = [];
  const open: number[] = [];
  for (const ch of marked) {
    if (cursor !== null && ch === cursor) cursorOffsets.push(text.length);
    else if (ch === '«') open.push(text.length);
    else if (ch === '»') {
      const start = open.pop();
      if (start === undefined) throw new Error(`a '»' without its '«' in ${JSON.stringify(marked)}`);
      rangeOffsets.push([start, text.length]);
    } else text += ch;
  }
  if (open.length > 0) throw new Error(`a '«' without its '»' in ${JSON.stringify(marked)}`);
  rangeOffsets.sort((a, b) => a[0] - b[0]);
  return {
    text,
    cursors: cursorOffsets.map((o) => positionAt(text, o)),
    ranges: rangeOffsets.map(([s, e]) => ({ start: positionAt(text, s), end: positionAt(text, e) })),
    cursorOffsets,
    rangeOffsets: rangeOffsets.map(([start, end]) => ({ start, end })),
  };
}

/** Applies non-overlapping edits to a text (positions refer to the original text). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = edits.map((e) => ({ start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end), newText: e.newText })).sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const edit of sorted) out = out.slice(0, edit.start) + edit.newText + out.slice(edit.end);
  return out;
}

/** The edits of a workspace edit that concern `uri` (from `changes` and `documentChanges`). */
export function editsFor(uri: string, edit: WorkspaceEdit | undefined): TextEdit[] {
  const edits: TextEdit[] = [...(edit?.changes?.[uri] ?? [])];
  for (const change of edit?.documentChanges ?? []) {
    if ('textDocument' in change && change.textDocument.uri === uri) edits.push(...change.edits.filter((e): e is TextEdit => 'range' in e));
  }
  return edits;
}

/** Applies the part of a workspace edit that concerns `uri`. */
export function applyWorkspaceEdit(text: string, uri: string, edit: WorkspaceEdit | undefined): string {
  return applyEdits(text, editsFor(uri, edit));
}

/** Applies a completion item: its main edit and its additional edits. */
export function applyCompletion(text: string, item: CompletionItem, at: Position): string {
  const edits: TextEdit[] = [...(item.additionalTextEdits ?? [])];
  const main = item.textEdit;
  if (main === undefined) edits.push({ range: { start: at, end: at }, newText: item.insertText ?? item.label });
  else if ('range' in main) edits.push(main);
  else edits.push({ range: main.replace, newText: main.newText });
  return applyEdits(text, edits);
}

/** The offset edit that turns `a` into `b` (common prefix and suffix), as the server computes it from a change. */
export function editBetween(a: string, b: string): OffsetEdit {
  let prefix = 0;
  const max = Math.min(a.length, b.length);
  while (prefix < max && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  return { start: prefix, oldEnd: a.length - suffix, newEnd: b.length - suffix };
}
