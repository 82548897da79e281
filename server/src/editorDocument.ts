// The server's copy of an open document: LSP's incremental changes applied to a
// `BlockText`, so that a keystroke in a large file copies a block of it and not
// the whole file (as editing one string would), and the edit is known exactly.
import { Position, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { BlockText } from './analysis/blockText';
import { composeEdits, LineIndex, TextEdit } from './analysis/lineIndex';

export class EditorDocument {
  private readonly lines: LineIndex;

  private constructor(
    readonly uri: string,
    readonly languageId: string,
    readonly version: number,
    readonly text: BlockText,
    /** What the change that made this version did to the previous one, as one edit; undefined for a whole new text. */
    readonly lastEdit: TextEdit | undefined,
  ) {
    this.lines = new LineIndex(text);
  }

  /** `content` is a `BlockText` when the message it came in was large (`messageDecoder.ts`). */
  static create(uri: string, languageId: string, version: number, content: string | BlockText): EditorDocument {
    return new EditorDocument(uri, languageId, version, asBlockText(content), undefined);
  }

  /** The next version: each change applies to the text the one before it left (LSP's order). */
  static update(document: EditorDocument, changes: readonly TextDocumentContentChangeEvent[], version: number): EditorDocument {
    const originalLength = document.text.length;
    let text = document.text;
    let lines = document.lines;
    let edit: TextEdit | undefined;
    let whole = false;
    for (const change of changes) {
      if (!('range' in change)) {
        text = asBlockText(change.text as string | BlockText);
        whole = true;
      } else {
        const [a, b] = [lines.offsetAt(change.range.start), lines.offsetAt(change.range.end)];
        const [start, end] = a <= b ? [a, b] : [b, a];
        const next = text.edited(start, end, change.text);
        const one = { start, oldEnd: end, newEnd: start + change.text.length };
        edit = edit ? composeEdits(edit, one, originalLength, text.length, next.length) : one;
        text = next;
      }
      lines = new LineIndex(text);
    }
    return new EditorDocument(document.uri, document.languageId, version, text, whole ? undefined : edit);
  }

  offsetAt(position: Position): number {
    return this.lines.offsetAt(position);
  }

  /** As LSP's documents place it: never between a `\r` and its `\n`. */
  positionAt(offset: number): Position {
    const { line, character } = this.lines.positionAt(offset);
    return { line, character: Math.min(character, this.lines.lineEnd(line) - this.lines.lineStart(line)) };
  }

  get lineCount(): number {
    return this.lines.lineCount;
  }

  /** The whole text as one string (a copy for a large document: the workspace reads `text`). */
  getText(): string {
    return String(this.text);
  }
}

function asBlockText(content: string | BlockText): BlockText {
  return content instanceof BlockText ? content : BlockText.of(content);
}
