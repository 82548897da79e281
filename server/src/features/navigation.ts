// Navigation (SPEC §7): from a per-task key or env var to its `task()` call and
// from an exception name to its class; from a task to every config entry that
// targets it; document symbols for config files; inlay hints on overridden
// `task()` options.
import { DocumentSymbol, InlayHint, InlayHintKind, Location, Range, SymbolKind } from 'vscode-languageserver-types';
import { ConfigDocument } from '../analysis/configDocument';
import { LineIndex } from '../analysis/lineIndex';
import { TaskDefinition } from '../analysis/typescriptFacts';
import { normalisePath, Workspace } from '../analysis/workspace';
import { ConfigNode, ENV_CLASS_PREFIX, envTaskPart, FieldName, fieldSpec, isFieldName, MapEntry, mapGet, parseTaskId, taskIdToString } from '../resolver';
import { parseEnvKey } from './envKeys';
import { sourceText, valueText } from './explain';
import { classSection, within } from './locations';
import { offsetRange } from './problems';

/** Turns a workspace-relative path into a URI; the server knows the folder. */
export type UriOf = (path: string) => string;


function locationOf(ws: Workspace, uriOf: UriOf, path: string, start: number, end: number): Location | undefined {
  const text = ws.readSource(path);
  if (text === undefined) return undefined;
  return { uri: uriOf(path), range: offsetRange(new LineIndex(text), start, end) };
}

function taskDefinitionLocations(ws: Workspace, uriOf: UriOf, id: string): Location[] {
  return ws.taskDefinitions(id).flatMap((d) => locationOf(ws, uriOf, d.file, d.nameRange.start, d.nameRange.end) ?? []);
}

function exceptionLocation(ws: Workspace, uriOf: UriOf, qualified: string): Location[] {
  const cls = ws.classDeclaration(qualified);
  return cls ? [locationOf(ws, uriOf, cls.file, cls.nameRange.start, cls.nameRange.end)].filter((l): l is Location => l !== undefined) : [];
}

/** The per-task section key or exception name under the cursor in a config YAML file. */
function yamlTarget(doc: ConfigDocument, offset: number): { kind: 'task'; id: string } | { kind: 'exception'; name: string } | undefined {
  const section = classSection(doc);
  const scan = (entries: readonly MapEntry[]): { kind: 'exception'; name: string } | undefined => {
    for (const entry of entries) {
      if (fieldSpec(entry.key)?.type !== 'exceptionList' || entry.value.type !== 'list') continue;
      for (const item of entry.value.items) if (item.type === 'string' && within(offset, item.loc?.start, item.loc?.end)) return { kind: 'exception', name: item.value };
    }
    return undefined;
  };
  const top = scan(doc.settings.entries);
  if (top) return top;
  if (!section || section.value.type !== 'map') return undefined;
  for (const child of section.value.entries) {
    if (within(offset, child.keyLoc?.start, child.keyLoc?.end) && child.value.type === 'map') return { kind: 'task', id: child.key };
    if (child.value.type === 'map' && within(offset, child.value.loc?.start, child.value.loc?.end)) return scan(child.value.entries);
  }
  return scan(section.value.entries);
}

export function yamlDefinition(ws: Workspace, uriOf: UriOf, doc: ConfigDocument, offset: number): Location[] {
  const target = yamlTarget(doc, offset);
  if (!target) return [];
  return target.kind === 'task' ? taskDefinitionLocations(ws, uriOf, target.id) : exceptionLocation(ws, uriOf, target.name);
}

export function envDefinition(ws: Workspace, uriOf: UriOf, path: string, offset: number): Location[] {
  const entry = ws.envDocument(path)?.entries.find((e) => within(offset, e.keyStart, e.keyEnd));
  const key = entry ? parseEnvKey(entry.key) : undefined;
  if (!key || key.kind !== 'field' || key.taskPart === undefined) return [];
  const task = ws.taskByEnvPart(key.taskPart);
  return task ? taskDefinitionLocations(ws, uriOf, task.id) : [];
}

export function typescriptDefinition(ws: Workspace, uriOf: UriOf, path: string, offset: number): Location[] {
  for (const definition of ws.taskFacts(path)?.tasks ?? []) {
    for (const ref of definition.exceptionRefs) {
      if (within(offset, ref.range.start, ref.range.end) && ref.qualifiedName) return exceptionLocation(ws, uriOf, ref.qualifiedName);
    }
  }
  return [];
}

/** One place that names a task: a per-task config key, or the task part of a per-task env var. */
export interface TaskTarget {
  readonly path: string;
  readonly kind: 'configKey' | 'envKey';
  /** Offsets of the key as written (quotes included for a quoted config key). */
  readonly start: number;
  readonly end: number;
  /** Offsets of the task id itself inside the key (no quotes; `<MODULE>#<FUNC>` in an env var). */
  readonly idStart: number;
  readonly idEnd: number;
}

/** The files that may name a task: every config file and every environment's env files. */
export function targetFiles(ws: Workspace, also: readonly string[] = []): string[] {
  const files = new Set([...ws.listFiles(), ...ws.activeConfigFiles().keys(), ...ws.settings.configFiles, ...also]);
  for (const name of ws.environmentNames()) for (const file of ws.envFilePaths(name)) files.add(file);
  return [...files].filter((f) => ws.exists(f));
}

