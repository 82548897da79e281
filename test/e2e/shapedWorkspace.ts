// A second generator of workspaces for the differential tests, deliberately
// unlike `generatedWorkspace.ts`: config files in other shapes (`task:` not
// first, top-level keys between and after it, per-task sections with nested
// mappings, block and flow lists over several lines, quoted and unquoted
// exception names, comments at every depth and at column 0 inside `task:`,
// runs of blank lines, anchors, aliases and merge keys, `|` and `>` scalars,
// `---` / `...` / `%YAML` framing, very long lines, unicode and astral keys, a
// byte-order mark, CRLF, and now and then a document the runtime refuses: a
// tab, a duplicate key, an unclosed flow collection, a second document). Around
// it: a `pyproject.toml` with a `[tool.pynenc]` table, a second YAML config
// named by `PYNENC__FILEPATH` or found by its `task:` mapping, `.env` files in
// other shapes, settings that name other config and env files, TypeScript
// `task()` calls through `app.task`, options first, string keys, spreads and
// comments, and Python decorators over several lines.
import { FIELDS, PARAMS, Random, TASK_LIBRARY, TaskInfo } from './generatedWorkspace';
import { DifferentialWorkspace } from './differentialRunner';

/** A generated workspace and what the edits may reuse: its tasks and the names of its config files. */
export interface ShapedWorkspace extends DifferentialWorkspace {
  readonly tasks: readonly TaskInfo[];
  /** The config files (the configured one first): YAML, JSON or TOML. */
  readonly configs: readonly string[];
}

const EXCEPTIONS = [
  'builtins.Error', 'builtins.TypeError', 'builtins.ValueError', 'src.errors.index.NetworkError', 'src.errors.index.Throttled', 'src.errors.index.NotAnError',
  'pkg.failures.Flaky', 'pkg.failures.Missing', 'tasklens.RetryError', 'NetworkError', '.X', 'a.',
];

/** Task ids no code declares: a section for them is TL008. */
const STRAY_IDS = ['src.jobs.gone.f', 'src.jobs.mail.sendMai', 'pkg.jobs.nothing', 'tâches.envoi.é', 'src.𝒳.task', '1.5'];

function params(r: Random): string[] {
  const out = new Set<string>();
  for (let i = r.between(0, 3); i > 0; i--) out.add(r.pick(PARAMS));
  return [...out];
}

/** A scalar for `field`, in one of the many ways YAML writes it. */
function scalarFor(r: Random, field: string, task: TaskInfo | undefined): string {
  const names = task && task.params.length > 0 ? task.params : PARAMS;
  switch (field) {
    case 'max_retries':
    case 'parallel_batch_size':
      return r.pick(['0', '2', '5', '-3', '0x10', '1e3', '3.0', '"7"', "'8'", ' 9', '~', 'null', '+4', '1_0', '.inf', 'five', '"٣"']);
    case 'running_concurrency':
    case 'registration_concurrency':
      return r.pick(['keys', 'task', 'disabled', 'arguments', '"keys"', "'task'", 'KEYS', 'Task', '~', '""']);
    case 'key_arguments':
    case 'disable_cache_args':
      return r.pick([r.pick(names), `"${r.pick(names)}"`, '"*"', '""', '~']);
    case 'retry_for':
      return r.pick([r.pick(EXCEPTIONS), `"${r.pick(EXCEPTIONS)}"`, '""', '~']);
    default:
      return r.pick(['true', 'false', 'True', 'FALSE', 'yes', 'off', '"false"', "'0'", '1', '0', '~', '""']);
  }
}

/** The list items `field` takes. */
function itemsFor(r: Random, field: string, task: TaskInfo | undefined): string[] {
  const out: string[] = [];
  for (let i = r.between(0, 3); i > 0; i--) {
    if (field === 'retry_for') out.push(r.pick([r.pick(EXCEPTIONS), `"${r.pick(EXCEPTIONS)}"`, `'${r.pick(EXCEPTIONS)}'`]));
    else if (field === 'key_arguments' || field === 'disable_cache_args') {
      const names = task && task.params.length > 0 ? task.params : PARAMS;
      out.push(r.pick([r.pick(names), `"${r.pick(names)}"`, r.pick(PARAMS), '"*"', '1', 'null']));
    } else out.push(r.pick(['1', 'x', 'true']));
  }
  return out;
}

