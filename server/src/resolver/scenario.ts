// Self-contained resolution scenarios, in the case format of the shared
// vectors: files inline, the env given whole, the exception classes listed.
// `tasklens resolve` and the vector tests both run them, touching no disk.
import { nodeFromPlain } from './configNode';
import { mergeEnvironment } from './dotenv';
import { ExceptionClass, exceptionRegistry } from './exceptions';
import { collectMappings, resolveTaskConfig, TaskResolution } from './resolve';
import { TaskId } from './taskId';

export interface Scenario {
  readonly id?: string;
  readonly description?: string;
  readonly taskId: TaskId;
  readonly configValues?: Record<string, unknown> | null;
  readonly taskOptions?: Record<string, unknown> | null;
  readonly files?: Record<string, string>;
  readonly configFilepath?: string | null;
  readonly env?: Record<string, string>;
  readonly exceptions?: readonly ExceptionClass[];
}

type Check = (value: unknown) => string | undefined;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const kind = (v: unknown) => (v === null ? 'null' : v === undefined ? 'nothing' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`);
const string: Check = (v) => (typeof v === 'string' ? undefined : `must be a string, not ${kind(v)}`);
const orNull = (check: Check): Check => (v) => (v === null ? undefined : check(v));
const object: Check = (v) => (isObject(v) ? undefined : `must be an object, not ${kind(v)}`);
const stringMap: Check = (v) => {
  if (!isObject(v)) return `must be an object of strings, not ${kind(v)}`;
  const bad = Object.entries(v).find(([, text]) => typeof text !== 'string');
  return bad ? `["${bad[0]}"] must be a string, not ${kind(bad[1])}` : undefined;
};
const fields = (shape: Record<string, Check>): Check => (v) => {
  if (!isObject(v)) return `must be an object, not ${kind(v)}`;
  for (const [key, check] of Object.entries(shape)) {
    if (!(key in v)) return `.${key} is missing`;
    const problem = check(v[key]);
    if (problem) return `.${key} ${problem}`;
  }
  const extra = Object.keys(v).find((k) => !(k in shape));
  return extra !== undefined ? `has an unknown key '${extra}'` : undefined;
};
const exceptionList: Check = (v) => {
  if (!Array.isArray(v)) return `must be an array of {module, name, extendsError}, not ${kind(v)}`;
  const check = fields({ module: string, name: string, extendsError: (b) => (typeof b === 'boolean' ? undefined : `must be a boolean, not ${kind(b)}`) });
  for (let i = 0; i < v.length; i++) {
    const problem = check(v[i]);
    if (problem) return `[${i}]${problem}`;
  }
  return undefined;
};

/** Each key of a scenario and what it must hold (the vectors' case format); `undefined` checks are optional keys. */
const SCENARIO_KEYS: Record<string, { readonly check: Check; readonly required?: boolean }> = {
  id: { check: string },
  description: { check: string },
  taskId: { check: fields({ module: string, func: string }), required: true },
  configValues: { check: orNull(object) },
  taskOptions: { check: orNull(object) },
  files: { check: stringMap },
  configFilepath: { check: orNull(string) },
  env: { check: stringMap },
  exceptions: { check: exceptionList },
  // Kept in the vectors' cases; not read.
  expected: { check: () => undefined },
  uncertain: { check: () => undefined },
};

/** Why a scenario cannot be run: one line naming the key; undefined when it can. */
export function scenarioProblem(value: unknown): string | undefined {
  if (!isObject(value)) return `a scenario must be a JSON object, not ${kind(value)}`;
  for (const [key, rule] of Object.entries(SCENARIO_KEYS)) {
    if (!(key in value)) {
      if (rule.required) return `"${key}" is missing`;
      continue;
    }
    const problem = rule.check(value[key]);
    if (problem) return `"${key}"${problem.startsWith('.') || problem.startsWith('[') ? '' : ' '}${problem}`;
  }
  const extra = Object.keys(value).find((k) => !(k in SCENARIO_KEYS));
  return extra !== undefined ? `unknown key "${extra}" (expected ${Object.keys(SCENARIO_KEYS).join(', ')})` : undefined;
}

export function resolveScenario(scenario: Scenario): TaskResolution {
  const files = scenario.files ?? {};
  const env = mergeEnvironment([{ vars: Object.entries(scenario.env ?? {}), origin: { via: 'scenario' } }]);
  const normalise = (path: string) => path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  const byPath = new Map(Object.entries(files).map(([path, text]) => [normalise(path), text]));
  const mappings = collectMappings({
    configValues: scenario.configValues ?? null,
    configFilepath: scenario.configFilepath ?? null,
    env,
    files: { readText: (path) => byPath.get(normalise(path)) },
  });
  const options = scenario.taskOptions ? nodeFromPlain(scenario.taskOptions) : undefined;
  return resolveTaskConfig({
    taskId: scenario.taskId,
    taskOptions: options?.type === 'map' ? options : undefined,
    mappings,
    env,
    exceptions: exceptionRegistry(scenario.exceptions ?? []),
  });
}
