// Offsets ↔ 0-based line/character positions for one text. Lines end as LSP
// counts them: at `\n`, `\r\n` and a lone `\r`.

import type { BlockText } from './blockText';

/** A text: a string, or an editor's text kept in blocks (which is its own line index). */
export type Text = string | BlockText;

export interface Position {
  readonly line: number;
  readonly character: number;
}

/** The index of the first of `sorted` (ascending) that is at or after `value`; its length when none is. */
export function firstAtOrAfter(sorted: ArrayLike<number>, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid] < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** One edit of a text: [start, oldEnd) of the old text became [start, newEnd) of the new one. */
export interface TextEdit {
  readonly start: number;
  readonly oldEnd: number;
  readonly newEnd: number;
}

/**
 * One edit covering `first` (from an original text to the current one) then
 * `next` (of the current text): the text before the first edited character and
 * after the last is what neither touched.
 */
export function composeEdits(first: TextEdit, next: TextEdit, originalLength: number, currentLength: number, nextLength: number): TextEdit {
  const start = Math.min(first.start, next.start);
  const suffix = Math.min(currentLength - first.newEnd, currentLength - next.oldEnd);
  return { start, oldEnd: originalLength - suffix, newEnd: nextLength - suffix };
}

/** Whether `edit`, which turned `before` into `after`, changed nothing (a character typed over itself). */
export function changesNothing(before: Text, after: Text, edit: TextEdit): boolean {
  return before.length === after.length && edit.oldEnd === edit.newEnd && before.slice(edit.start, edit.oldEnd) === after.slice(edit.start, edit.newEnd);
}

const LF = 10;
const CR = 13;
const NO_STARTS = new Uint32Array(0);

/** Whether a line starts at `p` (> 0): after `\n`, or after a `\r` not followed by `\n`. */
function startsLine(text: string, p: number): boolean {
  const before = text.charCodeAt(p - 1);
  return before === LF || (before === CR && text.charCodeAt(p) !== LF);
}

export class LineIndex {
  /** Where each line starts (a typed array: a large file has hundreds of thousands); none for a `BlockText`, which knows its lines. */
  private readonly starts: Uint32Array;
  private readonly blocks: BlockText | undefined;

  constructor(readonly text: Text, starts?: Uint32Array) {
    if (typeof text !== 'string') {
      this.blocks = text;
      this.starts = NO_STARTS;
      return;
    }
    if (starts) {
      this.starts = starts;
      return;
    }
    const found = [0];
    if (!text.includes('\r')) {
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) found.push(i + 1);
    } else {
      for (let p = 1; p <= text.length; p++) if (startsLine(text, p)) found.push(p);
    }
    this.starts = Uint32Array.from(found);
  }

  /** The index of `text`, which is this index's text after `edit`: only the edited lines are scanned. */
  edited(text: Text, edit: TextEdit): LineIndex {
    if (typeof text !== 'string' || this.blocks) return new LineIndex(text);
    // Whether a line starts at p depends on the characters at p - 1 and p: starts
    // before the edit stay, starts after it move, and those in between are scanned.
    const old = this.starts;
    const delta = edit.newEnd - edit.oldEnd;
    const scanFrom = Math.max(1, edit.start);
    const scanTo = Math.min(text.length, edit.newEnd);
    const kept = firstAtOrAfter(this.starts, edit.start);
    const scanned: number[] = kept === 0 ? [0] : [];
    for (let p = scanFrom; p <= scanTo; p++) if (startsLine(text, p)) scanned.push(p);
    // Starts after the old edit's end move by delta; those the scan already found are left out.
    let rest = firstAtOrAfter(this.starts, edit.oldEnd + 1);
    while (rest < old.length && old[rest] + delta <= scanTo) rest++;
    // A same-length edit that moves no line start (typing over a character) keeps the starts as they are.
    if (delta === 0 && rest - kept === scanned.length && scanned.every((p, i) => old[kept + i] === p)) return new LineIndex(text, old);
    const starts = new Uint32Array(kept + scanned.length + (old.length - rest));
    starts.set(old.subarray(0, kept), 0);
    starts.set(scanned, kept);
    let at = kept + scanned.length;
    for (let l = rest; l < old.length; l++) starts[at++] = old[l] + delta;
    return new LineIndex(text, starts);
  }

  /** The same object for two indexes with the same line starts (an edit that moved none shares them), and only then. */
  get linesToken(): object {
    return this.blocks?.linesToken ?? this.starts;
  }

  get lineCount(): number {
    return this.blocks?.lineCount ?? this.starts.length;
  }

  positionAt(offset: number): Position {
    if (this.blocks) return this.blocks.positionAt(offset);
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    // The last line starting at or before the offset (the first starts at 0).
    const line = firstAtOrAfter(this.starts, clamped + 1) - 1;
    return { line, character: clamped - this.starts[line] };
  }

  offsetAt(position: Position): number {
    if (position.line >= this.lineCount) return this.text.length;
    if (position.line < 0) return 0;
    const start = this.lineStart(position.line);
    return Math.max(start, Math.min(start + position.character, this.lineEnd(position.line)));
  }

  lineStart(line: number): number {
    if (this.blocks) return this.blocks.lineStart(line);
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  /** Where line `line`'s text ends, before its line break. */
  lineEnd(line: number): number {
    if (line + 1 >= this.lineCount) return this.text.length;
    const next = this.lineStart(line + 1);
    return this.text.charCodeAt(next - 1) === LF && this.text.charCodeAt(next - 2) === CR && next - 2 >= this.lineStart(line) ? next - 2 : next - 1;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }
}

/** 1-based lines of increasing offsets, without splitting the text. */
export class LineCounter {
  private offset = 0;
  private line = 1;
  constructor(private readonly text: string) {}

  lineAt(offset: number): number {
    if (offset < this.offset) {
      this.offset = 0;
      this.line = 1;
    }
    for (let i = this.text.indexOf('\n', this.offset); i !== -1 && i < offset; i = this.text.indexOf('\n', i + 1)) this.line++;
    this.offset = offset;
    return this.line;
  }
}