/** A field and its value at `indent`, as lines: one of a dozen YAML forms. */
function yamlField(r: Random, indent: string, field: string, task: TaskInfo | undefined, anchors: string[]): string[] {
  const listy = field === 'retry_for' || field === 'key_arguments' || field === 'disable_cache_args';
  const deeper = indent + r.pick(['  ', '    ', ' ']);
  const comment = r.chance(0.15) ? r.pick([' # why', ' #', '  # ümlaut 💥']) : '';
  const form = r.weighted<string>([
    [5, 'scalar'], [listy ? 3 : 0, 'flow'], [listy ? 3 : 0, 'block'], [listy ? 1 : 0, 'flowLines'], [field === 'key_arguments' ? 2 : 0, 'mapping'],
    [1, 'literal'], [1, 'anchor'], [anchors.length > 0 ? 1 : 0, 'alias'], [1, 'empty'], [0.3, 'tag'], [0.1, 'long'],
  ]);
  switch (form) {
    case 'flow':
      return [`${indent}${field}: [${itemsFor(r, field, task).join(r.pick([', ', ',', ' , ']))}]${comment}`];
    case 'block': {
      const itemIndent = r.chance(0.4) ? indent : deeper;
      const lines = [`${indent}${field}:${comment}`];
      for (const item of itemsFor(r, field, task)) {
        if (r.chance(0.1)) lines.push(r.pick(['', `${itemIndent}# item`, '# column 0']));
        lines.push(`${itemIndent}- ${item}`);
      }
      return lines;
    }
    case 'flowLines':
      return [`${indent}${field}: [`, ...itemsFor(r, field, task).map((i) => `${deeper}${i},`), `${indent}]`];
    case 'mapping': {
      const names = task && task.params.length > 0 ? task.params : PARAMS;
      if (r.chance(0.4)) return [`${indent}${field}: {${names.slice(0, r.between(0, 2)).map((n) => `${n}: 1`).join(', ')}}${comment}`];
      return [`${indent}${field}:${comment}`, ...names.slice(0, r.between(1, 3)).map((n) => `${deeper}${n}: ${r.pick(['1', '', 'x', '{}'])}`.trimEnd())];
    }
    case 'literal':
      return [`${indent}${field}: ${r.pick(['|', '>', '|-', '>-', '|+'])}`, `${deeper}${scalarFor(r, field, task).replace(/^["'~ ]|["']$/g, '') || 'keys'}`, ...(r.chance(0.3) ? [''] : [])];
    case 'anchor': {
      const name = `a${anchors.length}`;
      anchors.push(name);
      return [`${indent}${field}: &${name} ${listy ? `[${itemsFor(r, field, task).join(', ')}]` : scalarFor(r, field, task)}`];
    }
    case 'alias':
      return [`${indent}${field}: *${r.pick(anchors)}${comment}`];
    case 'empty':
      return [`${indent}${field}:${comment}`];
    case 'tag':
      return [`${indent}${field}: ${r.weighted([[3, '!!str 3'], [3, '!!int "4"'], [3, '!!bool true'], [1, '!custom x']])}`];
    case 'long':
      return [`${indent}${field}: "${'x'.repeat(r.between(500, 3000))}"${comment}`];
    default:
      return [`${indent}${field}: ${scalarFor(r, field, task)}${comment}`];
  }
}

/** Distinct fields, and now and then a misspelled or unicode one. */
function someFields(r: Random, min: number, max: number): string[] {
  const out = new Set<string>();
  for (let i = r.between(min, max); i > 0; i--) out.add(r.weighted([[10, r.pick(FIELDS)], [1, r.pick(['max_retires', 'Max_Retries', 'clé', '𝒳', 'retry-for', 'key arguments'])]]));
  return [...out];
}

