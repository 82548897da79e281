// Task ids (SPEC §2): `<module>.<function name>`, split on the last dot, and the
// env var names pynenc derives from them.
import { FieldName } from './fields';

export interface TaskId {
  readonly module: string;
  readonly func: string;
}

export function taskIdToString(id: TaskId): string {
  return id.module === '' ? id.func : `${id.module}.${id.func}`;
}

/** Splits a dotted task id on its last dot; `undefined` when there is none. */
export function parseTaskId(text: string): TaskId | undefined {
  const dot = text.lastIndexOf('.');
  if (dot < 0) return undefined;
  return { module: text.slice(0, dot), func: text.slice(dot + 1) };
}

const TS_EXTENSIONS = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;

/**
 * The module of a TypeScript file: its path relative to the module root,
 * extension dropped, `/` replaced by `.` (`src/tasks/email.ts` → `src.tasks.email`).
 * Both paths use `/`; returns `undefined` for a file outside the module root.
 */
export function moduleForFile(relativeFilePath: string, moduleRoot = ''): string | undefined {
  let rel = relativeFilePath.replace(/\\/g, '/');
  const root = moduleRoot.replace(/\\/g, '/').replace(/^\.\/?/, '').replace(/\/+$/, '');
  if (root !== '') {
    if (!rel.startsWith(root + '/')) return undefined;
    rel = rel.slice(root.length + 1);
  }
  return rel.replace(TS_EXTENSIONS, '').split('/').filter((p) => p !== '').join('.');
}

export const ENV_PREFIX = 'PYNENC__';
export const ENV_CLASS_PREFIX = 'PYNENC__CONFIGTASK__';
export const ENV_FILEPATH = 'PYNENC__FILEPATH';
export const ENV_CLASS_FILEPATH = 'PYNENC__CONFIGTASK__FILEPATH';

/** The task part of a per-task env var name: `<MODULE>#<FUNC>`, upper-cased with full Unicode case mapping. */
export function envTaskPart(id: TaskId): string {
  return `${id.module.toUpperCase()}#${id.func.toUpperCase()}`;
}

/** Per task id object: upper-casing is the costly part, and a workspace asks for each many times. */
const envTaskParts = new WeakMap<TaskId, string>();

/** `PYNENC__CONFIGTASK__<MODULE>#<FUNC>__<FIELD>`. */
export function envKeyForTask(id: TaskId, field: FieldName): string {
  let part = envTaskParts.get(id);
  if (part === undefined) {
    part = envTaskPart(id);
    envTaskParts.set(id, part);
  }
  return `${ENV_CLASS_PREFIX}${part}__${upperField(field)}`;
}

const upperFields = new Map<string, string>();
const sharedKeys = new Map<string, readonly [string, string]>();

function upperField(field: FieldName): string {
  let upper = upperFields.get(field);
  if (upper === undefined) {
    upper = field.toUpperCase();
    upperFields.set(field, upper);
  }
  return upper;
}

/** The class-level and generic env var names for `field` (the same for every task), strongest first. */
export function envSharedKeysFor(field: FieldName): readonly [string, string] {
  let keys = sharedKeys.get(field);
  if (keys === undefined) {
    keys = [`${ENV_CLASS_PREFIX}${upperField(field)}`, `${ENV_PREFIX}${upperField(field)}`];
    sharedKeys.set(field, keys);
  }
  return keys;
}

/** Does any of these env var names name a task (`PYNENC__CONFIGTASK__<MODULE>#<FUNC>__…`)? */
export function namesAnyTask(keys: Iterable<string>): boolean {
  for (const key of keys) if (key.startsWith(ENV_CLASS_PREFIX) && key.includes('#')) return true;
  return false;
}
