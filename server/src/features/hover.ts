// Hovers (SPEC §7): a field's description and its effective value for the task
// with the whole chain of sources; a task's eleven effective values; an
// exception's qualified name and bases. All render the resolver's provenance.
import { Hover, MarkupKind } from 'vscode-languageserver-types';
import { ConfigDocument } from '../analysis/configDocument';
import { LineIndex } from '../analysis/lineIndex';
import { TaskDefinition } from '../analysis/typescriptFacts';
import { KnownTask, TYPICAL_TASK, Workspace } from '../analysis/workspace';
import { entriesNear, envVarAt, isCandidateAt, reachOverTasks, TaskReach, valueReach, within } from './locations';
import {
  ConfigNode, ExceptionClass, FieldName, FieldResolution, fieldSpec, isFieldName, MapEntry,
  nodeToText, parseTaskId, qualifiedName, shortQuote, SourceRef, TaskId,
} from '../resolver';
import { fieldDocumentation } from './completion';
import { parseEnvKey } from './envKeys';
import { escapeCell, explainToMarkdown, sourceText, valueText } from './explain';
import { offsetRange } from './problems';


function markdown(value: string, lines: LineIndex, start: number, end: number): Hover {
  return { contents: { kind: MarkupKind.Markdown, value }, range: offsetRange(lines, start, end) };
}


/** The chain for one field of one task: winner first, marked, then every shadowed source. */
export function chainMarkdown(field: FieldResolution, taskLabel: string, here?: { file?: string; node?: ConfigNode }): string {
  const out: string[] = [];
  const effective = field.error !== undefined ? `⚠ error` : `\`${valueText(field)}\``;
  out.push(`**Effective for \`${taskLabel}\`: ${effective}**`);
  if (field.error !== undefined) out.push('', `> ${field.error}`);
  out.push('', '| | source | value |', '| --- | --- | --- |');
  const row = (mark: string, source: SourceRef, node: ConfigNode | undefined, value?: string) => {
    const isHere = here && isCandidateAt(source, here.file, here.node) ? ' ← here' : '';
    out.push(`| ${mark} | ${escapeCell(sourceText(source))}${isHere} | ${escapeCell(value ?? (node ? `\`${nodeToText(node)}\`` : ''))} |`);
  };
  if (field.winner) row('✔', field.source, field.winner.node);
  else if (field.source.kind === 'default') row('✔', field.source, undefined, `\`${valueText(field)}\``);
  else row('✖', field.source, undefined, 'file fails to load');
  for (const candidate of field.shadowed) row('', candidate.source, candidate.node);
  if (field.fromParsedParts) {
    const parts = field.fromParsedParts;
    out.push('', `_The runtime refuses the file; the parts that do parse would give_ \`${valueText(parts)}\` _from ${escapeCell(sourceText(parts.source))}._`);
  }
  return out.join('\n');
}

/** The plain settings' name where environments are listed. */
export const DEFAULT_ENVIRONMENT = 'default';

/** Under the effective value: the value in each other environment where it differs (SPEC §12). */
function otherEnvironmentsMarkdown(ws: Workspace, task: KnownTask | TaskId, field: FieldName): string {
  const names = ws.environmentNames();
  if (names.length < 2) return '';
  const active = ws.activeEnvironment();
  const here = ws.resolveField(task, field, active);
  const rows: string[] = [];
  for (const name of names) {
    if (name === active) continue;
    const there = ws.resolveField(task, field, name);
    if (valueText(there) === valueText(here) && (there.error ?? '') === (here.error ?? '')) continue;
    rows.push(`| ${escapeCell(name || DEFAULT_ENVIRONMENT)} | \`${escapeCell(valueText(there))}\` | ${escapeCell(sourceText(there.source))} |`);
  }
  if (rows.length === 0) return '';
  return ['', `In other environments (this is **${escapeCell(active || DEFAULT_ENVIRONMENT)}**):`, '', '| environment | value | source |', '| --- | --- | --- |', ...rows].join('\n');
}

/** The chain for one field of one task in force now, then where other environments differ. */
function taskChainMarkdown(ws: Workspace, task: KnownTask, field: FieldName, here?: { file?: string; node?: ConfigNode }): string {
  return chainMarkdown(ws.resolve(task).fields[field], task.id, here) + otherEnvironmentsMarkdown(ws, task, field);
}

/** A field hover: what it is in force with first (what people look for), then what the field does. */
function fieldHover(field: FieldName, effective: string[]): string {
  return [...effective, '---', fieldHeader(field)].join('\n\n');
}

function fieldHeader(field: FieldName): string {
  return fieldDocumentation(fieldSpec(field)!);
}

/** For a generic or class-level value: which tasks it reaches and where it is overridden. */
function reachMarkdown(ws: Workspace, field: FieldName, doc: ConfigDocument, node: ConfigNode): string {
  const file = doc.path;
  const out = [reachSummary(ws, valueReach(ws, doc, field, node))];
  const typical = ws.resolve(TYPICAL_TASK).fields[field];
  out.push('', chainMarkdown(typical, 'a task with no settings of its own', { file, node }));
  return out.join('\n');
}

