// Completion (SPEC §7) in config YAML, `.env` files and `task()` options: field
// names at every level, enum values, booleans, exception names, task ids and
// parameter names. Replace ranges cover the word being typed, so accepting an
// item never leaves `: :` or a duplicated key.
import { CompletionItem, CompletionItemKind, MarkupKind, TextEdit } from 'vscode-languageserver-types';
import { ConfigDocument } from '../analysis/configDocument';
import { LineIndex } from '../analysis/lineIndex';
import { TaskDefinition } from '../analysis/typescriptFacts';
import { KnownTask, Workspace } from '../analysis/workspace';
import {
  BUILTIN_ERROR_NAMES, CONCURRENCY_VALUES, ENV_CLASS_PREFIX, ENV_PREFIX, envTaskPart, ExceptionClass, FIELDS, FieldSpec, fieldSpec,
  MapNode, mapGet, qualifiedName, taskIdToString,
} from '../resolver';
import { offsetRange } from './problems';
import { yamlCursor } from './yamlContext';

export function fieldDocumentation(spec: FieldSpec): string {
  const type = spec.type === 'enum' ? `ConcurrencyControlType (${spec.enumValues!.join(' | ')})` : spec.type === 'stringList' ? 'list of argument names' : spec.type === 'exceptionList' ? 'list of exception classes' : spec.type;
  return `**${spec.name}** — ${type}, default \`${JSON.stringify(spec.default)}\`\n\n${spec.description}`;
}

export function fieldItem(spec: FieldSpec, lines: LineIndex, start: number, end: number, newText: string, sortPrefix = '1'): CompletionItem {
  return {
    label: spec.name,
    kind: CompletionItemKind.Property,
    detail: spec.summary,
    documentation: { kind: MarkupKind.Markdown, value: fieldDocumentation(spec) },
    textEdit: TextEdit.replace(offsetRange(lines, start, end), newText),
    sortText: `${sortPrefix}${spec.name}`,
    filterText: spec.name,
  };
}

function valueItems(labels: readonly string[], kind: CompletionItemKind, lines: LineIndex, start: number, end: number, format: (label: string) => string, detail?: (label: string) => string | undefined): CompletionItem[] {
  return labels.map((label, i) => ({
    label,
    kind,
    detail: detail?.(label),
    textEdit: TextEdit.replace(offsetRange(lines, start, end), format(label)),
    sortText: String(i).padStart(4, '0'),
  }));
}

/** Parameter names of the tasks a value applies to (one task, or all). */
function parameterNames(tasks: readonly KnownTask[]): string[] {
  const names = new Set<string>();
  for (const task of tasks) for (const p of task.definition?.parameters ?? []) names.add(p);
  return [...names];
}

function exceptionClasses(ws: Workspace): ExceptionClass[] {
  return [...ws.exceptions().all()].filter((c) => c.extendsError);
}

