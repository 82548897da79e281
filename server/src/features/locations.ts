// Where things are written, for features that match a cursor or a candidate to
// a place in a file.
import { ConfigDocument } from '../analysis/configDocument';
import { KnownTask, normalisePath, TYPICAL_TASK, Workspace } from '../analysis/workspace';
import { taskGroupChange } from '../analysis/yamlChunks';
import {
  Candidate, CLASS_SECTION_KEY, ConfigNode, envKeyForTask, envSharedKeysFor, Environment, FieldName, fieldCandidates, fieldSpec, fieldWithRole, FIELD_NAMES, hasPerTaskKeys, isFieldName, TaskId, MapEntry,
  mapGet, MapNode, MappingSource, SourceRef,
} from '../resolver';

/** Whether `offset` falls inside [start, end] (an unknown bound never matches). */
export function within(offset: number, start: number | undefined, end: number | undefined): boolean {
  return start !== undefined && end !== undefined && offset >= start && offset <= end;
}

/**
 * The entries of `map` that may hold `offset`: the one whose key starts last at
 * or before it (entries are in document order), else — when that one does not
 * hold it, or the order is not that of the text — every entry.
 */
export function entriesNear(map: MapNode, offset: number): readonly MapEntry[] {
  const entries = map.entries;
  let low = 0;
  let high = entries.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const start = entries[mid].keyLoc?.start;
    if (start === undefined) return entries;
    if (start <= offset) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  const candidate = found >= 0 ? entries[found] : undefined;
  const end = candidate?.value.loc?.end ?? candidate?.keyLoc?.end;
  return candidate && end !== undefined && offset <= end ? [candidate] : entries;
}

/** Whether a resolution candidate is the value written at `node` (in `file`, when given). */
export function isCandidateAt(source: SourceRef, file: string | undefined, node: ConfigNode | undefined): boolean {
  return node?.loc?.start !== undefined && source.start === node.loc.start && (file === undefined || (source.file !== undefined && normalisePath(source.file) === file));
}

/** The `task:` section of a config file's settings, when it is a mapping. */
export function classSection(doc: ConfigDocument): (MapEntry & { readonly value: MapNode }) | undefined {
  const entry = mapGet(doc.settings, CLASS_SECTION_KEY);
  return entry && entry.value.type === 'map' ? (entry as MapEntry & { readonly value: MapNode }) : undefined;
}

/** Which candidate a check is about: a value written somewhere, or an env var. */
export type CandidateMatch = (source: SourceRef) => boolean;

/** The value written at `node` (in `file`, when given). */
export function writtenAt(file: string | undefined, node: ConfigNode): CandidateMatch {
  return (source) => isCandidateAt(source, file, node);
}

/** The env var `key` as set by the env file `file` (any source when undefined). */
export function envVarAt(key: string, file?: string): CandidateMatch {
  return (source) => source.kind === 'env' && source.key === key && (file === undefined || source.file === file);
}

/** What a value does for one task: nothing (it does not apply), takes effect, or is beaten by `winner`. */
export type Reach =
  | { readonly applies: false }
  | { readonly applies: true; readonly winner: Candidate | undefined };

/** Does the value `match` names reach `task` for `field`, and what overrides it (SPEC §4)? */
export function fieldReach(ws: Workspace, task: KnownTask | TaskId, field: FieldName, match: CandidateMatch): Reach {
  const candidates = fieldCandidates(ws.resolutionInput(task), field);
  const index = candidates.findIndex((c) => match(c.source));
  if (index < 0) return { applies: false };
  return { applies: true, winner: index === candidates.length - 1 ? undefined : candidates[candidates.length - 1] };
}

/**
 * `fieldReach` for a `task()` option of `task`. Tasks with no per-task source for
 * `field` (no `task:` section of theirs sets it, no per-task env var) have the
 * same candidates but for their own option, so what beats such an option is
 * worked out once per field (for the first of them) and kept while the task code,
 * the mappings and the env are the same; a task with its own source is resolved
 * in full. (TL014 on every option of 40,000 tasks made every candidate of every
 * source for each.)
 */
