// Generated workspaces for the differential test (and anyone who wants one):
// a config.yaml of per-task sections in varied styles (block and flow mappings
// and lists, comments, quoted keys, key_arguments as lists and mappings, a stray
// tab, CRLF), a `.env`, TypeScript `task()` files and Python `@app.task` files,
// all from a seeded generator, so the same seed gives the same files.

// ------------------------------------------------------------------ random

/** A small seeded generator (mulberry32). */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed | 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  between(min: number, max: number): number {
    return min + this.below(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }

  /** One of `choices`, each with its weight. */
  weighted<T>(choices: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of choices) total += w;
    let r = this.next() * total;
    for (const [w, v] of choices) {
      r -= w;
      if (r < 0) return v;
    }
    return choices[choices.length - 1][1];
  }
}

// -------------------------------------------------------------- workspaces

export interface TaskInfo {
  readonly id: string;
  readonly params: readonly string[];
}

export interface GeneratedWorkspace {
  readonly files: Map<string, string>;
  readonly tasks: readonly TaskInfo[];
}

export const PARAMS = ['to', 'subject', 'orderId', 'customerId', 'amount', 'requestId', 'user_id', 'dry_run'];

function someParams(r: Random): string[] {
  const out = new Set<string>();
  const n = r.between(0, 3);
  for (let i = 0; i < n; i++) out.add(r.pick(PARAMS));
  return [...out];
}

function tsOptions(r: Random, params: readonly string[]): string {
  const parts: string[] = [];
  if (r.chance(0.6)) parts.push(`max_retries: ${r.pick(['2', '3', '-1', "'4'", '2.5', 'retries'])}`);
  if (r.chance(0.4)) parts.push(`retry_for: [${r.pick(['NetworkError', 'TypeError', 'NetworkError, RateLimited', 'NotAnError', 'Missing'])}]`);
  if (r.chance(0.4)) parts.push(`running_concurrency: ${r.pick(['ConcurrencyControlType.KEYS', "'keys'", "'KEYS'", "'task'"])}`);
  if (r.chance(0.4)) parts.push(`key_arguments: [${(params.length > 0 && r.chance(0.7) ? [r.pick(params)] : ['nope']).map((p) => `'${p}'`).join(', ')}]`);
  if (r.chance(0.2)) parts.push(`call_result_cache: ${r.pick(['true', "'false'"])}`);
  if (r.chance(0.1)) parts.push('maxRetries: 1');
  if (r.chance(0.1)) parts.push('reroute_on_concurrency_control: true');
  return `{ ${parts.join(', ')} }`;
}

function typescriptFile(r: Random, module: string, tasks: TaskInfo[]): string {
  const lines = ["import { task, ConcurrencyControlType } from '../../lib/tasks';", "import { NetworkError, RateLimited, NotAnError } from '../errors';", ''];
  const n = r.between(1, 4);
  for (let i = 0; i < n; i++) {
    const name = `${r.pick(['send', 'charge', 'sync', 'build'])}${r.pick(['Email', 'Card', 'Report', 'Order'])}${i}`;
    const params = someParams(r);
    const signature = params.map((p) => `${p}: string`).join(', ');
    const style = r.below(3);
    if (style === 0) lines.push(`export const ${name} = task(async (${signature}) => {`, '  return 1;', `}, ${tsOptions(r, params)});`);
    else if (style === 1) lines.push(`export const ${name} = task(${tsOptions(r, params)})(async function ${name}(${signature}) {`, '  return 2;', '});');
    else lines.push(`async function ${name}Impl(${signature}) {`, '  return 3;', '}', `export const ${name} = task(${name}Impl, ${tsOptions(r, params)});`);
    lines.push('');
    tasks.push({ id: `${module}.${name}`, params });
  }
  return lines.join('\n');
}

function pythonOptions(r: Random, params: readonly string[]): string {
  const parts: string[] = [];
  if (r.chance(0.6)) parts.push(`max_retries=${r.pick(['2', '3', '-1', '"4"', '2.5', 'None'])}`);
  if (r.chance(0.4)) parts.push(`retry_for=${r.pick(['(PaymentError,)', '(Timeout, ValueError)', 'PaymentError', '(NotAnException,)', '(KeyboardInterrupt,)'])}`);
  if (r.chance(0.4)) parts.push(`running_concurrency=${r.pick(['ConcurrencyControlType.KEYS', 'CCT.TASK', '"keys"', '"KEYS"'])}`);
  if (r.chance(0.4)) parts.push(`key_arguments=${params.length > 0 && r.chance(0.7) ? r.pick([`("${r.pick(params)}",)`, `("${r.pick(params)}")`, `["${r.pick(params)}"]`]) : '("nope",)'}`);
  if (r.chance(0.2)) parts.push(`call_result_cache=${r.pick(['True', '"false"'])}`);
  if (r.chance(0.1)) parts.push('bind=True');
  if (r.chance(0.1)) parts.push('**opts');
  return parts.join(', ');
}