function sectionKey(r: Random, id: string): string {
  if (/^[\d.]+$/.test(id)) return r.chance(0.5) ? id : `"${id}"`;
  return r.weighted([[6, id], [2, `"${id}"`], [1, `'${id}'`], [0.3, `"${id.replace(/\./g, '\\x2e')}_"`]]);
}

/** One per-task section at `indent`, its fields at `inner`. */
function taskSection(r: Random, indent: string, inner: string, id: string, task: TaskInfo | undefined, anchors: string[]): string[] {
  const key = sectionKey(r, id);
  const fields = someFields(r, 0, 4);
  const style = r.weighted<string>([[7, 'block'], [2, 'flow'], [1, 'flowLines'], [0.5, 'empty'], [0.5, 'anchored'], [anchors.some((a) => a.startsWith('s')) ? 0.6 : 0, 'alias'], [0.4, 'merge'], [0.3, 'scalar']]);
  const simple = (f: string) => `${f}: ${f === 'retry_for' || f === 'key_arguments' ? `[${itemsFor(r, f, task).join(', ')}]` : scalarFor(r, f, task)}`;
  switch (style) {
    case 'flow':
      return [`${indent}${key}: {${fields.map(simple).join(', ')}}`];
    case 'flowLines':
      return [`${indent}${key}: {`, ...fields.map((f) => `${inner}${simple(f)},`), `${indent}}`];
    case 'empty':
      return [`${indent}${key}:${r.pick(['', ' {}', ' ~', ' # nothing yet'])}`];
    case 'scalar':
      return [`${indent}${key}: ${r.pick(['3', 'keys', '[max_retries]'])}`];
    case 'alias':
      return [`${indent}${key}: *${r.pick(anchors.filter((a) => a.startsWith('s')))}`];
    default: {
      let head = `${indent}${key}:`;
      if (style === 'anchored') {
        const name = `s${anchors.length}`;
        anchors.push(name);
        head += ` &${name}`;
      }
      if (r.chance(0.08)) head += ' # section';
      const lines = [head];
      if (style === 'merge') lines.push(`${inner}<<: ${anchors.length > 0 && r.chance(0.6) ? `*${r.pick(anchors)}` : '{max_retries: 1}'}`);
      for (const field of fields) {
        if (r.chance(0.08)) lines.push(r.pick(['', '# column 0 inside a section', `${inner}# a note`, `${inner}  # deeper note`, '', '']));
        lines.push(...yamlField(r, inner, field, task, anchors));
      }
      if (fields.length === 0 && style !== 'merge') lines.push(`${inner}${simple(r.pick(FIELDS))}`);
      return lines;
    }
  }
}

/** Lines of a top-level section that is not `task:`: a generic field, a pynenc section, an unknown key. */
function otherTopLevel(r: Random, anchors: string[]): string[] {
  return r.weighted<string[]>([
    [5, yamlField(r, '', r.pick(FIELDS), undefined, anchors)],
    [1, ['runner:', '  runner_cls: MultiThreadRunner', '  min_parallel_slots: 2']],
    [1, ['logging_level: info']],
    [1, ['orchestrator:', '  cycle_control: true', '  blocking_control: false # note']],
    [1, ['app_id: "shop"']],
    [1, ['defaults: &defaults', '  max_retries: 3', '  retry_for: [builtins.ValueError]']],
    [0.5, ['brokr: redis']],
    [0.5, ['"quoted top": 1']],
    [0.3, ['? complex', ': value']],
    [0.3, ['multi: |', '  line one', '', '  line two']],
  ]);
}

/** Blank lines and comments between sections. */
function spacer(r: Random, indent: string): string[] {
  return r.weighted<string[]>([
    [6, []],
    [2, ['']],
    [1, ['', '', '']],
    [1, [`${indent}# ---- ${r.pick(['jobs', 'ünïcödé', '💥'])} ----`]],
    [1, ['# column 0']],
    [0.03, ['   ', '\t# tab before a comment']],
    [0.3, [`# ${'long comment '.repeat(r.between(50, 300))}`]],
  ]);
}