export function optionReach(ws: Workspace, task: KnownTask, field: FieldName, match: CandidateMatch): Reach {
  const tasks = ws.tasks();
  const mappings = ws.mappings();
  const env = ws.environment();
  const known = tasks.get(task.id);
  if (known === undefined || hasOwnSource(known, field, tasks, mappings, env)) return fieldReach(ws, task, field, match);
  let memo = optionReaches.get(tasks);
  if (memo === undefined || memo.mappings !== mappings || memo.env !== env) {
    memo = { mappings, env, byField: new Map() };
    optionReaches.set(tasks, memo);
  }
  const key = `${field}\u0000${task.definition?.language ?? ''}`;
  const kept = memo.byField.get(key);
  if (kept !== undefined) return kept;
  const reach = fieldReach(ws, task, field, match);
  // Only an option found among the candidates says what beats every such option.
  if (reach.applies) memo.byField.set(key, reach);
  return reach;
}

const optionReaches = new WeakMap<ReadonlyMap<string, KnownTask>, { readonly mappings: readonly MappingSource[]; readonly env: Environment; readonly byField: Map<string, Reach> }>();

/** Whether a `task:` section or a per-task env var sets `field` for `task` (the sources that differ between tasks). */
function hasOwnSource(task: KnownTask, field: FieldName, tasks: ReadonlyMap<string, KnownTask>, mappings: readonly MappingSource[], env: Environment): boolean {
  for (const m of mappings) {
    const group = taskGroupOf(m);
    if (group && tasksSetting(group, tasks, field).has(task)) return true;
  }
  return hasPerTaskKeys(env) && env.has(envKeyForTask(task.taskId, field));
}

/**
 * Whether anything can beat a per-task value of `field` written in `file`
 * (SPEC §4: candidates run weakest first through the mappings in order, each
 * generic, class, task level, `task()` options below every file's per-task
 * level, then the env): a later mapping that sets the field at any level, or an
 * env var for it. When nothing can, `fieldReach` (every source, asked for each
 * field of each section) would find no winner.
 */
export function mayBeBeatenAtTaskLevel(ws: Workspace, file: string, field: FieldName): boolean {
  const mappings = ws.mappings();
  // The first mapping of the file: a file named twice (as the config and by a FILEPATH variable) is beaten by its second reading.
  const at = mappings.findIndex((m) => m.file === file);
  if (at < 0) return true;
  for (const later of mappings.slice(at + 1)) {
    if (!later.loaded.ok) continue;
    if (mapGet(later.loaded.root, field)) return true;
    const group = taskGroupOf(later);
    if (group && (mapGet(group, field) || sectionsSetting(group, field) > 0)) return true;
  }
  const env = ws.environment();
  const [classKey, genericKey] = envSharedKeysFor(field);
  return env.has(genericKey) || env.has(classKey) || hasPerTaskKeys(env);
}

/**
 * For a generic or class-level value: the defined tasks it reaches, and those
 * where something beats it. Only per-task sources differ between tasks, so the
 * value is judged once for a typical task, then each task is checked for a
 * per-task value that is stronger (a task section in this or a later mapping,
 * a per-task env var); only those tasks are resolved in full.
 */
