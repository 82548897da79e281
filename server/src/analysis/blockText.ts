// An editor's text kept as blocks of whole lines, so that a keystroke copies the
// block it lands in and not the whole text. A JavaScript string cannot be edited
// in place: every edit of a large document would make a new copy of all of it
// (megabytes per keystroke, left for the garbage collector). A `BlockText` is
// immutable; `edited` shares every block the edit does not touch with the
// version it came from, so old versions stay valid for whoever holds them.
//
// It is also its own line index (lines as LSP counts them: `\n`, `\r\n`, a lone
// `\r`): each block knows where its lines start, and every block but the first
// begins a line, so a `\r\n` is never split between two blocks.

import { firstAtOrAfter, Position } from './lineIndex';

/** Blocks are cut about this long; past twice it a block is cut, and an edited block under a quarter of it joins the next. */
let target = 4096;

/** For tests: blocks of about `size` characters, so that short texts have many. */
export function useBlockSize(size: number): void {
  target = size;
}
const LF = 10;
const CR = 13;

/** Offsets in `block` where a line starts, 0 first; `end` too when a line starts there (only at the end of the text). */
function lineStartsOf(block: string, atEnd: boolean): Uint32Array {
  const found = [0];
  if (!block.includes('\r')) {
    for (let i = block.indexOf('\n'); i >= 0 && i + 1 < block.length; i = block.indexOf('\n', i + 1)) found.push(i + 1);
  } else {
    for (let p = 1; p < block.length; p++) if (startsLineIn(block, p)) found.push(p);
  }
  if (atEnd && block.length > 0 && isBreak(block.charCodeAt(block.length - 1))) found.push(block.length);
  return Uint32Array.from(found);
}

const isBreak = (code: number) => code === LF || code === CR;

/** Whether a line starts at `p` (0 < p < length) of `text`. */
function startsLineIn(text: string, p: number): boolean {
  const before = text.charCodeAt(p - 1);
  return before === LF || (before === CR && text.charCodeAt(p) !== LF);
}

/** Where `text` is cut into blocks: line starts about `target` apart (none for a short text). */
function cutPoints(text: string): number[] {
  const cuts: number[] = [];
  let from = 0;
  while (text.length - from > 2 * target) {
    let p = from + target;
    while (p < text.length && !startsLineIn(text, p)) p++;
    // A line longer than the rest of the text: the rest is one block.
    if (p >= text.length - target / 4) break;
    cuts.push(p);
    from = p;
  }
  return cuts;
}

/** The index of the last of `sorted` (ascending integers, `sorted[0]` ≤ value) that is at or before `value`, below `limit`. */
function lastAtOrBefore(sorted: Uint32Array, value: number, limit: number): number {
  return Math.min(firstAtOrAfter(sorted, value + 1), limit) - 1;
}

const BEYOND_LATIN1 = /[^\x00-\xff]/;

/**
 * A flat string equal to `s` that shares nothing with it (a slice keeps the
 * string it was cut from), one byte a character when every character fits.
 */
export function ownCopy(s: string): string {
  if (s.length === 0) return '';
  // (UTF-16 keeps a lone surrogate, which UTF-8 would replace.)
  return BEYOND_LATIN1.test(s) ? Buffer.from(s, 'utf16le').toString('utf16le') : Buffer.from(s, 'latin1').toString('latin1');
}

export class BlockText {
  readonly length: number;
  /** The block the last `charCodeAt` read (texts are mostly read in order). */
  private recent = 0;
  /** The whole text as one string, once someone asked for it (or it came as one). */
  private whole: string | undefined;

  private constructor(
    private readonly blocks: readonly string[],
    /** Where each block starts, and (last) the length. */
    private readonly offsets: Uint32Array,
    /** The line each block starts, and (last) the line count. */
    private readonly firstLines: Uint32Array,
    /** Each block's line starts, relative to the block. */
    private readonly starts: readonly Uint32Array[],
    /** The same object for two versions with the same line starts, and only then. */
    readonly linesToken: object,
    whole?: string,
  ) {
    this.length = offsets[blocks.length];
    this.whole = whole;
  }

  /**
   * A text cut into blocks. A large text's blocks are copies, not slices of it,
   * so that the one string it came as (an 11 MB message, two bytes a character
   * when one character needs it) is not kept by them.
   */
  static of(text: string): BlockText {
    const cuts = cutPoints(text);
    if (cuts.length === 0) return BlockText.assemble([text], {}, text);
    const blocks = [0, ...cuts].map((from, i) => ownCopy(text.slice(from, i < cuts.length ? cuts[i] : text.length)));
    return BlockText.assemble(blocks, {});
  }

  /**
   * A text that comes already cut (`messageDecoder.ts` reads a large message's
   * document this way): every block but the first begins a line, and each is a
   * string of its own.
   */
  static ofBlocks(blocks: string[]): BlockText {
    return blocks.length === 1 ? BlockText.assemble(blocks, {}, blocks[0]) : BlockText.assemble(blocks, {});
  }

