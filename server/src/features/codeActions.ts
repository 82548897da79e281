// Quick fixes (SPEC §7), driven by each diagnostic's `code` and `data`: the fix
// was decided when the problem was found, so it is the same in every file kind.
import { CodeAction, CodeActionKind, Diagnostic, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { LineIndex } from '../analysis/lineIndex';
import { FixData } from './problems';

interface TasklensData extends FixData {
  readonly code: string;
}

function isTasklensData(data: unknown): data is TasklensData {
  return typeof data === 'object' && data !== null && typeof (data as { code?: unknown }).code === 'string';
}

function action(title: string, uri: string, diagnostic: Diagnostic, edits: TextEdit[], preferred: boolean): CodeAction {
  const edit: WorkspaceEdit = { changes: { [uri]: edits } };
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit, isPreferred: preferred };
}

/** The quick fixes for the diagnostics the client sends back with a code action request. */
export function quickFixes(uri: string, lines: LineIndex, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== 'tasklens' || !isTasklensData(diagnostic.data)) continue;
    const data = diagnostic.data;
    if (data.replaceWith !== undefined) {
      actions.push(action(data.title ?? `Change to '${data.replaceWith}'`, uri, diagnostic, [TextEdit.replace(diagnostic.range, data.replaceWith)], true));
    }
    for (const alternative of data.alternatives ?? []) {
      actions.push(action(`Change to '${alternative}'`, uri, diagnostic, [TextEdit.replace(diagnostic.range, alternative)], false));
    }
    if (data.insertAt !== undefined && data.insertText !== undefined) {
      const at = lines.positionAt(data.insertAt);
      actions.push(action(data.title ?? 'Insert', uri, diagnostic, [TextEdit.insert(at, data.insertText)], true));
    }
    if (data.removeStart !== undefined && data.removeEnd !== undefined) {
      actions.push(action(data.title ?? 'Remove the entry', uri, diagnostic, [TextEdit.del(removalRange(lines, data.removeStart, data.removeEnd))], false));
    }
  }
  return actions;
}

/**
 * What to delete to remove an entry: its whole lines when it stands on lines of
 * its own (block YAML), else the entry and the comma after it (flow style, `task()` options).
 */
function removalRange(lines: LineIndex, startOffset: number, endOffset: number) {
  const first = lines.positionAt(startOffset);
  const last = lines.positionAt(endOffset);
  const ownLines = lines.lineText(first.line).slice(0, first.character).trim() === '' && lines.lineText(last.line).slice(last.character).replace(/#.*$/, '').trim() === '';
  if (ownLines) {
    const end = last.line + 1 < lines.lineCount ? { line: last.line + 1, character: 0 } : { line: last.line, character: lines.lineText(last.line).length };
    return { start: { line: first.line, character: 0 }, end };
  }
  // (A window after the item, not the rest of a large file.)
  const after = /^\s*,\s*/.exec(lines.text.slice(endOffset, endOffset + 4096));
  return { start: first, end: lines.positionAt(endOffset + (after ? after[0].length : 0)) };
}