function pythonFile(r: Random, module: string, tasks: TaskInfo[]): string {
  const lines = [
    'from pynenc import Pynenc, ConcurrencyControlType',
    'from pynenc import ConcurrencyControlType as CCT',
    'from shop.errors import PaymentError, Timeout, NotAnException',
    '',
    'app = Pynenc()',
    'opts = {}',
    '',
  ];
  const n = r.between(1, 4);
  for (let i = 0; i < n; i++) {
    const name = `${r.pick(['place', 'refund', 'ship', 'notify'])}_${r.pick(['order', 'user', 'batch'])}_${i}`;
    const params = someParams(r);
    const style = r.below(4);
    if (style === 0) lines.push('@app.task', `def ${name}(${params.join(', ')}):`, '    return 1');
    else if (style === 1) lines.push(`@app.task(${pythonOptions(r, params)})`, `def ${name}(${params.join(', ')}):`, '    return 2');
    else if (style === 2) lines.push(`@app.direct_task(${pythonOptions(r, params)})`, `def ${name}(${params.join(', ')}):`, '    """Docs."""', '    return 3');
    else lines.push(`def ${name}(${params.join(', ')}):`, '    return 4', `${name}_task = app.task(${name}${r.chance(0.5) ? `, ${pythonOptions(r, params) || 'max_retries=1'}` : ''})`);
    lines.push('', '');
    tasks.push({ id: `${module}.${name}`, params });
  }
  return lines.join('\n');
}

const ENUMS = ['keys', 'task', 'disabled', 'arguments', 'KEYS', 'Keys', 'key', '"keys"'];

export function yamlValue(r: Random, field: string, task: TaskInfo | undefined, exceptions: readonly string[]): string {
  const params = task?.params ?? [];
  switch (field) {
    case 'max_retries':
    case 'parallel_batch_size':
      return r.pick(['0', '3', '7', '-1', '2.5', '"4"', 'many', '[1]', '1_000', '~']);
    case 'running_concurrency':
    case 'registration_concurrency':
      return r.pick(ENUMS);
    case 'key_arguments':
    case 'disable_cache_args': {
      const names = params.length > 0 ? [r.pick(params), r.pick(PARAMS)] : [r.pick(PARAMS)];
      return r.weighted([
        [3, `[${names.join(', ')}]`],
        [1, '[]'],
        [1, '{}'],
        [1, `{${names[0]}: 1}`],
        [1, names[0]],
        [1, '["*"]'],
      ]);
    }
    case 'retry_for':
      return r.weighted([
        [3, `[${r.pick(exceptions)}]`],
        [1, `[${r.pick(exceptions)}, ${r.pick(exceptions)}]`],
        [1, 'ValueError'],
        [1, '[]'],
        [1, '""'],
      ]);
    default:
      return r.pick(['true', 'false', '"false"', 'no', '1', 'yes', '"true"']);
  }
}

export const FIELDS = ['parallel_batch_size', 'retry_for', 'max_retries', 'running_concurrency', 'registration_concurrency', 'key_arguments', 'on_diff_non_key_args_raise', 'call_result_cache', 'disable_cache_args', 'force_new_workflow', 'reroute_on_concurrency_control'];

/** A field line and, for a block list, its items below it. */
function yamlField(r: Random, indent: string, field: string, task: TaskInfo | undefined, exceptions: readonly string[]): string[] {
  const value = yamlValue(r, field, task, exceptions);
  const list = /^\[(.+)\]$/.exec(value);
  if (list && r.chance(0.3)) {
    const itemIndent = r.chance(0.3) ? indent : `${indent}  `;
    return [`${indent}${field}:`, ...list[1].split(', ').map((item) => `${itemIndent}- ${item}`)];
  }
  const comment = r.chance(0.1) ? ' # note' : '';
  return [`${indent}${field}: ${value}${comment}`];
}

