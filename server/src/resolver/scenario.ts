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

/** Why a scenario cannot be run: a one-line message. */
export function scenarioProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'a scenario must be a JSON object';
  const s = value as Record<string, unknown>;
  const id = s.taskId as Record<string, unknown> | undefined;
  if (!id || typeof id !== 'object' || typeof id.module !== 'string' || typeof id.func !== 'string') {
    return 'a scenario needs "taskId": {"module": "...", "func": "..."}';
  }
  if (s.files !== undefined && (s.files === null || typeof s.files !== 'object' || Object.values(s.files).some((t) => typeof t !== 'string'))) {
    return '"files" must map paths to file texts';
  }
  if (s.env !== undefined && (s.env === null || typeof s.env !== 'object' || Object.values(s.env).some((t) => typeof t !== 'string'))) {
    return '"env" must map names to string values';
  }
  return undefined;
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