function yamlKey(text: string): string {
  return /^[\p{L}_][\p{L}\p{M}\p{N}_.\-#]*$/u.test(text) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(text) ? text : JSON.stringify(text);
}

// -------------------------------------------------------------------- YAML

export function yamlCompletion(ws: Workspace, doc: ConfigDocument, offset: number): CompletionItem[] {
  const section = doc.sectionAt(offset);
  const floor = section ? { line: doc.lines.positionAt(section.start).line, prefix: section.inTaskSection ? ['task'] : [] } : undefined;
  const cursor = yamlCursor(doc.lines, offset, floor);
  const { path, wordStart } = cursor;
  const lines = doc.lines;
  const typed = doc.text.slice(wordStart, cursor.wordEnd);
  // A word begun with a quote (`"src.tasks.em`) is a quoted scalar: the items keep the quote, and are filtered with it.
  const quote = typed[0] === '"' || typed[0] === "'" ? typed[0] : '';
  if (cursor.kind === 'key') {
    if (path.length > 2 || (path.length >= 1 && path[0] !== 'task')) return [];
    const written = cursor.flowKeys ?? [...(mappingAt(doc.root, path)?.entries ?? []).map((e) => e.key), ...(cursor.siblingKeys ?? [])];
    const present = new Set(written.filter((k) => k !== unquoted(typed)));
    const suffix = cursor.hasColon ? '' : ': ';
    // Spaces after the word, to the end of the line, go with it (`max_re| ` is no `max_retries:  `).
    const lineEnd = lines.lineEnd(lines.positionAt(offset).line);
    const wordEnd = !cursor.hasColon && /^[ \t]+$/.test(lines.text.slice(cursor.wordEnd, lineEnd)) ? lineEnd : cursor.wordEnd;
    const key = (name: string) => (quote ? quoteAs(quote, name) : name);
    // A section's own mapping goes on the lines below it; in a flow mapping its value is typed after it.
    const section = (name: string, childIndent: string) => (cursor.hasColon ? name : cursor.flowKeys ? `${name}: ` : `${name}:\n${childIndent}`);
    const items = FIELDS.filter((f) => !present.has(f.name)).map((f) => fieldItem(f, lines, wordStart, wordEnd, key(f.name) + suffix));
    if (path.length === 0 && !present.has('task')) {
      items.push({ label: 'task', kind: CompletionItemKind.Module, detail: 'Settings for all tasks and per-task sections', textEdit: TextEdit.replace(offsetRange(lines, wordStart, wordEnd), section(key('task'), '  ')), sortText: '2task' });
    }
    if (path.length === 1) {
      const childIndent = ' '.repeat(cursor.childIndent);
      for (const task of ws.tasks().values()) {
        if (present.has(task.id)) continue;
        items.push({
          label: task.id,
          kind: CompletionItemKind.Module,
          detail: task.definition ? `task defined in ${task.definition.file}` : 'task',
          textEdit: TextEdit.replace(offsetRange(lines, wordStart, wordEnd), section(quote ? key(task.id) : yamlKey(task.id), childIndent)),
          sortText: `0${task.id}`,
        });
      }
    }
    return quote ? items.map((i) => ({ ...i, filterText: quote + i.label })) : items;
  }
  if (cursor.kind !== 'value' || cursor.field === undefined) return [];
  const spec = fieldSpec(cursor.field);
  if (!spec) return [];
  const taskOfSection = path.length === 2 && path[0] === 'task' ? ws.tasks().get(path[1]) : undefined;
  const tasks = taskOfSection ? [taskOfSection] : [...ws.tasks().values()];
  // A set-like list: what it already holds is not offered again.
  const listed = new Set(cursor.listItems ?? []);
  const items = valueCompletions(ws, spec, lines, wordStart, cursor.wordEnd, cursor.inList, tasks, 'yaml').filter((i) => !listed.has(i.label));
  // `key:value` is one plain scalar in YAML, not a key and its value; so is `value#comment`.
  const prefix = doc.text.slice(wordStart - 1, wordStart) === ':' ? ' ' : '';
  const suffix = doc.text.slice(cursor.wordEnd, cursor.wordEnd + 1) === '#' ? ' ' : '';
  const affixed = prefix || suffix ? items.map((i) => withAffixes(i, prefix, suffix)) : items;
  return quote ? affixed.map((i) => inQuotes(i, quote, spec.type === 'bool' || spec.type === 'int')) : affixed;
}

function unquoted(text: string): string {
  return text.replace(/^["']|["']$/g, '');
}

/** `text` as a YAML scalar in `quote`s. */
function quoteAs(quote: string, text: string): string {
  return quote === '"' ? JSON.stringify(text) : `'${text.replace(/'/g, "''")}'`;
}

/**
 * A value item where the user has opened a quote: a string (an enum value, a
 * name) is written in the same quotes; a boolean or a number is written bare,
 * since in quotes it would be a string. Filtered with the quote either way.
 */
function inQuotes(item: CompletionItem, quote: string, bare: boolean): CompletionItem {
  const edit = item.textEdit;
  const plain = edit && 'range' in edit && edit.newText.trim() === item.label && !bare;
  const newText = plain ? edit.newText.replace(item.label, quoteAs(quote, item.label)) : undefined;
  return { ...item, filterText: quote + item.label, ...(newText !== undefined && edit ? { textEdit: { ...edit, newText } } : {}) };
}

function withAffixes(item: CompletionItem, prefix: string, suffix: string): CompletionItem {
  const edit = item.textEdit;
  return edit && 'range' in edit ? { ...item, textEdit: { ...edit, newText: prefix + edit.newText + suffix } } : item;
}

function mappingAt(root: MapNode, path: readonly string[]): MapNode | undefined {
  let node: MapNode | undefined = root;
  for (const key of path) {
    const entry: ReturnType<typeof mapGet> = node ? mapGet(node, key) : undefined;
    node = entry?.value.type === 'map' ? entry.value : undefined;
  }
  return node;
}

function valueCompletions(ws: Workspace, spec: FieldSpec, lines: LineIndex, start: number, end: number, inList: boolean, tasks: readonly KnownTask[], syntax: 'yaml' | 'typescript' | 'env'): CompletionItem[] {
  // In YAML a name that starts with an indicator is quoted: `*` alone is an alias.
  const str = (s: string) => (syntax === 'typescript' ? `'${s}'` : syntax === 'yaml' && /^[-?:,[\]{}#&*!|>'"%@`]/.test(s) ? JSON.stringify(s) : s);
  const list = (s: string) => (inList || syntax === 'env' ? str(s) : `[${str(s)}]`);
  switch (spec.type) {
    case 'enum':
      return valueItems(CONCURRENCY_VALUES, CompletionItemKind.EnumMember, lines, start, end, str);
    case 'bool':
      return valueItems(syntax === 'env' ? ['true', ''] : ['true', 'false'], CompletionItemKind.Value, lines, start, end, (s) => s, (s) => (s === '' ? 'empty: false' : undefined));
    case 'stringList': {
      const names = parameterNames(tasks);
      if (spec.role === 'cacheExclusions') names.push('*');
      return valueItems(names, CompletionItemKind.Variable, lines, start, end, list, (n) => (n === '*' ? 'every argument' : 'parameter of the task function'));
    }
    case 'exceptionList': {
      if (syntax === 'env') return valueItems([''], CompletionItemKind.Value, lines, start, end, (s) => s, () => 'empty: no retries');
      const classes = exceptionClasses(ws);
      return classes.map((cls, i) => ({
        label: qualifiedName(cls),
        kind: CompletionItemKind.Class,
        detail: cls.file ? `declared in ${cls.file}` : 'built-in',
        textEdit: TextEdit.replace(offsetRange(lines, start, end), list(qualifiedName(cls))),
        sortText: `${cls.module === 'builtins' || cls.module === 'tasklens' ? '1' : '0'}${String(i).padStart(4, '0')}`,
      }));
    }
    case 'int':
      return valueItems([String(spec.default)], CompletionItemKind.Value, lines, start, end, (s) => s, () => 'default');
  }
}

// --------------------------------------------------------------------- .env

export function envCompletion(ws: Workspace, text: string, offset: number): CompletionItem[] {
  const lines = new LineIndex(text);
  const { line, character } = lines.positionAt(offset);
  const lineText = lines.lineText(line);
  const before = lineText.slice(0, character);
  const lineStart = lines.lineStart(line);
  const eq = lineText.indexOf('=');
  if (eq >= 0 && character > eq) {
    const key = lineText.slice(0, eq).replace(/^\s*export\s+/, '').trim();
    const fieldName = key.split('__').pop()?.toLowerCase() ?? '';
    const spec = fieldSpec(fieldName);
    if (!spec || !key.startsWith(ENV_PREFIX)) return [];
    let valueEnd = lineText.length;
    const comment = lineText.slice(eq + 1).search(/\s#/);
    if (comment >= 0) valueEnd = eq + 1 + comment;
    const items = valueCompletions(ws, spec, lines, lineStart + eq + 1, lineStart + valueEnd, true, [...ws.tasks().values()], 'env');
    // A value begun with a quote stays quoted (an env value is a string either way).
    const quote = /^["']/.test(lineText.slice(eq + 1)) ? lineText[eq + 1] : '';
    return quote ? items.map((i) => inQuotes(i, quote, false)) : items;
  }
  if (!/^\s*(export\s+)?[A-Za-z0-9_.#]*$/.test(before)) return [];
  const wordStartChar = before.length - (/[A-Za-z0-9_.#]*$/.exec(before)?.[0].length ?? 0);
  const wordEndChar = eq >= 0 ? eq : lineText.length;
  const start = lineStart + wordStartChar;
  const end = lineStart + wordEndChar;
  const suffix = eq >= 0 ? '' : '=';
  const items: CompletionItem[] = [];
  const range = offsetRange(lines, start, end);
  // Documentation comes with completionItem/resolve: a response stays small however many tasks there are.
  const add = (key: string, spec: FieldSpec, detail: string, sort: string) => items.push({
    label: key,
    kind: CompletionItemKind.Variable,
    detail,
    textEdit: TextEdit.replace(range, key + suffix),
    // Equal sort texts fall back to the label: the order is the same, the answer smaller.
    sortText: sort,
    data: { field: spec.name },
  });
  const typed = before.slice(wordStartChar);
  const hash = typed.indexOf('#');
  if (typed.startsWith(ENV_CLASS_PREFIX) && hash >= 0) {
    // Past `<MODULE>#`: the fields of the task being named, or else every task's prefix.
    const sep = typed.indexOf('__', hash);
    const task = sep >= 0 ? ws.taskByEnvPart(typed.slice(ENV_CLASS_PREFIX.length, sep)) : undefined;
    if (task) {
      const prefix = `${ENV_CLASS_PREFIX}${envTaskPart(task.taskId)}__`;
      for (const spec of FIELDS) add(`${prefix}${spec.name.toUpperCase()}`, spec, `only ${task.id}`, '0');
      return items;
    }
  } else {
    for (const spec of FIELDS) {
      const upper = spec.name.toUpperCase();
      add(`${ENV_CLASS_PREFIX}${upper}`, spec, 'all tasks (class level)', '1');
      add(`${ENV_PREFIX}${upper}`, spec, 'all tasks (generic; weaker than PYNENC__CONFIGTASK__)', '2');
    }
  }
  // Per-task names in two steps: first the task (one item each), then its fields.
  if (typed.startsWith(ENV_CLASS_PREFIX) || typed.length === 0 || ENV_CLASS_PREFIX.startsWith(typed)) {
    for (const task of ws.tasks().values()) {
      const prefix = `${ENV_CLASS_PREFIX}${envTaskPart(task.taskId)}__`;
      items.push({
        label: prefix,
        kind: CompletionItemKind.Module,
        textEdit: TextEdit.replace(range, prefix),
        sortText: '0',
        // The detail comes with completionItem/resolve (one per task would make the answer grow with the tasks).
        data: { task: task.id },
        command: { title: 'Fields', command: 'editor.action.triggerSuggest' },
      });
    }
  }
  return items;
}

/** `completionItem/resolve`: the documentation of a field item, added only for the item being shown. */
export function resolveCompletionItem(item: CompletionItem): CompletionItem {
  const task = (item.data as { task?: unknown } | undefined)?.task;
  if (typeof task === 'string' && item.detail === undefined) return { ...item, detail: `settings for ${task} only` };
  const field = (item.data as { field?: unknown } | undefined)?.field;
  const spec = typeof field === 'string' ? fieldSpec(field) : undefined;
  return spec && item.documentation === undefined ? { ...item, documentation: { kind: MarkupKind.Markdown, value: fieldDocumentation(spec) } } : item;
}

// --------------------------------------------------------------- TypeScript

/** The `task()` call whose options object contains `offset`. */
export function taskAt(ws: Workspace, path: string, offset: number): TaskDefinition | undefined {
  const facts = ws.taskFacts(path);
  return facts?.tasks.find((t) => t.optionsRange !== undefined && offset > t.optionsRange.start && offset < t.optionsRange.end);
}

export function typescriptCompletion(ws: Workspace, path: string, text: string, offset: number): CompletionItem[] {
  const definition = taskAt(ws, path, offset);
  if (!definition || !definition.options) return [];
  const lines = new LineIndex(text);
  const taskId = { module: definition.module, func: definition.func ?? '' };
  const known: KnownTask = { id: taskIdToString(taskId), taskId, definition };
  // In a value?
  for (const entry of definition.options.entries) {
    const value = entry.value;
    const loc = value.loc;
    if (loc?.start !== undefined && loc.end !== undefined && offset >= loc.start && offset <= loc.end && !(entry.keyLoc?.start !== undefined && entry.keyLoc.start === loc.start)) {
      const spec = fieldSpec(entry.key);
      if (!spec) return [];
      if (spec.type === 'exceptionList') return exceptionIdentifierItems(ws, path, text, lines, offset);
      const word = wordAround(text, offset);
      const inList = value.type === 'list';
      return valueCompletions(ws, spec, lines, word.start, word.end, inList, [known], 'typescript');
    }
  }
  // A key: the word at the cursor, if any.
  const word = wordAround(text, offset);
  const before = text.slice(definition.optionsRange!.start + 1, word.start);
  const valueOf = /([A-Za-z_$][\w$]*|'[^'\n]*'|"[^"\n]*")\s*:\s*$/.exec(before);
  if (valueOf) {
    const spec = fieldSpec(valueOf[1].replace(/^['"]|['"]$/g, ''));
    if (!spec) return [];
    if (spec.type === 'exceptionList') return exceptionIdentifierItems(ws, path, text, lines, offset).map((i) => withBrackets(i));
    return valueCompletions(ws, spec, lines, word.start, word.end, false, [known], 'typescript');
  }
  if (/:\s*$/.test(before)) return [];
  const typed = text.slice(word.start, word.end);
  const present = new Set(definition.options.entries.map((e) => e.key).filter((k) => k !== typed));
  const after = text.slice(word.end, word.end + 40);
  const suffix = /^\s*:/.test(after) ? '' : ': ';
  return FIELDS.filter((f) => !present.has(f.name)).map((f) => fieldItem(f, lines, word.start, word.end, f.name + suffix));
}

/** An exception identifier offered where a list is expected: `[Name]`. */
function withBrackets(item: CompletionItem): CompletionItem {
  const edit = item.textEdit;
  return edit && 'range' in edit ? { ...item, textEdit: { ...edit, newText: `[${edit.newText}]` } } : item;
}

function wordAround(text: string, offset: number): { start: number; end: number } {
  let start = offset;
  while (start > 0 && /[\w$'"*.\-]/.test(text[start - 1])) start--;
  let end = offset;
  while (end < text.length && /[\w$'"*.\-]/.test(text[end])) end++;
  return { start, end };
}

/** Exception classes as identifiers, with an import edit for workspace classes not yet in scope. */
function exceptionIdentifierItems(ws: Workspace, path: string, text: string, lines: LineIndex, offset: number): CompletionItem[] {
  const word = wordAround(text, offset);
  const facts = ws.taskFacts(path);
  const inScope = new Set<string>([...(facts?.imports.keys() ?? []), ...(facts?.classes.map((c) => c.name) ?? [])]);
  const items: CompletionItem[] = BUILTIN_ERROR_NAMES.map((name) => ({
    label: name,
    kind: CompletionItemKind.Class,
    detail: `builtins.${name}`,
    textEdit: TextEdit.replace(offsetRange(lines, word.start, word.end), name),
    sortText: `1${name}`,
  }));
  for (const cls of exceptionClasses(ws)) {
    if (cls.module === 'builtins' || cls.file === undefined) continue;
    const item: CompletionItem = {
      label: cls.name,
      kind: CompletionItemKind.Class,
      detail: qualifiedName(cls),
      textEdit: TextEdit.replace(offsetRange(lines, word.start, word.end), cls.name),
      sortText: `0${cls.name}`,
    };
    if (!inScope.has(cls.name) && cls.file !== path) {
      item.additionalTextEdits = [TextEdit.insert(lines.positionAt(0), `import { ${cls.name} } from '${importSpecifier(path, cls.file)}';\n`)];
      item.labelDetails = { description: `auto-import from ${cls.file}` };
    }
    items.push(item);
  }
  return items;
}

function importSpecifier(from: string, to: string): string {
  const fromParts = from.split('/').slice(0, -1);
  const toParts = to.replace(/\.(ts|tsx|mts|cts)$/, '').split('/');
  let common = 0;
  while (common < fromParts.length && common < toParts.length - 1 && fromParts[common] === toParts[common]) common++;
  const up = fromParts.length - common;
  const rest = toParts.slice(common).join('/');
  return up === 0 ? `./${rest}` : `${'../'.repeat(up)}${rest}`;
}