/** "Reaches N of M tasks: …" and "Overridden for …", at most twelve of each. */
function reachSummary(ws: Workspace, { reached, overridden }: TaskReach): string {
  const total = ws.tasks().size;
  const list = (items: string[], sep: string) => items.slice(0, 12).join(sep) + (items.length > 12 ? `${sep}…` : '');
  const out = [`**Reaches ${reached.length} of ${total} task${total === 1 ? '' : 's'}**${reached.length > 0 ? ': ' + list(reached.slice(0, 13).map((t) => `\`${t.id}\``), ', ') : ''}`];
  // Only the first few winners are worked out (each is a resolution).
  const shown = overridden.slice(0, 13).map((o) => `\`${o.task.id}\` by ${sourceText(o.by.source)}`);
  if (overridden.length > 0) out.push('', `Overridden for ${list(shown, '; ')}`);
  return out.join('\n');
}

function exceptionMarkdown(cls: ExceptionClass | undefined, name: string): string {
  if (!cls) return `**${shortQuote(name)}**\n\nNo such exception class in the workspace or the built-ins; the runtime fails if it cannot import it.`;
  const where = cls.file ? `declared in \`${cls.file}${cls.line ? `:${cls.line}` : ''}\`` : 'built-in';
  const bases = cls.bases && cls.bases.length > 0 ? `\n\nBases: ${cls.bases.map((b) => `\`${b}\``).join(' → ')}` : '';
  const warning = cls.extendsError ? '' : '\n\n⚠ It does not extend `Error`: it cannot be retried for.';
  return `**${qualifiedName(cls)}** — ${where}${bases}${warning}`;
}

function taskMarkdown(ws: Workspace, task: KnownTask | TaskId, definition?: TaskDefinition): string {
  const resolution = ws.resolve(task);
  const defined = definition ? `\n\nDefined in \`${definition.file}\`${definition.parameters ? ` with parameters ${definition.parameters.map((p) => `\`${p}\``).join(', ') || 'none'}` : ''}.` : '';
  const root = definition?.language === 'python' && definition.moduleRoot !== undefined ? `\n\nModule \`${definition.module}\` from the Python root \`${definition.moduleRoot || '.'}\`.` : '';
  return explainToMarkdown(resolution) + defined + root;
}


// -------------------------------------------------------------------- YAML

export function yamlHover(ws: Workspace, doc: ConfigDocument, offset: number): Hover | null {
  const file = doc.path;
  const active = ws.activeConfigFiles().has(file);
  for (const entry of doc.settings.entries) {
    const hit = entryHit(entry, offset);
    if (entry.key === 'task' && entry.value.type === 'map' && hit !== 'key') {
      for (const child of entriesNear(entry.value, offset)) {
        // A TOML table is placed at its header: the fields under it hold the cursor too.
        const childHit = entryHit(child, offset) ?? (child.value.type === 'map' && child.value.entries.some((f) => entryHit(f, offset)) ? 'value' : undefined);
        if (!childHit) continue;
        if (isFieldName(child.key)) return fieldEntryHover(ws, doc, child, childHit, offset, active ? 'class' : undefined);
        if (child.value.type !== 'map') return null;
        const taskId = parseTaskId(child.key);
        if (childHit === 'key') {
          if (!taskId) return markdown(`**${child.key}** is not a task id (write \`<module>.<function>\`).`, doc.lines, child.keyLoc!.start!, child.keyLoc!.end!);
          const known = ws.tasks().get(child.key);
          const note = known ? '' : '\n\n_No `task()` call defines this task in the workspace._';
          return markdown(taskMarkdown(ws, known ?? taskId, known?.definition) + note, doc.lines, child.keyLoc!.start!, child.keyLoc!.end!);
        }
        for (const field of child.value.entries) {
          const fieldHit = entryHit(field, offset);
          if (!fieldHit || !isFieldName(field.key)) continue;
          return fieldEntryHover(ws, doc, field, fieldHit, offset, active && taskId ? ws.tasks().get(child.key) ?? taskId : undefined);
        }
        return null;
      }
      continue;
    }
    if (!hit) continue;
    if (isFieldName(entry.key)) return fieldEntryHover(ws, doc, entry, hit, offset, active ? 'generic' : undefined);
    if (entry.key === 'task' && hit === 'key') return markdown('**task** — settings for every task (class level), and per-task sections keyed by task id (`<module>.<function>`), which win over them.', doc.lines, entry.keyLoc!.start!, entry.keyLoc!.end!);
  }
  return null;
}

function entryHit(entry: MapEntry, offset: number): 'key' | 'value' | undefined {
  if (within(offset, entry.keyLoc?.start, entry.keyLoc?.end)) return 'key';
  if (within(offset, entry.value.loc?.start, entry.value.loc?.end)) return 'value';
  return undefined;
}