export function reachOverTasks(ws: Workspace, field: FieldName, match: CandidateMatch): TaskReach {
  const reached: KnownTask[] = [];
  const overridden: Override[] = [];
  const typical = fieldReach(ws, TYPICAL_TASK, field, match);
  const at = typical.applies ? fieldCandidates(ws.resolutionInput(TYPICAL_TASK), field).find((c) => match(c.source)) : undefined;
  const mappings = ws.mappings();
  const from = at ? mappings.findIndex((m) => m.kind === at.source.kind && m.file === at.source.file) : -1;
  const exact = (task: KnownTask) => {
    const reach = fieldReach(ws, task, field, match);
    if (!reach.applies) return;
    if (reach.winner === undefined) reached.push(task);
    else overridden.push(new Override(task, reach.winner, undefined));
  };
  if (!typical.applies) return { reached, overridden };
  if (at === undefined || (at.source.kind !== 'env' && from < 0) || at.source.kind === 'config_values') {
    for (const task of ws.tasks().values()) exact(task);
    return { reached, overridden };
  }
  const later = new LaterOverrides({ ws, field, match, at });
  // Beaten for a typical task by a source every task shares: beaten for every task.
  if (typical.winner !== undefined) {
    for (const task of ws.tasks().values()) later.tasks.push(task);
    return { reached, overridden: later };
  }
  const env = ws.environment();
  const tasks = ws.tasks();
  const laterSetters: TasksSetting[] = [];
  for (const m of at.source.kind === 'env' ? [] : mappings.slice(from)) {
    const group = taskGroupOf(m);
    if (group) laterSetters.push(tasksSetting(group, tasks, field));
  }
  const perTaskEnv = hasPerTaskKeys(env);
  for (const task of tasks.values()) {
    const perTask = laterSetters.some((set) => set.has(task)) || (perTaskEnv && env.has(envKeyForTask(task.taskId, field)));
    // A stronger per-task value beats it; what exactly beats it is worked out only when asked (a hover's first few).
    if (perTask) later.tasks.push(task);
    else reached.push(task);
  }
  return { reached, overridden: later };
}

/** A loaded mapping's `task:` mapping (class-level values and per-task sections), when it has one. */
function taskGroupOf(m: MappingSource): MapNode | undefined {
  const section = m.loaded.ok ? mapGet(m.loaded.root, CLASS_SECTION_KEY) : undefined;
  return section?.value.type === 'map' ? section.value : undefined;
}

/** Per `task:` mapping: how many of its per-task sections set each field. */
const settersByField = new WeakMap<MapNode, ReadonlyMap<string, number>>();

/** How many per-task sections of a `task:` mapping set `field`: one pass per mapping for every field. */
function sectionsSetting(classLevel: MapNode, field: FieldName): number {
  let byField = settersByField.get(classLevel);
  if (byField === undefined) {
    const found = new Map<string, number>();
    for (const entry of classLevel.entries) {
      if (entry.value.type !== 'map') continue;
      for (const own of entry.value.entries) if (isFieldName(own.key)) found.set(own.key, (found.get(own.key) ?? 0) + 1);
    }
    byField = found;
    settersByField.set(classLevel, byField);
  }
  return byField.get(field) ?? 0;
}

/**
 * Per `task:` mapping, for one version of the defined tasks: for each task a
 * section of it names, the fields the section sets, one bit each (a Set of
 * tasks per field cost half a million insertions at 42,000 sections).
 */
const definedSetters = new WeakMap<MapNode, { readonly tasks: ReadonlyMap<string, KnownTask>; readonly fieldsOf: ReadonlyMap<KnownTask, number> }>();
const FIELD_BITS = new Map<string, number>(FIELD_NAMES.map((f, i) => [f, 1 << i]));

/** The tasks a `task:` mapping's sections set `field` for. */
class TasksSetting {
  constructor(
    private readonly fieldsOf: ReadonlyMap<KnownTask, number>,
    private readonly bit: number,
  ) {}

  has(task: KnownTask): boolean {
    return ((this.fieldsOf.get(task) ?? 0) & this.bit) !== 0;
  }
}

/**
 * The defined tasks a `task:` mapping's per-task sections set `field` for: each
 * section's task looked up once for every field (a large file's class-level
 * values each ask), not once per field.
 */