/** The `task:` mapping: class-level fields and per-task sections, mixed. */
function taskBlock(r: Random, tasks: readonly TaskInfo[], sections: number, anchors: string[]): string[] {
  const headerStyle = r.weighted<string>([[10, 'task:'], [1, 'task: # per task'], [0.5, 'task:   '], [0.3, '"task":'], [0.3, 'task :'], [0.3, 'task: &tasks'], [0.2, 'flow']]);
  const pick = (s: number): { id: string; task: TaskInfo | undefined } => {
    if (tasks.length > 0 && r.chance(0.75)) {
      const task = r.pick(tasks);
      return { id: task.id, task };
    }
    return { id: `${r.pick(STRAY_IDS)}${s > 3 ? s : ''}`, task: undefined };
  };
  if (headerStyle === 'flow') {
    const parts: string[] = [];
    for (let s = 0; s < Math.min(sections, 4); s++) {
      const { id, task } = pick(s);
      parts.push(`${sectionKey(r, id)}: {${someFields(r, 1, 2).map((f) => `${f}: ${scalarFor(r, f, task)}`).join(', ')}}`);
    }
    if (r.chance(0.5)) parts.push(`max_retries: ${scalarFor(r, 'max_retries', undefined)}`);
    return r.chance(0.5) ? [`task: {${parts.join(', ')}}`] : ['task: {', ...parts.map((p) => `  ${p},`), '}'];
  }
  const lines = [headerStyle];
  const indent = r.weighted([[6, '  '], [3, '    '], [1, ' '], [1, '   ']]);
  const inner = indent + r.weighted([[6, '  '], [2, '    '], [1, ' ']]);
  const used = new Set<string>();
  const duplicates = r.chance(0.03);
  let classFields = someFields(r, 0, 3);
  for (let s = 0; s < sections; s++) {
    // Class-level fields before, between and after the per-task sections.
    if (classFields.length > 0 && r.chance(0.3)) lines.push(...yamlField(r, indent, classFields.pop()!, undefined, anchors));
    lines.push(...spacer(r, indent));
    let { id, task } = pick(s);
    // A repeated id makes the file fail to load: left so in a few files.
    while (used.has(id) && !(duplicates && r.chance(0.5))) {
      id = `${id}${s}`;
      task = undefined;
    }
    used.add(id);
    lines.push(...taskSection(r, indent, inner, id, task, anchors));
  }
  for (const field of classFields) lines.push(...yamlField(r, indent, field, undefined, anchors));
  return lines;
}

/** A config file's text: top-level sections around a `task:` block, in YAML of many shapes. */
export function shapedConfigYaml(r: Random, tasks: readonly TaskInfo[], sections: number): string {
  const anchors: string[] = [];
  const blocks: string[][] = [];
  const others = r.between(0, 4);
  const at = r.weighted([[3, 0], [4, r.between(0, others)], [2, others]]);
  // Generated in document order, so an alias names an anchor written before it.
  for (let i = 0; i <= others; i++) {
    if (i === at) blocks.push(taskBlock(r, tasks, sections, anchors));
    if (i < others) blocks.push(otherTopLevel(r, anchors));
  }
  // Top-level fields appear once each, else the file fails to load; a few files are left failing on purpose.
  const seen = new Set<string>();
  const kept = blocks.filter((b) => {
    const key = /^([^\s:]+):/.exec(b[0] ?? '')?.[1] ?? b[0];
    if (seen.has(key) && r.chance(0.95)) return false;
    seen.add(key);
    return true;
  });
  let lines: string[] = [];
  if (r.chance(0.3)) lines.push(r.pick(['# Task configuration', '# -*- coding: utf-8 -*-', '#!', '# 𝒳 config']));
  if (r.chance(0.06)) lines.push(r.pick(['---', '--- # the one document', '%YAML 1.2\n---']));
  for (const block of kept) lines.push(...spacer(r, ''), ...block);
  if (r.chance(0.04)) lines.push(r.pick(['...', '---\nmax_retries: 1', '---']));
  // A few documents the runtime refuses, each in its own way.
  const breakage = r.weighted<string>([[40, ''], [1, 'tab'], [1, 'duplicate'], [1, 'unclosed'], [1, 'indent'], [1, 'stray']]);
  if (breakage !== '' && lines.length > 1) {
    const i = r.between(1, lines.length - 1);
    if (breakage === 'tab') lines[i] = `\t${lines[i].trimStart()}`;
    else if (breakage === 'duplicate') lines.splice(i, 0, lines[i]);
    else if (breakage === 'unclosed') lines.splice(i, 0, `${/^ */.exec(lines[i])![0]}max_retries: {1`);
    else if (breakage === 'indent') lines[i] = ` ${lines[i]}`;
    else lines.splice(i, 0, 'just a scalar line');
  }
  lines = lines.flatMap((l) => l.split('\n'));
  const trailing = r.weighted([[6, '\n'], [1, ''], [1, '\n\n\n'], [0.5, '\n# end']]);
  let text = lines.join('\n') + trailing;
  if (r.chance(0.15)) text = text.replace(/\n/g, '\r\n');
  if (r.chance(0.03)) text = `\ufeff${text}`;
  return text;
}

