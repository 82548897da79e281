// The `tasklens.*` settings (SPEC §8), with their defaults.

export interface TasklensSettings {
  /** Candidate config files, relative to the workspace folder; the first that exists is `config_filepath`. */
  readonly configFiles: readonly string[];
  /** `.env` files, relative to the workspace folder; an earlier file wins. */
  readonly envFiles: readonly string[];
  /** Env vars set by the user for the editor; stronger than any file. */
  readonly env: Readonly<Record<string, string>>;
  /** Whether the editor's own process env counts. */
  readonly useProcessEnv: boolean;
  /** The module root for TypeScript task ids, relative to the workspace folder. */
  readonly moduleRoot: string;
  readonly taskFunctionNames: readonly string[];
  /** Globs of TypeScript files to ignore. */
  readonly exclude: readonly string[];
}

export const DEFAULT_SETTINGS: TasklensSettings = {
  configFiles: ['config.yaml', 'config.yml', 'pynenc.yaml', 'pynenc.yml'],
  envFiles: ['.env'],
  env: {},
  useProcessEnv: false,
  moduleRoot: '',
  taskFunctionNames: ['task'],
  exclude: [],
};

function stringList(value: unknown, fallback: readonly string[]): readonly string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : fallback;
}

/** Settings from an untrusted object (the client's `workspace/configuration` answer). */
export function readSettings(raw: unknown): TasklensSettings {
  const value = (raw ?? {}) as Record<string, unknown>;
  const env: Record<string, string> = {};
  if (value.env && typeof value.env === 'object' && !Array.isArray(value.env)) {
    for (const [k, v] of Object.entries(value.env as Record<string, unknown>)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') env[k] = String(v);
  }
  return {
    configFiles: stringList(value.configFiles, DEFAULT_SETTINGS.configFiles),
    envFiles: stringList(value.envFiles, DEFAULT_SETTINGS.envFiles),
    env,
    useProcessEnv: typeof value.useProcessEnv === 'boolean' ? value.useProcessEnv : DEFAULT_SETTINGS.useProcessEnv,
    moduleRoot: typeof value.moduleRoot === 'string' ? value.moduleRoot : DEFAULT_SETTINGS.moduleRoot,
    taskFunctionNames: stringList(value.taskFunctionNames, DEFAULT_SETTINGS.taskFunctionNames),
    exclude: stringList(value.exclude, DEFAULT_SETTINGS.exclude),
  };
}