function configYaml(r: Random, tasks: readonly TaskInfo[], exceptions: readonly string[], sections: number): string {
  const lines: string[] = [];
  if (r.chance(0.3)) lines.push('# Task configuration');
  /** Distinct fields: a repeated key makes the file fail to load (the edits make some). */
  const fieldsOf = (n: number) => {
    const out = new Set<string>();
    for (let i = 0; i < n; i++) out.add(r.pick(FIELDS));
    return [...out];
  };
  const generic = fieldsOf(r.between(0, 3));
  for (const field of generic) lines.push(...yamlField(r, '', field, undefined, exceptions));
  if (r.chance(0.15)) lines.push(r.pick(['app_id: shop', 'brokr: redis', 'logging_level: info']));
  if (r.chance(0.3)) lines.push(r.pick(['', '# the tasks']));
  lines.push(r.chance(0.1) ? 'task: # per task' : 'task:');
  const indent = r.chance(0.85) ? '  ' : r.pick(['    ', ' ']);
  const inner = indent + indent;
  for (const field of fieldsOf(r.between(0, 3))) lines.push(...yamlField(r, indent, field, undefined, exceptions));
  const used = new Set<string>();
  for (let s = 0; s < sections; s++) {
    const known = tasks.length > 0 && r.chance(0.7);
    const task = known ? r.pick(tasks) : undefined;
    let id = task ? task.id : `src.tasks.${r.pick(['gone', 'old'])}${s}.${r.pick(['f', 'sendEmail', 'place_order_0'])}`;
    if (used.has(id)) id = `${id}${s}`;
    used.add(id);
    const key = r.chance(0.15) ? `"${id}"` : r.chance(0.05) ? `'${id}'` : id;
    if (r.chance(0.15)) lines.push(r.pick(['', `${indent}# ${id}`, `${indent}`]));
    const fields = new Set<string>();
    const n = r.between(1, 4);
    for (let i = 0; i < n; i++) fields.add(r.pick(FIELDS));
    if (r.chance(0.25)) {
      lines.push(`${indent}${key}: {${[...fields].map((f) => `${f}: ${yamlValue(r, f, task, exceptions)}`).join(', ')}}`);
    } else {
      lines.push(`${indent}${key}:${r.chance(0.05) ? ' # section' : ''}`);
      for (const f of fields) lines.push(...yamlField(r, inner, f, task, exceptions));
    }
  }
  const after = FIELDS.filter((f) => !generic.includes(f));
  if (r.chance(0.2)) lines.push(...yamlField(r, '', r.pick(after), undefined, exceptions));
  if (r.chance(0.05)) lines.splice(r.between(1, lines.length), 0, `\t${r.pick(FIELDS)}: 1`);
  if (r.chance(0.05)) lines.push('<<: {max_retries: 1}');
  const text = lines.join('\n') + (r.chance(0.9) ? '\n' : '');
  return r.chance(0.12) ? text.replace(/\n/g, '\r\n') : text;
}

function envVarPart(id: string): string {
  const at = id.lastIndexOf('.');
  return `${id.slice(0, at).toUpperCase()}#${id.slice(at + 1).toUpperCase()}`;
}

function dotEnv(r: Random, tasks: readonly TaskInfo[]): string {
  const lines: string[] = [];
  if (r.chance(0.5)) lines.push('# Env vars beat every config file.');
  const n = r.between(1, 6);
  for (let i = 0; i < n; i++) {
    const field = r.pick(FIELDS).toUpperCase();
    const scope = r.weighted([
      [2, 'PYNENC__CONFIGTASK__'],
      [1, 'PYNENC__'],
      [2, tasks.length > 0 ? `PYNENC__CONFIGTASK__${envVarPart(r.pick(tasks).id)}__` : 'PYNENC__CONFIGTASK__'],
      [1, 'PYNENC__CONFIGTASK__SRC.TASKS.GONE#F__'],
    ]);
    const value = r.pick(['3', 'true', '"false"', "'keys'", 'KEYS', 'to,subject', '', 'x # comment', '"a\\nb"']);
    lines.push(`${r.chance(0.15) ? 'export ' : ''}${scope}${field}${r.chance(0.1) ? 'X' : ''}=${value}`);
  }
  if (r.chance(0.2)) lines.push('OTHER=1');
  // The config file read a second time, as a later mapping: it then shadows itself.
  if (r.chance(0.08)) lines.push(`${r.pick(['PYNENC__FILEPATH', 'PYNENC__CONFIGTASK__FILEPATH'])}=config.yaml`);
  return lines.join('\n') + '\n';
}

/** `lib/tasks.ts`: a stand-in for the task runtime's API that the generated task files import. */
export const TASK_LIBRARY = [
  'export const ConcurrencyControlType = { DISABLED: "disabled", TASK: "task", ARGUMENTS: "arguments", KEYS: "keys" } as const;',
  'export function task(...args: unknown[]): any {',
  '  return args;',
  '}',
  '',
].join('\n');

export function generateWorkspace(r: Random, sections: number): GeneratedWorkspace {
  const files = new Map<string, string>();
  const tasks: TaskInfo[] = [];
  files.set('lib/tasks.ts', TASK_LIBRARY);
  files.set('src/errors.ts', 'export class NetworkError extends Error {}\nexport class RateLimited extends NetworkError {}\nexport class NotAnError {}\n');
  const tsFiles = r.between(0, 2);
  for (let i = 0; i < tsFiles; i++) files.set(`src/tasks/jobs${i}.ts`, typescriptFile(r, `src.tasks.jobs${i}`, tasks));
  const pyFiles = r.between(tsFiles === 0 ? 1 : 0, 2);
  if (pyFiles > 0) files.set('shop/errors.py', 'class PaymentError(Exception):\n    pass\n\n\nclass Timeout(PaymentError):\n    pass\n\n\nclass NotAnException:\n    pass\n');
  for (let i = 0; i < pyFiles; i++) files.set(`shop/orders${i}.py`, pythonFile(r, `shop.orders${i}`, tasks));
  const exceptions = ['builtins.Error', 'builtins.TypeError', 'src.errors.NetworkError', 'src.errors.NotAnError', 'shop.errors.PaymentError', 'shop.errors.Missing', 'builtins.ValueError'];
  files.set('config.yaml', configYaml(r, tasks, exceptions, sections));
  files.set('.env', dotEnv(r, tasks));
  return { files, tasks };
}