function tasksSetting(classLevel: MapNode, tasks: ReadonlyMap<string, KnownTask>, field: FieldName): TasksSetting {
  let kept = definedSetters.get(classLevel);
  if (kept === undefined || kept.tasks !== tasks) {
    const fieldsOf = new Map<KnownTask, number>();
    for (const entry of classLevel.entries) {
      if (entry.value.type !== 'map') continue;
      const task = tasks.get(entry.key);
      if (task === undefined) continue;
      let bits = fieldsOf.get(task) ?? 0;
      for (const own of entry.value.entries) bits |= FIELD_BITS.get(own.key) ?? 0;
      fieldsOf.set(task, bits);
    }
    kept = { tasks, fieldsOf };
    definedSetters.set(classLevel, kept);
  }
  return new TasksSetting(kept.fieldsOf, FIELD_BITS.get(field)!);
}

/** What `reachOverTasks` finds: the tasks a value reaches, and those where something beats it. */
export interface TaskReach {
  readonly reached: KnownTask[];
  readonly overridden: OverrideList;
}

/** Tasks where something beats a value, in task order: a hover reads the count and the first few. */
export interface OverrideList {
  readonly length: number;
  slice(start?: number, end?: number): Override[];
}

/** What a lazily judged override needs: one per `reachOverTasks` call, shared by its tasks. */
interface LaterWinner {
  readonly ws: Workspace;
  readonly field: FieldName;
  readonly match: CandidateMatch;
  readonly at: Candidate;
}

/**
 * A task where something beats the value. What beats it is worked out each time
 * it is read when `later` is set (a kept result must not keep a winner's old
 * line); a class, not an object with a getter, so that each stays three fields.
 */
export class Override {
  constructor(
    readonly task: KnownTask,
    private readonly winner: Candidate | undefined,
    private readonly later: LaterWinner | undefined,
  ) {}

  get by(): Candidate {
    const later = this.later;
    if (later === undefined) return this.winner as Candidate;
    return (fieldReach(later.ws, this.task, later.field, later.match) as { winner?: Candidate }).winner ?? later.at;
  }
}

/**
 * Tasks where a stronger per-task value beats the value, what beats each worked
 * out when it is read: a kept reach result holds the tasks alone (one slot each,
 * where an `Override` apiece was 260,000 objects, 12 MB, at 50,000 sections).
 */
class LaterOverrides implements OverrideList {
  readonly tasks: KnownTask[] = [];

  constructor(private readonly later: LaterWinner) {}

  get length(): number {
    return this.tasks.length;
  }

  slice(start?: number, end?: number): Override[] {
    return this.tasks.slice(start, end).map((task) => new Override(task, undefined, this.later));
  }
}

// ------------------------------------------------ what a file's checks depend on

const objectIds = new WeakMap<object, number>();
let nextObjectId = 0;

/** A number for an object, stable while the object lives (kept YAML sections keep their objects). */
export function objectId(value: object): number {
  let id = objectIds.get(value);
  if (id === undefined) {
    id = ++nextObjectId;
    objectIds.set(value, id);
  }
  return id;
}

/**
 * What a value of config file `doc` is checked against besides itself: every
 * file but this one, the settings and task code (`contextKeyExcept`), whether the
 * file is one the runtime reads and whether it loads (a file that fails to load
 * reaches no task, though its sections, read on their own, may be the same
 * objects as before), and this file's generic and class-level entries.
 */
export function fileContextKey(ws: Workspace, doc: ConfigDocument, active: boolean): string {
  const shared = doc.settings.entries.map((e) => (e.key === CLASS_SECTION_KEY && e.value.type === 'map' ? taskSectionParts(e.value).classLevel : String(objectId(e))));
  // A file read as two mappings (named by a FILEPATH variable too) shadows itself, and TL014 names its own lines: nothing is reused.
  const readTwice = ws.mappings().filter((m) => m.file === doc.path).length > 1;
  return `${ws.contextKeyExcept(doc.path)}#${active ? 1 : 0}${doc.loaded.ok ? '' : '!'}#${shared.join(';')}${readTwice ? `#${objectId(doc)}` : ''}`;
}

