// Offsets ↔ 0-based line/character positions for one text.

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

export class LineIndex {
  private readonly starts: number[];

  constructor(readonly text: string, starts?: number[]) {
    if (starts) {
      this.starts = starts;
      return;
    }
    this.starts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** The index of `text`, which is this index's text after `edit`: only the edited lines are scanned. */
  edited(text: string, edit: TextEdit): LineIndex {
    const firstLine = this.positionAt(edit.start).line;
    const lastLine = this.positionAt(edit.oldEnd).line;
    const delta = edit.newEnd - edit.oldEnd;
    const starts = this.starts.slice(0, firstLine + 1);
    for (let i = text.indexOf('\n', edit.start); i >= 0 && i < edit.newEnd; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    for (let l = lastLine + 1; l < this.starts.length; l++) starts.push(this.starts[l] + delta);
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
    const end = position.line + 1 < this.starts.length ? this.starts[position.line + 1] - 1 : this.text.length;
    return Math.max(start, Math.min(start + position.character, end));
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  lineText(line: number): string {
    const start = this.lineStart(line);
    const end = line + 1 < this.starts.length ? this.starts[line + 1] - 1 : this.text.length;
    return this.text.slice(start, end).replace(/\r$/, '');
  }
}