// ---------------------------------------------------------------- other files

function tsOptions(r: Random, task: TaskInfo): string {
  const parts: string[] = [];
  for (const field of someFields(r, 0, 4)) {
    const key = r.weighted([[6, field], [1, `'${field}'`], [1, `"${field}"`]]);
    let value: string;
    if (field === 'retry_for') value = `[${r.pick(['NetworkError', 'Throttled, TypeError', 'NotAnError', 'errors.NetworkError', 'Unknown', ''])}]`;
    else if (field === 'key_arguments' || field === 'disable_cache_args') value = r.pick([`[${task.params.map((p) => `'${p}'`).join(', ')}]`, "['nope']", "'to'", '[]', "['*']"]);
    else if (field.endsWith('concurrency')) value = r.pick(['ConcurrencyControlType.KEYS', 'ConcurrencyControlType.TASK', "'keys'", "'KEYS'", 'mode']);
    else if (field === 'max_retries' || field === 'parallel_batch_size') value = r.pick(['3', '-1', '2.5', "'4'", 'retries', 'null', 'undefined']);
    else value = r.pick(['true', 'false', "'false'", '1']);
    parts.push(`${key}: ${value}`);
  }
  if (r.chance(0.1)) parts.unshift('...base');
  if (r.chance(0.1)) parts.push('maxRetries: 2');
  if (parts.length > 2 && r.chance(0.4)) return `{\n    ${parts.join(',\n    ')},${r.chance(0.3) ? ' // last' : ''}\n  }`;
  return `{ ${parts.join(', ')} }`;
}

function typescriptFile(r: Random, module: string, tasks: TaskInfo[]): string {
  // Imports of each kind (named, namespace) and values an options object computes from.
  const lines = `import { task, ConcurrencyControlType } from '../../lib/tasks';
import { app } from '../../lib/app';
import { NetworkError, Throttled, NotAnError } from '../errors';
import * as errors from '../errors';

const base = { max_retries: 1 };
const retries = Number(process.env.RETRIES ?? '3');
const mode = ConcurrencyControlType.TASK;
`.split('\n');
  for (let i = r.between(1, 4); i > 0; i--) {
    const name = `${r.pick(['mail', 'bill', 'index', 'ship'])}${r.pick(['Now', 'Later', 'Batch'])}${i}`;
    const task: TaskInfo = { id: `${module}.${name}`, params: params(r) };
    const signature = task.params.map((p) => `${p}: string`).join(', ');
    const options = tsOptions(r, task);
    const style = r.below(5);
    if (r.chance(0.2)) lines.push(`/** ${name}: ${'docs '.repeat(r.between(1, 5))}*/`);
    if (style === 0) lines.push(`export const ${name} = app.task(async (${signature}) => ${task.params[0] ?? '0'}, ${options});`);
    else if (style === 1) lines.push(`export const ${name} = task(${options}, (${signature}) => {`, '  return 1;', '});');
    else if (style === 2) lines.push(`function ${name}(${signature}) {`, '  return 2;', '}', `export const ${name}Task = task(${name}, ${options});`);
    else if (style === 3) lines.push(`export const ${name} = task(${options})(`, `  async function ${name}(${signature}) {`, '    return 3;', '  },', ');');
    else lines.push(`export const ${name} = app.task(`, `  (${signature}) => 4,`, `  // options below`, `  ${options},`, ');');
    lines.push('');
    tasks.push(task);
  }
  if (r.chance(0.1)) lines.push('export default task(() => 5, { max_retries: 1 });', '');
  return lines.join(r.chance(0.1) ? '\r\n' : '\n');
}