/**
 * What one per-task section says that the checks of its file's generic and
 * class-level values depend on: the task it names and the keys it sets (so which
 * tasks a generic value reaches), and the concurrency settings it writes (TL010,
 * TL011, TL015 judge those for every task reached).
 */
interface SectionShape {
  readonly task: string;
  readonly keys: string;
  readonly concurrency: string;
}

const CONCURRENCY_FIELDS: readonly FieldName[] = [fieldWithRole('runningConcurrency').name, fieldWithRole('registrationConcurrency').name, fieldWithRole('concurrencyKey').name];
const SHAPE_TEXT_LIMIT = 2000;
const sectionShapes = new WeakMap<MapEntry, SectionShape>();
const fileShapes = new WeakMap<MapNode, TaskSectionParts>();

/** A value's text for comparing two versions: equal texts are equal values; a long or nested one compares by identity. */
function valueShape(node: ConfigNode): string {
  switch (node.type) {
    case 'list': {
      if (node.items.some((i) => i.type === 'list' || i.type === 'map')) return `#${objectId(node)}`;
      const text = `[${node.items.map(valueShape).join('\u0001')}]`;
      return text.length > SHAPE_TEXT_LIMIT ? `#${objectId(node)}` : text;
    }
    case 'map': {
      const text = `{${node.entries.map((e) => (e.value.type === 'list' || e.value.type === 'map' ? `${e.key}=#${objectId(e.value)}` : `${e.key}=${valueShape(e.value)}`)).join('\u0001')}}`;
      return text.length > SHAPE_TEXT_LIMIT ? `#${objectId(node)}` : text;
    }
    case 'null':
      return 'null';
    case 'computed':
      return `computed:${node.text.length > SHAPE_TEXT_LIMIT ? `#${objectId(node)}` : node.text}`;
    default:
      return node.type === 'string' && node.value.length > SHAPE_TEXT_LIMIT ? `#${objectId(node)}` : `${node.type}:${String(node.value)}`;
  }
}

function sectionShape(entry: MapEntry & { readonly value: MapNode }): SectionShape {
  let shape = sectionShapes.get(entry);
  if (shape === undefined) {
    const concurrency = CONCURRENCY_FIELDS.map((f) => {
      const own = mapGet(entry.value, f);
      return own ? valueShape(own.value) : '';
    });
    shape = { task: entry.key, keys: entry.value.entries.map((e) => e.key).join('\u0001'), concurrency: concurrency.join('\u0002') };
    sectionShapes.set(entry, shape);
  }
  return shape;
}

/**
 * A `task:` mapping in two parts, read in one pass per version: its class-level
 * entries (every child but the per-task sections, a class-level field written as
 * a mapping such as `key_arguments: {to: 1}` included) by identity, and the
 * shapes of its per-task sections, in order.
 */
function taskSectionParts(section: MapNode): TaskSectionParts {
  let parts = fileShapes.get(section);
  if (parts === undefined) {
    parts = partsAfterEdit(section) ?? readParts(section);
    fileShapes.set(section, parts);
  }
  return parts;
}

interface TaskSectionParts {
  readonly classLevel: string;
  /** One per entry; undefined for a class-level one. */
  readonly shapes: readonly (SectionShape | undefined)[];
}

function readParts(section: MapNode): TaskSectionParts {
  const classLevel: number[] = [];
  const shapes = new Array<SectionShape | undefined>(section.entries.length);
  section.entries.forEach((e, i) => {
    if (isPerTaskEntry(e)) shapes[i] = sectionShape(e);
    else classLevel.push(objectId(e));
  });
  return { classLevel: classLevel.join(','), shapes };
}

function isPerTaskEntry(e: MapEntry): e is MapEntry & { readonly value: MapNode } {
  return e.value.type === 'map' && !isFieldName(e.key);
}

/** What shapes two versions of a `task:` mapping differ in, when one was made from the other by an edit of some sections. */
const shapeChanges = new WeakMap<readonly (SectionShape | undefined)[], { readonly from: readonly (SectionShape | undefined)[]; readonly changed: readonly number[] }>();

