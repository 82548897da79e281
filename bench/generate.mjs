// Generators for the benchmark: a TypeScript workspace that declares tasks and
// error classes, and two config.yaml generators over it.
//
// - `realisticConfig`: what real files look like (issue 10): per-task sections for
//   tasks the workspace defines and some it does not, block and flow `retry_for`
//   lists naming mostly exceptions nobody declares (thousands of TL006), some the
//   workspace declares, `key_arguments` in ~40% of sections, all eleven fields,
//   full-line and trailing comments, quoted keys, blank lines, a generic top level
//   and a `task:` class level, indentation of 2 and 4, and a sprinkling of values
//   that raise TL003 / TL004 / TL005 / TL009 / TL012 / TL013 / TL015 / TL019.
// - `simpleConfig`: the repo's original generator (kept so figures stay comparable).
//
// Everything is seeded and deterministic: the same arguments give the same bytes.
// Each generator returns the text and where things are in it (lines and columns of
// every section key and field), so the bench can aim requests without searching.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  constructor(seed) {
    this.next = random(seed);
  }
  int(lo, hi) {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick(list) {
    return list[Math.floor(this.next() * list.length)];
  }
  chance(p) {
    return this.next() < p;
  }
  /** `count` distinct items of `list` (all of it when shorter). */
  sample(list, count) {
    // A partial Fisher–Yates shuffle: linear, whatever the sizes.
    const copy = [...list];
    const n = Math.min(count, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy.slice(0, n);
  }
  shuffle(list) {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [list[i], list[j]] = [list[j], list[i]];
    }
    return list;
  }
}

export const cap = (s) => s[0].toUpperCase() + s.slice(1);

export const DOMAINS = ['billing', 'mail', 'storage', 'search', 'auth', 'media', 'reports', 'crm', 'inventory', 'shipping', 'analytics', 'notifications', 'payments', 'accounts', 'webhooks', 'exports', 'imports', 'teams', 'projects', 'audit'];
const NOUNS = ['user', 'order', 'invoice', 'payment', 'account', 'session', 'report', 'email', 'message', 'product', 'cart', 'shipment', 'customer', 'ledger', 'profile', 'token', 'webhook', 'export', 'thumbnail', 'quota', 'plan', 'asset', 'upload', 'digest', 'refund', 'coupon', 'subscription', 'tenant'];
const VERBS = ['send', 'sync', 'build', 'refresh', 'archive', 'charge', 'notify', 'export', 'import', 'index', 'resize', 'reconcile', 'expire', 'compute', 'validate', 'publish', 'purge', 'rebuild', 'schedule', 'retry'];
const PARAMS = ['userId', 'orderId', 'accountId', 'invoiceId', 'tenantId', 'region', 'email', 'batchId', 'dryRun', 'payload', 'attempt', 'requestId', 'locale', 'since', 'until', 'limit', 'customerId', 'planId'];
const ERROR_WORDS = ['Timeout', 'Network', 'RateLimit', 'Conflict', 'NotFound', 'Unavailable', 'Validation', 'Quota', 'Auth', 'Storage', 'Gateway', 'Serialization', 'Lock', 'Transient'];
// Exceptions a real config names that no TypeScript workspace declares: Python
// libraries, other services, renamed classes. The server must answer TL006 for each.
const FOREIGN_EXCEPTIONS = [
  'requests.exceptions.ConnectionError', 'requests.exceptions.Timeout', 'requests.exceptions.HTTPError',
  'urllib3.exceptions.ProtocolError', 'redis.exceptions.ConnectionError', 'redis.exceptions.TimeoutError',
  'psycopg2.OperationalError', 'sqlalchemy.exc.OperationalError', 'sqlalchemy.exc.DBAPIError',
  'botocore.exceptions.ClientError', 'botocore.exceptions.EndpointConnectionError', 'httpx.ReadTimeout',
  'httpx.ConnectError', 'kombu.exceptions.OperationalError', 'smtplib.SMTPServerDisconnected',
  'stripe.error.APIConnectionError', 'stripe.error.RateLimitError', 'pymongo.errors.AutoReconnect',
  'app.errors.TransientError', 'app.errors.UpstreamUnavailable', 'shop.payments.errors.CardDeclined',
  'shop.billing.errors.LedgerLocked', 'common.retry.RetryableError', 'services.mail.errors.BounceError',
  'legacy.jobs.errors.JobTimeout', 'src.errors.network.NetworkTimeout', 'src.errors.legacy.OldStorageError',
];
const BUILTINS = ['builtins.Error', 'builtins.TypeError', 'builtins.RangeError', 'builtins.SyntaxError', 'tasklens.RetryError'];
const UNQUALIFIED = ['ValueError', 'TimeoutError', 'ConnectionError', 'KeyError'];
const ENUM_VALUES = ['disabled', 'task', 'arguments', 'keys'];
const BAD_ENUM_VALUES = ['KEYS', 'Keys', 'key', 'TASK', 'Arguments'];