function fieldEntryHover(ws: Workspace, doc: ConfigDocument, entry: MapEntry, hit: 'key' | 'value', offset: number, scope: 'generic' | 'class' | KnownTask | TaskId | undefined): Hover {
  const field = entry.key as FieldName;
  // An exception name inside retry_for.
  if (hit === 'value' && fieldSpec(field)!.type === 'exceptionList' && entry.value.type === 'list') {
    for (const item of entry.value.items) {
      if (item.type === 'string' && item.value !== '' && within(offset, item.loc?.start, item.loc?.end)) {
        return markdown(exceptionMarkdown(ws.exceptions().lookup(item.value), item.value), doc.lines, item.loc!.start!, item.loc!.end!);
      }
    }
  }
  const parts: string[] = [];
  if (scope === undefined) parts.push('_This file is not one the runtime reads (see `tasklens.configFiles`)._');
  else if (scope === 'generic' || scope === 'class') parts.push(reachMarkdown(ws, field, doc, entry.value));
  else {
    const known = ws.knownTask(scope);
    parts.push(taskChainMarkdown(ws, known, field, { file: doc.path, node: entry.value }));
  }
  const start = hit === 'key' ? entry.keyLoc!.start! : entry.value.loc!.start!;
  const end = hit === 'key' ? entry.keyLoc!.end! : entry.value.loc!.end!;
  return markdown(fieldHover(field, parts), doc.lines, start, end);
}

// --------------------------------------------------------------------- .env

export function envHover(ws: Workspace, path: string, offset: number): Hover | null {
  const doc = ws.envDocument(path);
  if (!doc) return null;
  const entry = doc.entries.find((e) => within(offset, e.keyStart, e.valueEnd));
  if (!entry) return null;
  const lines = new LineIndex(doc.text);
  const key = parseEnvKey(entry.key);
  if (key === undefined) return null;
  if (key.kind === 'filepath') {
    return markdown(`**${entry.key}** — a config file read after \`config_filepath\`${key.key.includes('CONFIGTASK') ? ' and after `PYNENC__FILEPATH`' : ''}; its values beat the earlier files.`, lines, entry.keyStart, entry.valueEnd);
  }
  if (key.kind !== 'field') return null;
  const parts: string[] = [];
  if (key.taskPart !== undefined) {
    const task = ws.taskByEnvPart(key.taskPart);
    if (task) parts.push(taskChainMarkdown(ws, task, key.field));
    else parts.push(`_No task matches \`${key.taskPart}\`._`);
  } else {
    const level = key.level === 'class' ? 'every task (class level; beats `PYNENC__' + key.field.toUpperCase() + '`)' : 'every task (generic; the weakest env var)';
    parts.push(`Sets \`${key.field}\` for ${level}, over every config file.`);
    parts.push(reachSummary(ws, reachOverTasks(ws, key.field, envVarAt(entry.key))));
  }
  return markdown(fieldHover(key.field, parts), lines, entry.keyStart, entry.valueEnd);
}

// --------------------------------------------------------------- TypeScript

export function typescriptHover(ws: Workspace, path: string, text: string, offset: number): Hover | null {
  const facts = ws.taskFacts(path);
  if (!facts) return null;
  const lines = new LineIndex(text);
  for (const definition of facts.tasks) {
    // The name may be outside the call: `export const sendEmail = task(...)`.
    const onName = within(offset, definition.nameRange.start, definition.nameRange.end);
    if (!onName && !within(offset, definition.callRange.start, definition.callRange.end)) continue;
    const known: KnownTask | undefined = definition.func !== undefined ? ws.knownTask({ module: definition.module, func: definition.func }) : undefined;
    if (onName) {
      if (!known) return markdown('The task name of this `task()` call cannot be determined.', lines, definition.nameRange.start, definition.nameRange.end);
      return markdown(taskMarkdown(ws, known, definition), lines, definition.nameRange.start, definition.nameRange.end);
    }
    for (const ref of definition.exceptionRefs) {
      if (within(offset, ref.range.start, ref.range.end)) {
        const cls = ref.qualifiedName ? ws.exceptions().lookup(ref.qualifiedName) : undefined;
        return markdown(exceptionMarkdown(cls, ref.qualifiedName ?? ref.identifier), lines, ref.range.start, ref.range.end);
      }
    }
    for (const entry of definition.options?.entries ?? []) {
      if (!isFieldName(entry.key) || !within(offset, entry.keyLoc?.start, entry.keyLoc?.end)) continue;
      const parts = known ? [taskChainMarkdown(ws, known, entry.key, { node: entry.value })] : [];
      return markdown(fieldHover(entry.key, parts), lines, entry.keyLoc!.start!, entry.keyLoc!.end!);
    }
  }
  for (const cls of facts.classes) {
    if (within(offset, cls.nameRange.start, cls.nameRange.end)) {
      const found = ws.exceptions().lookup(`${cls.module}.${cls.name}`);
      if (found) return markdown(exceptionMarkdown(found, `${cls.module}.${cls.name}`), lines, cls.nameRange.start, cls.nameRange.end);
    }
  }
  return null;
}