  private static assemble(blocks: string[], linesToken: object, whole?: string, starts?: Uint32Array[]): BlockText {
    const offsets = new Uint32Array(blocks.length + 1);
    const firstLines = new Uint32Array(blocks.length + 1);
    const lineStarts = starts ?? blocks.map((b, i) => lineStartsOf(b, i === blocks.length - 1));
    for (let i = 0; i < blocks.length; i++) {
      offsets[i + 1] = offsets[i] + blocks[i].length;
      firstLines[i + 1] = firstLines[i] + lineStarts[i].length;
    }
    return new BlockText(blocks, offsets, firstLines, lineStarts, linesToken, whole);
  }

  /** This text with [start, end) replaced by `inserted`; blocks away from the edit are shared. */
  edited(start: number, end: number, inserted: string): BlockText {
    start = Math.max(0, Math.min(start, this.length));
    end = Math.max(start, Math.min(end, this.length));
    const n = this.blocks.length;
    let first = this.blockAt(start);
    // The line start at the first block's beginning depends on the character after it.
    if (first > 0 && start === this.offsets[first]) first--;
    let last = this.blockAt(end);
    const from = this.offsets[first];
    let region = this.blocks.slice(first, last + 1).join('');
    region = region.slice(0, start - from) + inserted + region.slice(end - from);
    // The block after the region begins a line only after a line break: an edit that ends the region otherwise takes it in.
    while (last + 1 < n && (region.length < target / 4 || !this.beginsLineAfter(region, last + 1))) region += this.blocks[++last];
    const cuts = cutPoints(region);
    const fresh = [0, ...cuts].map((p, i) => region.slice(p, i < cuts.length ? cuts[i] : region.length));
    // (An empty region is the whole text deleted: one empty block.)
    const blocks = [...this.blocks.slice(0, first), ...fresh, ...this.blocks.slice(last + 1)];
    const atEnd = last + 1 === n;
    const starts = [...this.starts.slice(0, first), ...fresh.map((b, i) => lineStartsOf(b, atEnd && i === fresh.length - 1)), ...this.starts.slice(last + 1)];
    // (Lengths first: a large deletion is not copied out to be looked at.)
    const sameLines = end - start === inserted.length && !/[\r\n]/.test(inserted) && !/[\r\n]/.test(this.slice(start, end));
    return BlockText.assemble(blocks, sameLines ? this.linesToken : {}, undefined, starts);
  }

  /** Whether block `i` begins a line when it follows `before`. */
  private beginsLineAfter(before: string, i: number): boolean {
    if (before.length === 0) return false;
    const last = before.charCodeAt(before.length - 1);
    return last === LF || (last === CR && this.blocks[i].charCodeAt(0) !== LF);
  }

  /** The block holding offset `at` (the last one at the end). */
  private blockAt(at: number): number {
    return lastAtOrBefore(this.offsets, at, this.blocks.length);
  }

  charCodeAt(at: number): number {
    if (this.whole !== undefined) return this.whole.charCodeAt(at);
    if (!(at >= 0 && at < this.length)) return NaN;
    let b = this.recent;
    if (at < this.offsets[b] || at >= this.offsets[b + 1]) {
      b = at >= this.offsets[b + 1] && at < this.offsets[b + 2] ? b + 1 : this.blockAt(at);
      this.recent = b;
    }
    return this.blocks[b].charCodeAt(at - this.offsets[b]);
  }

  /** As `String.prototype.slice` (negative offsets count from the end). */
  slice(start = 0, end = this.length): string {
    if (this.whole !== undefined) return this.whole.slice(start, end);
    const from = start < 0 ? Math.max(0, this.length + start) : Math.min(start, this.length);
    const to = end < 0 ? Math.max(0, this.length + end) : Math.min(end, this.length);
    if (to <= from) return '';
    const a = this.blockAt(from);
    const b = this.blockAt(to - 1);
    if (a === b) return this.blocks[a].slice(from - this.offsets[a], to - this.offsets[a]);
    let out = this.blocks[a].slice(from - this.offsets[a]);
    for (let i = a + 1; i < b; i++) out += this.blocks[i];
    return out + this.blocks[b].slice(0, to - this.offsets[b]);
  }

  /** Whether `test` holds for some block (every block is whole lines: for line-local tests). */
  someBlock(test: (block: string) => boolean): boolean {
    return this.whole !== undefined ? test(this.whole) : this.blocks.some(test);
  }

  /** For a protocol trace that prints a message holding this text (joined, not kept). */
  toJSON(): string {
    return this.whole ?? this.blocks.join('');
  }

  /** The whole text as one string (a copy, kept: for readers that need one). */
  toString(): string {
    return (this.whole ??= this.blocks.join(''));
  }

  // ------------------------------------------------------------------ lines

  get lineCount(): number {
    return this.firstLines[this.blocks.length];
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.length));
    const b = this.blockAt(clamped);
    const local = clamped - this.offsets[b];
    const starts = this.starts[b];
    const l = lastAtOrBefore(starts, local, starts.length);
    return { line: this.firstLines[b] + l, character: local - starts[l] };
  }

  lineStart(line: number): number {
    const clamped = Math.max(0, Math.min(line, this.lineCount - 1));
    const b = lastAtOrBefore(this.firstLines, clamped, this.blocks.length);
    return this.offsets[b] + this.starts[b][clamped - this.firstLines[b]];
  }
}