function pythonFile(r: Random, module: string, tasks: TaskInfo[]): string {
  const lines = ['from pynenc import Pynenc, ConcurrencyControlType as CCT', 'from pkg.failures import Flaky', '', 'app = Pynenc()', ''];
  for (let i = r.between(1, 3); i > 0; i--) {
    const name = `job_${r.pick(['a', 'b', 'ü'])}_${i}`;
    const task: TaskInfo = { id: `${module}.${name}`, params: params(r) };
    const options = [`max_retries=${r.pick(['1', '"2"', 'None'])}`, `retry_for=${r.pick(['(Flaky,)', '(ValueError, Flaky)', 'Flaky'])}`, `running_concurrency=${r.pick(['CCT.KEYS', '"task"'])}`, `key_arguments=${task.params.length > 0 ? `("${task.params[0]}",)` : '()'}`].filter(() => r.chance(0.5));
    if (r.chance(0.5)) lines.push('@app.task(', ...options.map((o) => `    ${o},`), ')');
    else lines.push(`@app.task(${options.join(', ')})`);
    lines.push(`def ${name}(${task.params.join(', ')}):`, '    # body', '    return 1', '', '');
    tasks.push(task);
  }
  return lines.join('\n');
}

/** A TOML key: bare when TOML allows it. */
function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : `"${key}"`;
}

/** Pynenc's settings as TOML tables under `table` (`tool.pynenc` in pyproject.toml, the root in a TOML config file). */
function tomlConfig(r: Random, tasks: readonly TaskInfo[], sections: number, table: string): string {
  const lines: string[] = [];
  const header = (name: string) => (table === '' ? name : name === '' ? table : `${table}.${name}`);
  const fields = (min: number, max: number) => someFields(r, min, max).map((f) => `${tomlKey(f)} = ${tomlValue(r, f)}${r.chance(0.1) ? ' # note' : ''}`);
  if (table === '' || r.chance(0.9)) {
    if (table !== '') lines.push(`[${header('')}]`);
    lines.push(...fields(0, 2), '');
  }
  const inline: string[] = [];
  if (r.chance(0.4)) inline.push(...fields(1, 2));
  const sectioned: string[] = [];
  for (let i = Math.min(sections, r.between(0, 6)); i > 0; i--) {
    const id = tasks.length > 0 && r.chance(0.7) ? r.pick(tasks).id : r.pick(STRAY_IDS);
    if (r.chance(0.2)) inline.push(`"${id}" = { ${someFields(r, 1, 2).map((f) => `${tomlKey(f)} = ${tomlValue(r, f).replace(/\n/g, ' ')}`).join(', ')} }`);
    else sectioned.push(`[${header('task')}."${id}"]${r.chance(0.2) ? ' # one task' : ''}`, ...fields(1, 3), '');
  }
  // The class-level table once (a second one is a duplicate table), then the per-task ones.
  if (inline.length > 0) lines.push(`[${header('task')}]`, ...inline, '');
  lines.push(...sectioned);
  if (r.chance(0.03)) lines.push('max_retries = 1', 'max_retries = 2');
  return lines.join('\n');
}

