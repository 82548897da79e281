// Completion inside a pynenc decorator (SPEC §10): keywords not yet given, enum
// members after `ConcurrencyControlType.` (or its alias) and values as strings,
// booleans, exception classes in `retry_for` (with an import for one not yet
// imported), and the task function's parameters in the argument-name lists.
import { CompletionItem, CompletionItemKind, TextEdit } from 'vscode-languageserver-types';
import { LineIndex } from '../analysis/lineIndex';
import { KnownTask, Workspace } from '../analysis/workspace';
import { ConcurrencyControlType, FIELDS, fieldSpec, isArgumentList, qualifiedName, taskIdToString } from '../resolver';
import { fieldItem, taskAt } from './completion';
import { offsetRange } from './problems';

const MEMBERS = Object.entries(ConcurrencyControlType) as [string, string][];

export function pythonCompletion(ws: Workspace, path: string, text: string, offset: number): CompletionItem[] {
  const definition = taskAt(ws, path, offset);
  if (!definition || definition.func === undefined) return [];
  const lines = new LineIndex(text);
  let start = offset;
  while (start > 0 && /[\w.]/.test(text[start - 1])) start--;
  let end = offset;
  while (end < text.length && /\w/.test(text[end])) end++;
  const typed = text.slice(start, offset);
  const replace = (newText: string, from = start) => TextEdit.replace(offsetRange(lines, from, end), newText);
  // Inside a string: an enum value or a parameter name.
  const quote = /(["'])([\w*]*)$/.exec(text.slice(definition.optionsRange!.start, offset));
  const keyword = keywordBefore(text, definition.optionsRange!.start + 1, offset);
  const spec = keyword !== undefined ? fieldSpec(keyword) : undefined;
  const taskId = { module: definition.module, func: definition.func };
  const task: KnownTask = { id: taskIdToString(taskId), taskId, definition };
  if (spec && quote && /=\s*[([{]?[^=]*$/.test(text.slice(0, offset))) {
    const from = offset - quote[2].length;
    if (spec.type === 'enum') return MEMBERS.map(([, value]) => ({ label: value, kind: CompletionItemKind.EnumMember, textEdit: replace(value, from) }));
    if (isArgumentList(spec)) return (definition.parameters ?? []).map((p) => ({ label: p, kind: CompletionItemKind.Variable, detail: 'parameter of the task function', textEdit: replace(p, from) }));
    return [];
  }
  if (spec) {
    const dot = typed.lastIndexOf('.');
    if (spec.type === 'enum') {
      const alias = enumAlias(ws, path);
      if (dot >= 0) return MEMBERS.map(([member, value]) => ({ label: member, kind: CompletionItemKind.EnumMember, detail: `'${value}'`, textEdit: replace(member, start + dot + 1) }));
      return MEMBERS.map(([member, value]) => ({ label: alias ? `${alias}.${member}` : `"${value}"`, kind: CompletionItemKind.EnumMember, detail: `'${value}'`, textEdit: replace(alias ? `${alias}.${member}` : `"${value}"`) }));
    }
    if (spec.type === 'bool') return ['True', 'False'].map((b) => ({ label: b, kind: CompletionItemKind.Value, textEdit: replace(b) }));
    if (spec.type === 'exceptionList') return exceptionItems(ws, path, task, lines, replace);
    if (isArgumentList(spec)) return (definition.parameters ?? []).map((p) => ({ label: `"${p}"`, kind: CompletionItemKind.Variable, detail: 'parameter of the task function', textEdit: replace(`"${p}"`) }));
    return [];
  }
  const present = new Set((definition.options?.entries ?? []).map((e) => e.key).filter((k) => k !== typed));
  return FIELDS.filter((f) => !present.has(f.name)).map((f) => fieldItem(f, lines, start, end, `${f.name}=`));
}

/**
 * The keyword whose value the cursor is in (`max_retries=|`), read from the
 * argument list's start: the last top-level `name=` after the last top-level comma.
 */
function keywordBefore(text: string, from: number, offset: number): string | undefined {
  let depth = 0;
  let quote: string | undefined;
  let keyword: string | undefined;
  for (let i = from; i < offset; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (depth === 0 && ch === ',') keyword = undefined;
    else if (depth === 0 && ch === '=' && text[i + 1] !== '=') keyword = /(\w+)\s*$/.exec(text.slice(from, i))?.[1];
  }
  return keyword;
}

/** The local name of `ConcurrencyControlType` in the file, if it is imported. */
function enumAlias(ws: Workspace, path: string): string | undefined {
  for (const [local, target] of ws.taskFacts(path)?.imports ?? []) if (target.endsWith('.ConcurrencyControlType')) return local;
  return undefined;
}

function exceptionItems(ws: Workspace, path: string, task: KnownTask, lines: LineIndex, replace: (text: string) => TextEdit): CompletionItem[] {
  const facts = ws.taskFacts(path);
  const inScope = new Set<string>([...(facts?.imports.keys() ?? []), ...(facts?.classes.map((c) => c.name) ?? [])]);
  const items: CompletionItem[] = [];
  for (const cls of ws.exceptionsFor(task).all()) {
    if (!cls.extendsError || cls.name === 'RetryError') continue;
    const item: CompletionItem = { label: cls.name, kind: CompletionItemKind.Class, detail: qualifiedName(cls), textEdit: replace(cls.name), sortText: `${cls.module === 'builtins' ? 1 : 0}${cls.name}` };
    if (cls.module !== 'builtins' && !inScope.has(cls.name) && cls.file !== path) {
      item.additionalTextEdits = [TextEdit.insert(lines.positionAt(0), `from ${cls.module} import ${cls.name}\n`)];
      item.labelDetails = { description: `import from ${cls.module}` };
    }
    items.push(item);
  }
  return items;
}
