// Offsets ↔ 0-based line/character positions for one text. Lines end as LSP
// counts them: at `\n`, `\r\n` and a lone `\r`.

export interface Position {
  readonly line: number;
  readonly character: number;
}

/** One edit of a text: [start, oldEnd) of the old text became [start, newEnd) of the new one. */
export interface TextEdit {
  readonly start: number;
  readonly oldEnd: number;
  readonly newEnd: number;
}

const LF = 10;
const CR = 13;

/** Whether a line starts at `p` (> 0): after `\n`, or after a `\r` not followed by `\n`. */
function startsLine(text: string, p: number): boolean {
  const before = text.charCodeAt(p - 1);
  return before === LF || (before === CR && text.charCodeAt(p) !== LF);
}

export class LineIndex {
  private readonly starts: number[];

  constructor(readonly text: string, starts?: number[]) {
    if (starts) {
      this.starts = starts;
      return;
    }
    this.starts = [0];
    if (!text.includes('\r')) {
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
      return;
    }
    for (let p = 1; p <= text.length; p++) if (startsLine(text, p)) this.starts.push(p);
  }

  /** The index of `text`, which is this index's text after `edit`: only the edited lines are scanned. */
  edited(text: string, edit: TextEdit): LineIndex {
    // Whether a line starts at p depends on the characters at p - 1 and p: starts
    // before the edit stay, starts after it move, and those in between are scanned.
    const delta = edit.newEnd - edit.oldEnd;
    const starts: number[] = [];
    let l = 0;
    for (; l < this.starts.length && this.starts[l] < edit.start; l++) starts.push(this.starts[l]);
    if (starts.length === 0) starts.push(0);
    const scanFrom = Math.max(1, edit.start);
    const scanTo = Math.min(text.length, edit.newEnd);
    for (let p = scanFrom; p <= scanTo; p++) if (startsLine(text, p)) starts.push(p);
    for (; l < this.starts.length; l++) {
      const moved = this.starts[l] + delta;
      if (this.starts[l] > edit.oldEnd && moved > scanTo) starts.push(moved);
    }
    return new LineIndex(text, starts);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid] <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - this.starts[low] };
  }

  offsetAt(position: Position): number {
    if (position.line >= this.starts.length) return this.text.length;
    if (position.line < 0) return 0;
    const start = this.starts[position.line];
    return Math.max(start, Math.min(start + position.character, this.lineEnd(position.line)));
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  /** Where line `line`'s text ends, before its line break. */
  lineEnd(line: number): number {
    if (line + 1 >= this.starts.length) return this.text.length;
    const next = this.starts[line + 1];
    return this.text.charCodeAt(next - 1) === LF && this.text.charCodeAt(next - 2) === CR && next - 2 >= this.starts[line] ? next - 2 : next - 1;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }
}