/** Every config entry and env var that targets task `id`. */
export function taskTargets(ws: Workspace, id: string, files: readonly string[]): TaskTarget[] {
  const taskId = parseTaskId(id);
  if (!taskId) return [];
  const targets: TaskTarget[] = [];
  const envTask = envTaskPart(taskId);
  for (const path of files) {
    const kind = ws.fileKind(path);
    if (kind === 'config') {
      const doc = ws.configDocument(path);
      const section = doc ? classSection(doc) : undefined;
      const child = section ? mapGet(section.value, id) : undefined;
      const start = child?.keyLoc?.start;
      if (!doc || !child || child.value.type !== 'map' || start === undefined) continue;
      const end = child.keyLoc?.end ?? start;
      const quoted = /^["']/.test(doc.text.slice(start, start + 1)) ? 1 : 0;
      targets.push({ path, kind: 'configKey', start, end, idStart: start + quoted, idEnd: end - quoted });
    } else if (kind === 'env') {
      const doc = ws.envDocument(path);
      for (const entry of doc?.entries ?? []) {
        const key = parseEnvKey(entry.key);
        if (key?.kind !== 'field' || key.taskPart !== envTask) continue;
        const idStart = entry.keyStart + ENV_CLASS_PREFIX.length;
        targets.push({ path, kind: 'envKey', start: entry.keyStart, end: entry.keyEnd, idStart, idEnd: idStart + envTask.length });
      }
    }
  }
  return targets;
}

export function taskReferences(ws: Workspace, uriOf: UriOf, id: string, files: readonly string[]): Location[] {
  return taskTargets(ws, id, files).flatMap((t) => locationOf(ws, uriOf, t.path, t.start, t.end) ?? []);
}

/** The task under the cursor: a task name in task code, a per-task key in config, a per-task env var. */
export function taskAtCursor(ws: Workspace, path: string, offset: number): string | undefined {
  switch (ws.fileKind(path)) {
    case 'config': {
      const doc = ws.configDocument(path);
      const target = doc ? yamlTarget(doc, offset) : undefined;
      return target?.kind === 'task' ? target.id : undefined;
    }
    case 'env': {
      const entry = ws.envDocument(path)?.entries.find((e) => within(offset, e.keyStart, e.keyEnd));
      const key = entry ? parseEnvKey(entry.key) : undefined;
      if (key?.kind !== 'field' || key.taskPart === undefined) return undefined;
      const part = key.taskPart;
      return ws.taskByEnvPart(part)?.id ?? ws.configuredTaskIds().find((id) => envTaskPart(parseTaskId(id)!) === part);
    }
    default: {
      const definition = ws.taskFacts(path)?.tasks.find((d) => within(offset, d.nameRange.start, d.nameRange.end));
      return definition?.func !== undefined ? taskIdToString({ module: definition.module, func: definition.func }) : undefined;
    }
  }
}

// ---------------------------------------------------------------- symbols

export function configSymbols(doc: ConfigDocument): DocumentSymbol[] {
  return doc.settings.entries.flatMap((entry) => entrySymbol(doc.lines, entry, 0) ?? []);
}

function entrySymbol(lines: LineIndex, entry: MapEntry, depth: number): DocumentSymbol | undefined {
  const keyStart = entry.keyLoc?.start;
  const keyEnd = entry.keyLoc?.end;
  if (keyStart === undefined || keyEnd === undefined) return undefined;
  const end = Math.max(keyEnd, entry.value.loc?.end ?? keyEnd);
  const range: Range = offsetRange(lines, keyStart, end);
  const selectionRange = offsetRange(lines, keyStart, keyEnd);
  const isField = isFieldName(entry.key);
  const kind = isField ? SymbolKind.Property : entry.key === 'task' ? SymbolKind.Namespace : depth === 1 && entry.value.type === 'map' ? SymbolKind.Function : SymbolKind.Key;
  const children = entry.value.type === 'map' && depth < 2 ? entry.value.entries.flatMap((e) => entrySymbol(lines, e, depth + 1) ?? []) : undefined;
  return { name: entry.key, detail: isField ? shortValue(entry.value) : undefined, kind, range, selectionRange, children };
}

function shortValue(node: ConfigNode): string {
  const text = node.type === 'string' ? node.value : node.type === 'map' ? '{…}' : JSON.stringify(node.type === 'list' ? node.items.map((i) => ('value' in i ? i.value : '…')) : 'value' in node ? node.value : '');
  return text.length > 40 ? text.slice(0, 39) + '…' : text;
}

// ------------------------------------------------------------ inlay hints

/** After each `task()` option that is overridden: the value in force and where it comes from. */
export function optionInlayHints(ws: Workspace, path: string, text: string, start: number, end: number): InlayHint[] {
  const lines = new LineIndex(text);
  const hints: InlayHint[] = [];
  for (const definition of ws.taskFacts(path)?.tasks ?? []) {
    if (definition.func === undefined || !definition.options || definition.callRange.end < start || definition.callRange.start > end) continue;
    hints.push(...overriddenOptionHints(ws, definition, lines));
  }
  return hints;
}

function overriddenOptionHints(ws: Workspace, definition: TaskDefinition, lines: LineIndex): InlayHint[] {
  const task = ws.knownTask({ module: definition.module, func: definition.func! });
  const resolution = ws.resolve(task);
  const hints: InlayHint[] = [];
  for (const entry of definition.options!.entries) {
    if (!isFieldName(entry.key) || entry.value.loc?.end === undefined) continue;
    const field = resolution.fields[entry.key as FieldName];
    if (field.source.kind === 'task_options' || field.source.kind === 'default') continue;
    const from = field.source.file !== undefined ? normalisePath(field.source.file) : undefined;
    hints.push({
      position: lines.positionAt(entry.value.loc.end),
      label: ` → ${valueText(field)} (${sourceText(field.source)})`,
      kind: InlayHintKind.Type,
      paddingLeft: true,
      tooltip: `Overridden: the task runs with ${valueText(field)} from ${sourceText(field.source)}${from ? '' : ''}`,
    });
  }
  return hints;
}
