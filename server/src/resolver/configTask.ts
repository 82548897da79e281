// `ConfigTask` in the spirit of pynenc's API, so a TypeScript task runtime can
// use the same resolver the editor shows: fields read as their effective values.
import { nodeFromPlain } from './configNode';
import { FieldValue } from './convert';
import { Environment, mergeEnvironment } from './dotenv';
import { ExceptionClass, exceptionRegistry } from './exceptions';
import { CONCURRENCY_VALUES, ConcurrencyControlType, FieldName, FIELD_NAMES, fieldSpec } from './fields';
import { collectMappings, FieldResolution, FileAccess, resolveTaskConfig, TaskResolution } from './resolve';
import { parseTaskId, TaskId } from './taskId';

/** Raised when reading a field whose configured value the runtime would refuse. */
export class ConfigTaskError extends Error {
  constructor(readonly field: FieldName, message: string) {
    super(message);
    this.name = 'ConfigTaskError';
  }
}

export interface ConfigTaskOptions {
  readonly configValues?: Record<string, unknown> | null;
  readonly configFilepath?: string | null;
  readonly taskOptions?: Record<string, unknown> | null;
  /** The environment; defaults to none (pass `process.env` to read the real one). */
  readonly env?: Record<string, string | undefined> | Environment;
  /** File access relative to the working directory. */
  readonly files?: FileAccess;
  /** Workspace exception classes, besides the built-ins. */
  readonly exceptions?: readonly ExceptionClass[];
}

export class ConfigTask {
  readonly taskId: TaskId;
  readonly taskOptions: Record<string, unknown>;
  readonly resolution: TaskResolution;

  constructor(taskId: TaskId | string, options: ConfigTaskOptions = {}) {
    const id = typeof taskId === 'string' ? parseTaskId(taskId) : taskId;
    if (id === undefined) throw new Error(`'${String(taskId)}' is not a task id (expected <module>.<function>)`);
    this.taskId = id;
    this.taskOptions = { ...(options.taskOptions ?? {}) };
    const env = options.env instanceof Map ? options.env : mergeEnvironment([{
      vars: Object.entries(options.env ?? {}).filter((e): e is [string, string] => e[1] !== undefined),
      origin: { via: 'process' },
    }]);
    const files = options.files ?? { readText: () => undefined };
    const optionsNode = nodeFromPlain(this.taskOptions);
    this.resolution = resolveTaskConfig({
      taskId: id,
      taskOptions: optionsNode.type === 'map' ? optionsNode : undefined,
      mappings: collectMappings({ configValues: options.configValues, configFilepath: options.configFilepath, env, files }),
      env,
      exceptions: exceptionRegistry(options.exceptions ?? []),
    });
  }

  /** The effective value and provenance of one field. */
  field(name: FieldName): FieldResolution {
    return this.resolution.fields[name];
  }

  private value(name: FieldName): FieldValue {
    const resolved = this.resolution.fields[name];
    if (resolved.error !== undefined) throw new ConfigTaskError(name, resolved.error);
    if (resolved.value === undefined) throw new ConfigTaskError(name, `${name} is computed at run time`);
    return resolved.value;
  }

  get parallel_batch_size(): number { return this.value('parallel_batch_size') as number; }
  get retry_for(): readonly string[] { return this.value('retry_for') as string[]; }
  get max_retries(): number { return this.value('max_retries') as number; }
  get running_concurrency(): ConcurrencyControlType { return this.value('running_concurrency') as ConcurrencyControlType; }
  get registration_concurrency(): ConcurrencyControlType { return this.value('registration_concurrency') as ConcurrencyControlType; }
  get key_arguments(): readonly string[] { return this.value('key_arguments') as string[]; }
  get on_diff_non_key_args_raise(): boolean { return this.value('on_diff_non_key_args_raise') as boolean; }
  get call_result_cache(): boolean { return this.value('call_result_cache') as boolean; }
  get disable_cache_args(): readonly string[] { return this.value('disable_cache_args') as string[]; }
  get force_new_workflow(): boolean { return this.value('force_new_workflow') as boolean; }
  get reroute_on_concurrency_control(): boolean { return this.value('reroute_on_concurrency_control') as boolean; }

  /** The task options as JSON: exception classes as qualified names, enums as values. */
  optionsToJson(): string {
    return JSON.stringify(this.taskOptions, (_key, value: unknown) => {
      if (typeof value === 'function') return (value as { qualifiedName?: string }).qualifiedName ?? value.name;
      return value;
    });
  }

  /** Task options read back from `optionsToJson`, unknown keys dropped, enum values checked. */
  static optionsFromJson(json: string): Record<string, unknown> {
    const parsed = JSON.parse(json) as Record<string, unknown>;
    const options: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(parsed ?? {})) {
      const spec = fieldSpec(key);
      if (spec === undefined) continue;
      if (spec.type === 'enum' && !(CONCURRENCY_VALUES as readonly unknown[]).includes(value)) {
        throw new Error(`${key}: ${JSON.stringify(value)} is not a valid ConcurrencyControlType value`);
      }
      options[key] = value;
    }
    return options;
  }

  static readonly fieldNames: readonly FieldName[] = FIELD_NAMES;
}