/**
 * The parts of a `task:` mapping made from the previous version by an edit of some
 * per-task sections (`taskGroupChange`): the previous parts with those sections'
 * shapes read again, without a pass over the others.
 */
function partsAfterEdit(section: MapNode): TaskSectionParts | undefined {
  const change = taskGroupChange(section);
  const before = change && fileShapes.get(change.previous);
  if (!change || !before || before.shapes.length !== section.entries.length) return undefined;
  const shapes = before.shapes.slice();
  for (const at of change.changed) {
    const e = section.entries[at];
    // A class-level entry changed: the parts are read again (the class-level part names entries).
    if (before.shapes[at] === undefined || !isPerTaskEntry(e)) return undefined;
    shapes[at] = sectionShape(e);
  }
  shapeChanges.set(shapes, { from: before.shapes, changed: change.changed });
  return { classLevel: before.classLevel, shapes };
}

/** The shapes of a file's `task:` entries, in order (undefined for a class-level one). */
function perTaskShapes(doc: ConfigDocument): readonly (SectionShape | undefined)[] {
  const section = classSection(doc);
  return section ? taskSectionParts(section.value).shapes : [];
}

/** Whether two versions' per-task sections are alike for a check of `field` (see `SectionShape`). */
function sameShapes(a: readonly (SectionShape | undefined)[], b: readonly (SectionShape | undefined)[], field: FieldName): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  const concurrency = fieldSpec(field)!.role !== undefined;
  const alike = (x: SectionShape | undefined, y: SectionShape | undefined) =>
    x === y || (x !== undefined && y !== undefined && x.task === y.task && x.keys === y.keys && (!concurrency || x.concurrency === y.concurrency));
  // Made from `a` by an edit of some sections: only those can differ.
  const change = shapeChanges.get(b);
  if (change?.from === a) return change.changed.every((i) => alike(a[i], b[i]));
  for (let i = 0; i < a.length; i++) if (!alike(a[i], b[i])) return false;
  return true;
}

/**
 * A result about a generic or class-level value of `doc`, kept while nothing it
 * depends on changes: the other files, settings and task code, this file's
 * generic and class-level entries, and what its per-task sections set (an edit
 * inside a per-task value leaves it valid). Keyed by the value's node.
 */
let keepResults = true;

/**
 * For a process that checks each file once and sees no edit (`tasklens check`):
 * no result is kept for a next version (per-section problems, a value's reach),
 * so a file's problems can be printed and let go a few hundred sections at a time.
 */
export function keepingNoResults(): void {
  keepResults = false;
}

export function keepsResults(): boolean {
  return keepResults;
}

export class FileLevelCache<T> {
  private readonly kept = new WeakMap<object, { readonly context: string; readonly shapes: readonly (SectionShape | undefined)[]; readonly value: T }>();

  get(ws: Workspace, doc: ConfigDocument, active: boolean, field: FieldName, node: object, compute: () => T, context?: string): T {
    if (!keepResults) return compute();
    context ??= fileContextKey(ws, doc, active);
    const shapes = perTaskShapes(doc);
    const hit = this.kept.get(node);
    if (hit && hit.context === context && sameShapes(hit.shapes, shapes, field)) {
      if (hit.shapes !== shapes) this.kept.set(node, { ...hit, shapes });
      return hit.value;
    }
    const value = compute();
    this.kept.set(node, { context, shapes, value });
    return value;
  }
}

const reachCache = new FileLevelCache<TaskReach>();

/** `reachOverTasks` for a generic or class-level value written in `doc`, reused while it cannot have changed. */
export function valueReach(ws: Workspace, doc: ConfigDocument, field: FieldName, node: ConfigNode, context?: string): TaskReach {
  const active = ws.activeConfigFiles().has(doc.path);
  return reachCache.get(ws, doc, active, field, node, () => reachOverTasks(ws, field, writtenAt(doc.path, node)), context);
}