/** `write(rel, text)` writes a file under `root`, its folders first; `files` lists what was written, in order. */
export function fileWriter(root) {
  const files = [];
  const write = (rel, text) => {
    const full = path.join(root, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
    files.push(rel);
  };
  return { files, write };
}

// ---------------------------------------------------------------------------
// The TypeScript workspace.

/**
 * Writes a workspace under `root` declaring `tasks` tasks (8 a file, the four
 * `task()` forms) and error classes (chains within a file) in `src/errors/`.
 * Returns `{ tasks: [{ id, params }], exceptions: [qualified names], plainClasses, files }`.
 */
export function generateWorkspace(root, { tasks, seed = 7 }) {
  const g = new Rng(seed);
  const { files, write } = fileWriter(root);
  const errorsByDomain = new Map();
  const exceptions = [];
  for (const domain of DOMAINS) {
    const names = [];
    const lines = [`// Errors of the ${domain} domain.`, ''];
    for (const word of g.sample(ERROR_WORDS, g.int(3, 6))) {
      const name = `${cap(domain)}${word}Error`;
      const base = names.length > 0 && g.chance(0.4) ? g.pick(names) : g.pick(['Error', 'Error', 'Error', 'TypeError']);
      lines.push(`/** Raised when a ${domain} call fails: ${word.toLowerCase()}. */`, `export class ${name} extends ${base} {`, `  readonly code = '${domain.toUpperCase()}_${word.toUpperCase()}';`, '}', '');
      names.push(name);
      exceptions.push(`src.errors.${domain}.${name}`);
    }
    errorsByDomain.set(domain, names);
    write(`src/errors/${domain}.ts`, lines.join('\n'));
  }
  // Classes that are not errors: naming one in `retry_for` is TL007.
  write('src/models/records.ts', 'export class InvoiceRecord {\n  constructor(readonly id: string) {}\n}\n\nexport class AuditEntry {\n  readonly at = new Date();\n}\n');
  const plainClasses = ['src.models.records.InvoiceRecord', 'src.models.records.AuditEntry'];
  write('src/lib/tasks.ts', "export function task(...args: unknown[]): any {\n  return args;\n}\nexport enum ConcurrencyControlType { DISABLED = 'disabled', TASK = 'task', ARGUMENTS = 'arguments', KEYS = 'keys' }\n");

  const declared = [];
  const perFile = 8;
  for (let f = 0; declared.length < tasks; f++) {
    const domain = DOMAINS[f % DOMAINS.length];
    const noun = g.pick(NOUNS);
    const base = `${noun}_tasks_${f}`;
    const rel = `src/tasks/${domain}/${base}.ts`;
    const module = `src.tasks.${domain}.${base}`;
    const errors = errorsByDomain.get(domain);
    const used = g.sample(errors, 2);
    const parts = [
      "import { task, ConcurrencyControlType } from '../../lib/tasks';",
      `import { ${used.join(', ')} } from '../../errors/${domain}';`,
      '',
    ];
    const names = g.sample(VERBS.flatMap((v) => NOUNS.map((n) => `${v}${cap(n)}`)), Math.min(perFile, tasks - declared.length));
    for (const [k, name] of names.entries()) {
      const params = g.sample(PARAMS, g.int(1, 4));
      const signature = params.map((p) => `${p}: ${p === 'dryRun' ? 'boolean' : p === 'limit' || p === 'attempt' ? 'number' : 'string'}`).join(', ');
      const body = `{\n  console.log('${name}', ${params[0]});\n  return ${params[0]};\n}`;
      const options = g.chance(0.5)
        ? `{ max_retries: ${g.int(0, 4)}, retry_for: [${g.pick(used)}, TypeError]${g.chance(0.3) ? `, running_concurrency: ConcurrencyControlType.KEYS, key_arguments: ['${params[0]}']` : ''} }`
        : `{ call_result_cache: ${g.chance(0.5)} }`;
      parts.push(`/** ${cap(name.replace(/([A-Z])/g, ' $1').toLowerCase())}. */`);
      switch ((f + k) % 4) {
        case 0: parts.push(`export const ${name} = task(async (${signature}) => ${body}, ${options});`); break;
        case 1: parts.push(`export const ${name} = task(${options}, async function ${name}(${signature}) ${body});`); break;
        case 2: parts.push(`export const ${name} = task(${options})(async (${signature}) => ${body});`); break;
        default: parts.push(`async function ${name}Impl(${signature}) ${body}`, `export const ${name} = task(${name}Impl);`);
      }
      parts.push('');
      declared.push({ id: `${module}.${(f + k) % 4 === 3 ? `${name}Impl` : name}`, params });
    }
    write(rel, parts.join('\n'));
  }
  return { tasks: declared, exceptions, plainClasses, files };
}

// ---------------------------------------------------------------------------
// config.yaml writers.

/** Collects lines and the positions of keys and values in them. */
class Doc {
  constructor() {
    this.lines = [];
    this.sections = [];
    this.classFields = [];
    this.genericFields = [];
  }
  get line() {
    return this.lines.length;
  }
  push(text) {
    this.lines.push(text);
    return this.lines.length - 1;
  }
  /**
   * A `key: value` line at `indent`; returns its position record.
   * `keyText` is the key as written (maybe quoted); `value` may be '' (a block follows).
   */
  field(indent, name, keyText, value, comment) {
    const text = `${' '.repeat(indent)}${keyText}:${value === '' ? '' : ` ${value}`}${comment ? `  # ${comment}` : ''}`;
    const line = this.push(text);
    const keyCol = indent + (keyText[0] === '"' || keyText[0] === "'" ? 1 : 0);
    return { name, line, keyCol, keyLen: name.length, valueCol: value === '' ? -1 : indent + keyText.length + 2, value };
  }
  result(extra) {
    const text = this.lines.join('\n') + '\n';
    return { text, lineCount: this.lines.length, bytes: Buffer.byteLength(text), sections: this.sections, classFields: this.classFields, genericFields: this.genericFields, ...extra };
  }
}

/** The repo's original generator: one style, few fields, few diagnostics (no TypeScript workspace). */
export function simpleConfig(sections) {
  const doc = new Doc();
  doc.push('# generated by bench/generate.mjs (simple)');
  doc.genericFields.push(doc.field(0, 'parallel_batch_size', 'parallel_batch_size', '50'));
  doc.push('task:');
  doc.classFields.push(doc.field(2, 'max_retries', 'max_retries', '1'));
  doc.classFields.push(doc.field(2, 'retry_for', 'retry_for', '[builtins.TypeError]'));
  for (let i = 0; i < sections; i++) {
    const id = `app.module${i % 97}.task_${i}`;
    const header = doc.push(`  ${id}:`);
    const fields = [];
    fields.push(doc.field(4, 'max_retries', 'max_retries', String(i % 7)));
    const concurrency = i % 100 === 0 ? 'KEYS' : ENUM_VALUES[i % 4];
    fields.push(doc.field(4, 'running_concurrency', 'running_concurrency', concurrency));
    if (concurrency.toLowerCase() === 'keys') fields.push(doc.field(4, 'key_arguments', 'key_arguments', `[user_id, order_${i % 5}]`));
    if (i % 3 === 0) fields.push(doc.field(4, 'call_result_cache', 'call_result_cache', 'true'));
    if (i % 5 === 0) fields.push(doc.field(4, 'disable_cache_args', 'disable_cache_args', '["*"]'));
    doc.sections.push({ id, line: header, keyCol: 2, keyLen: id.length, fields, defined: false });
  }
  return doc.result({ generator: 'simple', sectionCount: sections });
}

/** The workspace a realistic config of `sections` sections is written against. */
export function workspaceTaskCount(sections) {
  return Math.max(8, Math.round(sections * 0.95));
}

/** A one-word typo of a task id (a did-you-mean candidate for TL008). */
function typo(g, id) {
  const dot = id.lastIndexOf('.');
  const name = id.slice(dot + 1);
  const at = g.int(1, name.length - 2);
  const variant = g.int(0, 2);
  const changed = variant === 0 ? name.slice(0, at) + name.slice(at + 1) : variant === 1 ? name.slice(0, at) + name[at + 1] + name[at] + name.slice(at + 2) : `${name}s`;
  return `${id.slice(0, dot)}.${changed}`;
}

/**
 * A config.yaml of `sections` per-task sections as real ones look, for the tasks of
 * `workspace` (from `generateWorkspace`): 90% of the sections configure tasks the
 * workspace defines (~95% of them), the other 10% name tasks that do not exist
 * (half typos of real ids, half removed modules): TL008 with did-you-mean.
 */
export function realisticConfig(sections, workspace, { seed = 11, dense = false } = {}) {
  const g = new Rng(seed + sections);
  const doc = new Doc();
  const { tasks, exceptions, plainClasses } = workspace;
  // Which tasks get a section, in file order (people group by module), a few moved around.
  const definedCount = Math.min(tasks.length, Math.round(sections * 0.9));
  const chosen = g.sample(tasks.map((_, i) => i), definedCount).sort((a, b) => a - b).map((i) => tasks[i]);
  const entries = chosen.map((t) => ({ id: t.id, params: t.params, defined: true }));
  const ids = new Set(entries.map((e) => e.id));
  const undefinedEntries = [];
  while (entries.length + undefinedEntries.length < sections) {
    let id;
    if (g.chance(0.5) && tasks.length > 0) id = typo(g, g.pick(tasks).id);
    else id = `${g.pick(['legacy.jobs', 'app.workers', 'src.tasks.old', 'services.batch'])}.${g.pick(DOMAINS)}_${g.int(0, 999)}.${g.pick(VERBS)}${cap(g.pick(NOUNS))}`;
    if (ids.has(id)) continue;
    ids.add(id);
    undefinedEntries.push({ id, params: g.sample(PARAMS, g.int(1, 3)), defined: false, at: g.next() });
  }
  // Sections for missing tasks sit among the others, at random places.
  undefinedEntries.sort((a, b) => a.at - b.at);
  const merged = [];
  for (let i = 0, u = 0; i < entries.length || u < undefinedEntries.length; ) {
    if (u < undefinedEntries.length && (i >= entries.length || undefinedEntries[u].at * entries.length <= i)) merged.push(undefinedEntries[u++]);
    else merged.push(entries[i++]);
  }
  entries.splice(0, entries.length, ...merged);
  for (let i = 0; i < entries.length / 50; i++) {
    const a = g.int(0, entries.length - 1);
    const b = g.int(0, entries.length - 1);
    [entries[a], entries[b]] = [entries[b], entries[a]];
  }

  const wsExceptions = exceptions.length > 0 ? exceptions : ['src.errors.billing.BillingTimeoutError'];
  const exceptionName = () => {
    const r = g.next();
    if (r < 0.66) return g.pick(FOREIGN_EXCEPTIONS);
    if (r < 0.88) return g.pick(wsExceptions);
    if (r < 0.97) return g.pick(BUILTINS);
    if (r < 0.99) return g.pick(UNQUALIFIED);
    return g.pick(plainClasses);
  };
  const quoteItem = (s, style) => (style === 0 ? s : style === 1 ? `"${s}"` : `'${s}'`);
  const comments = ['bumped after the outage', 'TODO: revisit', 'see runbook', 'upstream is flaky', 'keep in sync with staging', 'per incident review', 'was 3', 'ops asked for this'];
  const trailing = () => (g.chance(0.08) ? g.pick(comments) : undefined);
  const keyText = (name) => (g.chance(0.02) ? (g.chance(0.5) ? `"${name}"` : `'${name}'`) : name);

  /** A list field, block or flow; returns the field record (with `items`). */
  const listField = (indent, name, items, blockChance) => {
    const key = keyText(name);
    if (g.chance(blockChance)) {
      const rec = doc.field(indent, name, key, '', trailing());
      const dash = indent + (g.chance(0.7) ? 2 : 0);
      rec.items = items.map((item) => ({ line: doc.push(`${' '.repeat(dash)}- ${item}`), col: dash + 2, text: item }));
      rec.style = 'block';
      return rec;
    }
    const rec = doc.field(indent, name, key, `[${items.join(', ')}]`, trailing());
    rec.style = 'flow';
    return rec;
  };

  // Generic top level: other pynenc sections (known, not reported), generic fields, one unknown key.
  doc.push('# Task configuration for the shop workers (pynenc ConfigTask).');
  doc.push('# Generated by bench/generate.mjs — realistic mix, seeded.');
  doc.push('');
  doc.push('app_id: shop');
  doc.push('logging_level: info');
  doc.push('orchestrator:');
  doc.push('  cycle_control: true');
  doc.push('  blocking_control: true');
  doc.push('');
  doc.genericFields.push(doc.field(0, 'parallel_batch_size', 'parallel_batch_size', '100'));
  doc.genericFields.push(doc.field(0, 'max_retries', 'max_retries', '1', 'generic: every task'));
  const genericRetry = listField(0, 'retry_for', ['tasklens.RetryError', 'requests.exceptions.ConnectionError'], 1);
  doc.genericFields.push(genericRetry);
  doc.push('retries: 3  # not a field: TL002 warning at top level');
  doc.push('');
  doc.push('task:');
  const indent = 2; // per-task keys (siblings must agree); their fields use 2 or 4 more
  doc.push(`${' '.repeat(indent)}# Class level: every task unless a section says otherwise.`);
  doc.classFields.push(doc.field(indent, 'max_retries', 'max_retries', '2'));
  doc.classFields.push(listField(indent, 'retry_for', ['tasklens.RetryError', wsExceptions[0], 'redis.exceptions.ConnectionError'], 0));
  doc.classFields.push(doc.field(indent, 'running_concurrency', 'running_concurrency', 'task'));
  doc.classFields.push(doc.field(indent, 'call_result_cache', 'call_result_cache', 'false'));
  doc.classFields.push(doc.field(indent, 'parallel_batch_size', 'parallel_batch_size', '200', 'class level beats the generic 100'));
  doc.classFields.push(doc.field(indent, 'force_new_workflow', 'force_new_workflow', 'false'));
  doc.classFields.push(doc.field(indent, 'on_diff_non_key_args_raise', '"on_diff_non_key_args_raise"', '"false"', 'a string: TL012'));
  doc.push('');

  for (const entry of entries) {
    if (g.chance(0.5)) doc.push('');
    if (g.chance(0.12)) doc.push(`${g.chance(0.7) ? ' '.repeat(indent) : ''}# ${g.pick(['billing', 'mail', 'nightly jobs', 'owned by the data team', 'see ADR 12', 'do not lower'])}${g.chance(0.5) ? `: ${g.pick(comments)}` : ''}`);
    const q = g.next();
    const sectionKey = q < 0.05 ? `"${entry.id}"` : q < 0.08 ? `'${entry.id}'` : entry.id;
    const header = doc.push(`${' '.repeat(indent)}${sectionKey}:${g.chance(0.05) ? `  # ${g.pick(comments)}` : ''}`);
    const fi = indent + (g.chance(0.75) ? 2 : 4);
    const fields = [];
    const params = entry.params;
    let keysSet = false;
    if (dense || g.chance(0.1)) doc.push(`${' '.repeat(fi)}# ${g.pick(comments)}${dense ? ` (owner: ${g.pick(DOMAINS)} team, reviewed in the ${g.pick(DOMAINS)} incident)` : ''}`);
    if (dense || g.chance(0.7)) {
      const r = g.next();
      const value = r < 0.02 ? `-${g.int(1, 3)}` : r < 0.03 ? 'three' : r < 0.04 ? '2.5' : r < 0.05 ? '"5"' : String(g.int(0, 10));
      fields.push(doc.field(fi, 'max_retries', keyText('max_retries'), value, trailing()));
    }
    if (dense || g.chance(0.7)) {
      if (g.chance(0.01)) fields.push(doc.field(fi, 'retry_for', 'retry_for', g.pick(FOREIGN_EXCEPTIONS)));
      else {
        const style = g.int(0, 2);
        const items = Array.from({ length: g.int(1, 5) }, () => exceptionName());
        fields.push(listField(fi, 'retry_for', [...new Set(items)].map((s) => quoteItem(s, g.chance(0.3) ? style : 0)), 0.65));
      }
    }
    // key_arguments in ~40% of sections; most of those also ask for `keys` concurrency.
    const wantsKeys = g.chance(0.4);
    if (wantsKeys || dense || g.chance(0.3)) {
      const value = g.chance(0.06) ? g.pick(BAD_ENUM_VALUES) : wantsKeys && g.chance(0.75) ? 'keys' : g.pick(ENUM_VALUES);
      keysSet ||= value === 'keys';
      fields.push(doc.field(fi, 'running_concurrency', keyText('running_concurrency'), value, trailing()));
    }
    if (dense || g.chance(0.15)) {
      const value = g.chance(0.04) ? g.pick(BAD_ENUM_VALUES) : g.pick(ENUM_VALUES);
      keysSet ||= value === 'keys';
      fields.push(doc.field(fi, 'registration_concurrency', keyText('registration_concurrency'), value, trailing()));
    }
    if (wantsKeys) {
      if (g.chance(0.04)) fields.push(doc.field(fi, 'key_arguments', 'key_arguments', params[0], 'a string: split into characters'));
      else {
        const names = g.sample(params, g.int(1, Math.min(3, params.length)));
        if (g.chance(0.06)) names.push(g.pick(['user_id', 'order', 'id', 'tenant']));
        fields.push(listField(fi, 'key_arguments', names.map((n) => quoteItem(n, g.chance(0.2) ? 1 : 0)), 0.55));
      }
    }
    if (dense || g.chance(0.08)) fields.push(doc.field(fi, 'on_diff_non_key_args_raise', keyText('on_diff_non_key_args_raise'), g.chance(0.15) ? '"false"' : g.pick(['true', 'false']), trailing()));
    if (dense || g.chance(0.25)) fields.push(doc.field(fi, 'call_result_cache', keyText('call_result_cache'), g.chance(0.06) ? g.pick(['"false"', '"no"', "'off'"]) : g.pick(['true', 'false']), trailing()));
    if (dense || g.chance(0.12)) {
      if (g.chance(0.1)) fields.push(doc.field(fi, 'disable_cache_args', 'disable_cache_args', g.chance(0.5) ? '"*"' : params[0]));
      else fields.push(listField(fi, 'disable_cache_args', g.chance(0.5) ? ['"*"'] : g.sample(params, 1).concat(g.chance(0.1) ? ['debug'] : []), 0.3));
    }
    if (dense || g.chance(0.08)) fields.push(doc.field(fi, 'force_new_workflow', keyText('force_new_workflow'), g.pick(['true', 'false']), trailing()));
    if (dense || g.chance(0.05)) fields.push(doc.field(fi, 'reroute_on_concurrency_control', 'reroute_on_concurrency_control', 'true', trailing()));
    if (dense || g.chance(0.2) || fields.length === 0) {
      const value = g.chance(0.02) ? '12.5' : String(g.pick([10, 25, 50, 100, 250, 500]));
      fields.push(doc.field(fi, 'parallel_batch_size', keyText('parallel_batch_size'), value, trailing()));
    }
    doc.sections.push({ id: entry.id, line: header, keyCol: indent + (sectionKey === entry.id ? 0 : 1), keyLen: entry.id.length, fields, defined: entry.defined, keysSet });
  }
  return doc.result({ generator: dense ? 'dense' : 'realistic', sectionCount: entries.length, definedSections: entries.filter((e) => e.defined).length });
}

/**
 * Writes a bench workspace: `config.yaml` and, for the realistic generator, the
 * TypeScript tasks and errors it configures. Returns the generated config record.
 */
export function writeBenchWorkspace(root, generator, sections) {
  fs.mkdirSync(root, { recursive: true });
  let config;
  let workspace;
  if (generator === 'simple') config = simpleConfig(sections);
  else {
    workspace = generateWorkspace(root, { tasks: workspaceTaskCount(sections) });
    config = realisticConfig(sections, workspace, { dense: generator === 'dense' });
  }
  fs.writeFileSync(path.join(root, 'config.yaml'), config.text);
  config.taskFiles = workspace?.files.length ?? 0;
  config.workspaceTasks = workspace?.tasks ?? [];
  return config;
}