function pyprojectToml(r: Random, tasks: readonly TaskInfo[]): string {
  const lines = ['[project]', 'name = "shop"', 'version = "0.1.0"', ''];
  if (r.chance(0.3)) lines.push('[tool.black]', 'line-length = 100', '');
  const text = lines.join('\n') + '\n' + tomlConfig(r, tasks, 6, 'tool.pynenc');
  return r.chance(0.1) ? text.replace(/\n/g, '\r\n') : text;
}

/** Pynenc's settings as JSON: one object, keys repeated now and then (the last one wins), indented in one of several ways. */
function jsonConfig(r: Random, tasks: readonly TaskInfo[], sections: number): string {
  const indent = r.pick(['', '  ', '    ', '\t']);
  const nl = indent === '' ? '' : '\n';
  const value = (field: string): string => {
    const written = tomlValue(r, field).replace(/\n/g, '').replace(/'/g, '"').replace(/,\s*]/, ']');
    if (/^\{/.test(written)) return '{"to": 1}';
    return /^\d{4}-/.test(written) ? `"${written}"` : written;
  };
  const object = (entries: string[], depth: number): string => {
    if (entries.length === 0) return '{}';
    const pad = indent.repeat(depth + 1);
    return `{${nl}${entries.map((e) => pad + e).join(`,${nl}`)}${nl}${indent.repeat(depth)}}`;
  };
  const fields = (min: number, max: number) => someFields(r, min, max).map((f) => `${JSON.stringify(f)}: ${value(f)}`);
  const taskEntries = fields(0, 2);
  for (let i = Math.min(sections, r.between(0, 8)); i > 0; i--) {
    const id = tasks.length > 0 && r.chance(0.7) ? r.pick(tasks).id : r.pick(STRAY_IDS);
    taskEntries.push(`${JSON.stringify(id)}: ${object(fields(0, 3), 2)}`);
  }
  const top = [...fields(0, 2), `"task": ${object(taskEntries, 1)}`];
  if (r.chance(0.2)) top.push(...fields(1, 1));
  if (r.chance(0.2)) top.splice(r.below(top.length), 0, '"runner": {"runner_cls": "MultiThreadRunner"}');
  let text = object(top, 0) + (r.chance(0.7) ? '\n' : '');
  // Now and then what Python's reader refuses: a trailing comma, a comment.
  if (r.chance(0.03)) text = text.replace(/\}\s*$/, ',}');
  if (r.chance(0.03)) text = `// settings\n${text}`;
  return r.chance(0.1) ? text.replace(/\n/g, '\r\n') : text;
}

function tomlValue(r: Random, field: string): string {
  if (field === 'retry_for') return r.pick(['["builtins.ValueError"]', "['pkg.failures.Flaky', 'src.errors.index.NetworkError']", '[\n  "builtins.Error",\n]', '"x"', '[]']);
  if (field === 'key_arguments' || field === 'disable_cache_args') return r.pick(['["to"]', '"to"', '{ to = 1 }', '[1, true]', '[]']);
  if (field.endsWith('concurrency')) return r.pick(['"keys"', '"KEYS"', "'task'"]);
  if (field === 'max_retries' || field === 'parallel_batch_size') return r.pick(['3', '-1', '2.5', '"4"', '1979-05-27']);
  return r.pick(['true', 'false', '"false"', '0']);
}

function envPart(id: string): string {
  const at = id.lastIndexOf('.');
  return `${id.slice(0, at).toUpperCase()}#${id.slice(at + 1).toUpperCase()}`;
}

function dotEnv(r: Random, tasks: readonly TaskInfo[], extra: string | undefined): string {
  const lines: string[] = [];
  for (let i = r.between(0, 6); i > 0; i--) {
    const field = r.pick([...FIELDS, 'filepath', 'max_retrys']).toUpperCase();
    const scope = r.weighted([[2, 'PYNENC__CONFIGTASK__'], [1, 'PYNENC__'], [2, tasks.length > 0 ? `PYNENC__CONFIGTASK__${envPart(r.pick(tasks).id)}__` : 'PYNENC__'], [0.5, 'pynenc__']]);
    const value = r.pick(['2', ' 3 ', '"keys"', "'task'", 'false', 'to,subject', '', '"a # not a comment"', 'v # comment', '"unclosed', "'x'\t# c", '"multi\\nline"', '${OTHER}']);
    const sep = r.weighted([[8, '='], [1, ' = '], [0.5, '= ']]);
    lines.push(`${r.chance(0.1) ? 'export ' : ''}${r.chance(0.05) ? '  ' : ''}${scope}${field}${sep}${value}`);
    if (r.chance(0.15)) lines.push(r.pick(['', '# comment', '   # indented', 'NOT A LINE', '=novalue']));
  }
  if (extra && r.chance(0.8)) lines.splice(r.between(0, lines.length), 0, `${r.pick(['PYNENC__FILEPATH', 'PYNENC__CONFIGTASK__FILEPATH'])}=${extra}`);
  const text = lines.join('\n') + (r.chance(0.8) ? '\n' : '');
  return r.chance(0.12) ? text.replace(/\n/g, '\r\n') : text;
}

/** A workspace: TypeScript and Python tasks, config YAML, `pyproject.toml`, env files and settings, all of other shapes. */
export function generateShapedWorkspace(r: Random, sections: number): ShapedWorkspace {
  const files = new Map<string, string>();
  const tasks: TaskInfo[] = [];
  const closed = ['lib/tasks.ts', 'lib/app.ts'];
  files.set('lib/tasks.ts', TASK_LIBRARY);
  files.set('lib/app.ts', "import { task } from './tasks';\n\nexport const app = { name: 'shop', task };\n");
  files.set('src/errors/index.ts', 'export class NetworkError extends Error {}\nexport class Throttled extends NetworkError {}\nexport class NotAnError {}\n');
  const tsNames = ['mail', 'billing', 'tâches'];
  for (let i = r.between(1, 2); i > 0; i--) {
    const name = tsNames.splice(r.below(tsNames.length), 1)[0];
    files.set(`src/jobs/${name}.ts`, typescriptFile(r, `src.jobs.${name}`, tasks));
  }
  if (r.chance(0.4)) {
    files.set('pkg/failures.py', 'class Flaky(Exception):\n    pass\n');
    files.set('pkg/jobs.py', pythonFile(r, 'pkg.jobs', tasks));
  }
  const settings: Record<string, unknown> = {};
  const configName = r.weighted([[7, 'config.yaml'], [1.5, 'pynenc.yml'], [1.5, 'config.yml'], [1, 'config.json'], [1, 'tasks.toml']]);
  if ((configName === 'pynenc.yml' && r.chance(0.5)) || configName === 'config.json' || configName === 'tasks.toml') settings.configFiles = [configName, 'config.yaml'];
  const configText = (name: string, n: number) => (name.endsWith('.json') ? jsonConfig(r, tasks, n) : name.endsWith('.toml') ? tomlConfig(r, tasks, n, '') : shapedConfigYaml(r, tasks, n));
  files.set(configName, configText(configName, sections));
  const configs = [configName];
  // A second config: named by an env var, or (YAML) found by its `task:` mapping alone.
  const extra = r.weighted<string | undefined>([[2, undefined], [1, 'conf/extra.yaml'], [1, 'deploy/tasks.yml'], [0.5, 'conf/extra.json']]);
  if (extra) {
    files.set(extra, configText(extra, r.between(0, 4)));
    configs.push(extra);
  }
  if (r.chance(0.7)) files.set('pyproject.toml', pyprojectToml(r, tasks));
  files.set('.env', dotEnv(r, tasks, extra?.startsWith('conf/') ? extra : undefined));
  if (r.chance(0.25)) {
    files.set('.env.local', dotEnv(r, tasks, undefined));
    settings.envFiles = ['.env.local', '.env'];
  }
  if (r.chance(0.15)) settings.env = { PYNENC__CONFIGTASK__MAX_RETRIES: r.pick(['1', 'x', '']) };
  const opened = [...files.keys()].filter((f) => !closed.includes(f) && (f !== 'src/errors/index.ts' || r.chance(0.5))).sort();
  return { files, opened, settings: Object.keys(settings).length > 0 ? settings : undefined, tasks, configs };
}
