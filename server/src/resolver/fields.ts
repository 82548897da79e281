// The one table of ConfigTask fields (SPEC §1). Completion, hover, type checks,
// env var names and the resolver all read it; a field name is written as a
// string literal here and nowhere else.

export type FieldType = 'int' | 'bool' | 'enum' | 'stringList' | 'exceptionList';

/** pynenc's ConcurrencyControlType: member name → the value config files carry. */
export const ConcurrencyControlType = {
  DISABLED: 'disabled',
  TASK: 'task',
  ARGUMENTS: 'arguments',
  KEYS: 'keys',
} as const;
export type ConcurrencyControlType = (typeof ConcurrencyControlType)[keyof typeof ConcurrencyControlType];
export const CONCURRENCY_VALUES: readonly ConcurrencyControlType[] = Object.values(ConcurrencyControlType);

/** The library's own retry exception, the default of `retry_for`. */
export const RETRY_ERROR = 'tasklens.RetryError';

export interface FieldSpec {
  readonly name: FieldName;
  readonly type: FieldType;
  /** The default, as JSON (enums as values, exceptions as qualified names). */
  readonly default: number | boolean | string | readonly string[];
  /** One line, for completion details and tables. */
  readonly summary: string;
  /** Several sentences for hovers: what it does, its pitfalls, an example. */
  readonly description: string;
  readonly enumValues?: readonly string[];
  /** What the field means to other fields and to checks, beyond its type. */
  readonly role?: FieldRole;
}

/**
 * A field's part in the rules that span fields: the concurrency settings, the
 * argument-name lists (the concurrency key, the cache exclusions, which allow
 * `*`), and rerouting, which only acts while running concurrency is on.
 */
export type FieldRole = 'runningConcurrency' | 'registrationConcurrency' | 'concurrencyKey' | 'cacheExclusions' | 'reroute';

const FIELD_LIST = [
  {
    name: 'parallel_batch_size',
    type: 'int',
    default: 100,
    summary: 'Calls routed per batch when a task is parallelised; 0 routes them one by one.',
    description:
      'When a task is parallelised, its calls are routed to the broker in batches of this size. ' +
      'A value of 0 routes every call on its own. Larger batches mean fewer round trips; smaller ' +
      'ones start work sooner.\n\nExample: `parallel_batch_size: 50`.',
  },
  {
    name: 'retry_for',
    type: 'exceptionList',
    default: [RETRY_ERROR],
    summary: 'Exceptions that make a failed call retry.',
    description:
      'A list of exception classes: when the task raises one of them it is retried (up to ' +
      '`max_retries`). In config files and env vars each entry is a qualified name, ' +
      '`<module>.<ClassName>` — a bare `ValueError` cannot be resolved by the runtime. By default ' +
      'only the library\'s own `RetryError` triggers a retry. From an env var the list can only be ' +
      'emptied (an empty value); any other text is split into characters and fails.\n\n' +
      'Example: `retry_for: [src.errors.NetworkError, builtins.TypeError]`.',
  },
  {
    name: 'max_retries',
    type: 'int',
    default: 0,
    summary: 'How many times a failing call is retried.',
    description:
      'The retry limit: a call that keeps failing with an exception listed in `retry_for` is ' +
      'retried at most this many times, so a task never retries forever. The default 0 means no ' +
      'retries at all, even when `retry_for` is set.\n\nExample: `max_retries: 3`.',
  },
  {
    name: 'running_concurrency',
    type: 'enum',
    role: 'runningConcurrency',
    default: ConcurrencyControlType.DISABLED,
    enumValues: CONCURRENCY_VALUES,
    summary: 'Concurrency check while the task is running.',
    description:
      'Limits how many calls of this task may be running at once. `disabled`: no check. ' +
      '`task`: one running call per task. `arguments`: one running call per distinct set of ' +
      'arguments. `keys`: one running call per distinct value of the `key_arguments`. Only the ' +
      'lowercase values are accepted: `KEYS` is an error.\n\nExample: `running_concurrency: keys`.',
  },
  {
    name: 'registration_concurrency',
    type: 'enum',
    role: 'registrationConcurrency',
    default: ConcurrencyControlType.DISABLED,
    enumValues: CONCURRENCY_VALUES,
    summary: 'Concurrency check when a call is registered.',
    description:
      'Keeps duplicate calls from being registered: with `task` only one pending call of the task ' +
      'exists at a time, with `arguments` one per distinct set of arguments, with `keys` one per ' +
      'distinct value of the `key_arguments`. Useful for work that must not run twice in parallel ' +
      'or that would otherwise flood the system. Lowercase values only.\n\n' +
      'Example: `registration_concurrency: arguments`.',
  },
  {
    name: 'key_arguments',
    type: 'stringList',
    role: 'concurrencyKey',
    default: [],
    summary: 'Argument names that form the concurrency key.',
    description:
      'The names of the task function\'s arguments that identify a call when a concurrency ' +
      'setting is `keys`. It has no effect unless `running_concurrency` or ' +
      '`registration_concurrency` is `keys`, and `keys` with no key arguments behaves like `task`. ' +
      'A plain string is split into its characters (`"id"` becomes `["i", "d"]`): write a list.\n\n' +
      'Example: `key_arguments: [user_id]`.',
  },
  {
    name: 'on_diff_non_key_args_raise',
    type: 'bool',
    default: false,
    summary: 'Raise when key arguments match but the other arguments differ.',
    description:
      'With key-based concurrency, a new call whose key arguments match a call already in the ' +
      'system but whose other arguments differ raises an error instead of being treated as the ' +
      'same call. Any non-empty string counts as true, `"false"` included.\n\n' +
      'Example: `on_diff_non_key_args_raise: true`.',
  },
  {
    name: 'call_result_cache',
    type: 'bool',
    default: false,
    summary: 'Cache results and reuse them for identical calls.',
    description:
      'Stores the result of each call and returns it for later calls with the same arguments, ' +
      'which pays off for expensive, deterministic work. Combine with `disable_cache_args` to ' +
      'leave some arguments out of the cache key. Any non-empty string counts as true, ' +
      '`"false"` included.\n\nExample: `call_result_cache: true`.',
  },
  {
    name: 'disable_cache_args',
    type: 'stringList',
    role: 'cacheExclusions',
    default: [],
    summary: 'Arguments left out of the result cache key; ["*"] = all.',
    description:
      'Names of arguments that are ignored when looking up a cached result, so calls that differ ' +
      'only in them share one cache entry. `["*"]` ignores every argument. A plain string is ' +
      'split into its characters: write a list.\n\nExample: `disable_cache_args: [request_id]`.',
  },
  {
    name: 'force_new_workflow',
    type: 'bool',
    default: false,
    summary: 'Always start a new (sub)workflow.',
    description:
      'Every call starts a workflow of its own. Called from inside another workflow, it starts a ' +
      'sub-workflow that keeps a reference to its parent. Any non-empty string counts as true, ' +
      '`"false"` included.\n\nExample: `force_new_workflow: true`.',
  },
  {
    name: 'reroute_on_concurrency_control',
    type: 'bool',
    role: 'reroute',
    default: false,
    summary: 'Reroute calls blocked by concurrency control instead of finalising them.',
    description:
      'When a call is blocked by a concurrency check, reroute it to try again later instead of ' +
      'marking it final (never run), which is the default. Careful: if the task keeps being ' +
      'triggered (a cron job, say) while a running call blocks the rest, the blocked calls ' +
      'reroute again and again and the queue grows without bound. Only enable it with a ' +
      'safeguard against that.\n\nExample: `reroute_on_concurrency_control: true`.',
  },
] as const satisfies readonly (Omit<FieldSpec, 'name'> & { name: string })[];

export type FieldName = (typeof FIELD_LIST)[number]['name'];

export const FIELDS: readonly FieldSpec[] = FIELD_LIST;
export const FIELD_NAMES: readonly FieldName[] = FIELDS.map((f) => f.name);
const FIELD_BY_NAME = new Map<string, FieldSpec>(FIELDS.map((f) => [f.name, f]));

/** The one field with `role` (every role has exactly one). */
export function fieldWithRole(role: FieldRole): FieldSpec {
  return FIELDS.find((f) => f.role === role)!;
}

/** Whether a field holds names of the task function's arguments. */
export function isArgumentList(spec: FieldSpec): boolean {
  return spec.role === 'concurrencyKey' || spec.role === 'cacheExclusions';
}

/** Whether a field is one of the two concurrency settings. */
export function isConcurrencySetting(spec: FieldSpec): boolean {
  return spec.role === 'runningConcurrency' || spec.role === 'registrationConcurrency';
}

export function fieldSpec(name: string): FieldSpec | undefined {
  return FIELD_BY_NAME.get(name);
}

export function isFieldName(name: string): name is FieldName {
  return FIELD_BY_NAME.has(name);
}

/** The key of the class-level section in a mapping (`task:`). */
export const CLASS_SECTION_KEY = 'task';

/**
 * Top-level keys of a pynenc config mapping that belong to other pynenc config
 * sections; an editor must not call them unknown.
 */
export const KNOWN_PYNENC_SECTIONS: readonly string[] = [
  CLASS_SECTION_KEY, 'app', 'pynenc', 'broker', 'orchestrator', 'state_backend', 'serializer',
  'runner', 'trigger', 'client_data_store', 'arg_cache', 'logging', 'app_id', 'dev_mode_force_sync_tasks',
  'logging_level', 'print_arguments', 'truncate_arguments_length', 'argument_print_mode',
  'orchestrator_cls', 'broker_cls', 'state_backend_cls', 'serializer_cls', 'runner_cls', 'trigger_cls',
  'arg_cache_cls', 'client_data_store_cls', 'redis', 'mongo', 'sqlite', 'rabbitmq', 'memory',
  'cycle_control', 'blocking_control', 'auto_final_invocation_purge_hours', 'max_pending_seconds',
  'invocation_timeout_seconds', 'compact_log_context', 'log_use_colors', 'filepath',
];

/** Levenshtein distance, for did-you-mean suggestions. */
export function editDistance(a: string, b: string): number {
  return editDistanceWithin(a, b, Math.max(a.length, b.length));
}

/**
 * Levenshtein distance when it is at most `max`, else `max + 1`: the common
 * prefix and suffix are left out (task ids share long ones); what is left is
 * compared bit-parallel when one side fits 32 units, else only the band of
 * cells within `max` of the diagonal is computed, ending early once a whole
 * row is over `max`.
 */
export function editDistanceWithin(a: string, b: string, max: number): number {
  let start = 0;
  while (start < a.length && start < b.length && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  if (Math.abs(n - m) > max) return max + 1;
  if (n === 0 || m === 0) return Math.max(n, m);
  const over = max + 1;
  // What is left of two task ids (a module apart, say) is mostly short: a word of bits per column.
  if (n <= 32) return Math.min(over, bitParallelDistance(a, start, endA, b, endB));
  // prev[j]: the distance between a's first i and b's first j characters (after the prefix).
  let prev = new Array<number>(m + 1);
  let row = new Array<number>(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j <= max ? j : over;
  for (let i = 1; i <= n; i++) {
    const from = Math.max(1, i - max);
    const to = Math.min(m, i + max);
    row[from - 1] = from === 1 && i <= max ? i : over;
    let best = row[from - 1];
    const ca = a.charCodeAt(start + i - 1);
    for (let j = from; j <= to; j++) {
      const substitute = prev[j - 1] + (ca === b.charCodeAt(start + j - 1) ? 0 : 1);
      const insert = row[j - 1] + 1;
      const remove = (j <= i - 1 + max ? prev[j] : over) + 1;
      const cell = Math.min(substitute, insert, remove, over);
      row[j] = cell;
      if (cell < best) best = cell;
    }
    if (to < m) row[to + 1] = over;
    if (best > max) return over;
    [prev, row] = [row, prev];
  }
  return Math.min(prev[m], over);
}

/** For `bitParallelDistance`: the positions of each UTF-16 code unit in the pattern, as bits (cleared after each use). */
let patternBits: Uint32Array | undefined;

/**
 * Levenshtein distance between `a[start, endA)` (at most 32 units) and
 * `b[start, endB)`, by Myers' bit-parallel algorithm ("A fast bit-vector
 * algorithm for approximate string matching", 1999), as in the
 * fastest-levenshtein package: the column of the DP table as bit vectors of its
 * vertical steps, updated per character of `b` in a few word operations.
 */
function bitParallelDistance(a: string, start: number, endA: number, b: string, endB: number): number {
  const peq = (patternBits ??= new Uint32Array(0x10000));
  const n = endA - start;
  for (let i = 0; i < n; i++) peq[a.charCodeAt(start + i)] |= 1 << i;
  const last = 1 << (n - 1);
  let plus = -1;
  let minus = 0;
  let score = n;
  for (let j = start; j < endB; j++) {
    let eq = peq[b.charCodeAt(j)];
    const xv = eq | minus;
    eq |= ((eq & plus) + plus) ^ plus;
    minus |= ~(eq | plus);
    plus &= eq;
    if (minus & last) score++;
    if (plus & last) score--;
    minus = (minus << 1) | 1;
    plus = (plus << 1) | ~(xv | minus);
    minus &= xv;
  }
  for (let i = 0; i < n; i++) peq[a.charCodeAt(start + i)] = 0;
  return score;
}

/** The closest candidate to `name`, compared case- and separator-insensitively. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  return new Suggester(candidates).suggest(name);
}

const normName = (s: string) => s.toLowerCase().replace(/[_\-\s]/g, '');


let gramScratch = new Float64Array(64);

/**
 * `bigrams(text)` as a sorted view of a shared buffer, valid until the next
 * call: building a suggester over tens of thousands of names makes no set per name.
 */
function distinctBigrams(text: string): Float64Array {
  if (gramScratch.length < text.length) gramScratch = new Float64Array(text.length * 2);
  let n = 0;
  for (let i = 0; i + 1 < text.length; i++) gramScratch[n++] = text.charCodeAt(i) * 65_536 + text.charCodeAt(i + 1);
  const sorted = gramScratch.subarray(0, n).sort();
  let distinct = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[distinct++] = sorted[i];
  return sorted.subarray(0, distinct);
}

/** The distinct bigrams of `text`, each as its two UTF-16 code units in one number (no string per bigram). */
function bigrams(text: string): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i + 1 < text.length; i++) out.add(text.charCodeAt(i) * 65_536 + text.charCodeAt(i + 1));
  return out;
}

/** Below this many candidates a question compares every one: an index would cost more than it saves. */
const INDEX_FROM = 64;

/**
 * The candidates sharing each bigram, as runs of one array: bigram `g`'s
 * candidates are `entries[offsets[s]]` to `entries[offsets[s + 1] - 1]`, in
 * candidate order, where `s = slots.get(g)`. Two typed arrays instead of an
 * array per bigram: a workspace of 50,000 task ids would spend tens of MB on them.
 */
interface Postings {
  readonly slots: Map<number, number>;
  readonly offsets: Uint32Array;
  readonly entries: Uint32Array;
  /** Each candidate's count of distinct bigrams. */
  readonly sizes: Uint16Array;
  /** Bigrams each candidate shares with the name asked; all zero between two questions. */
  readonly shared: Uint16Array;
}

function postingsOf(normed: readonly string[]): Postings {
  const slots = new Map<number, number>();
  const counts: number[] = [];
  const sizes = new Uint16Array(normed.length);
  for (let i = 0; i < normed.length; i++) {
    const grams = distinctBigrams(normed[i]);
    sizes[i] = grams.length;
    for (const gram of grams) {
      let slot = slots.get(gram);
      if (slot === undefined) slots.set(gram, (slot = counts.push(0) - 1));
      counts[slot]++;
    }
  }
  const offsets = new Uint32Array(counts.length + 1);
  for (let s = 0; s < counts.length; s++) offsets[s + 1] = offsets[s] + counts[s];
  const entries = new Uint32Array(offsets[counts.length]);
  const cursor = offsets.slice(0, counts.length);
  for (let i = 0; i < normed.length; i++) for (const gram of distinctBigrams(normed[i])) entries[cursor[slots.get(gram)!]++] = i;
  return { slots, offsets, entries, sizes, shared: new Uint16Array(normed.length) };
}

/**
 * Did-you-mean over a fixed set of names, built once and asked many times (a
 * config of thousands of sections against thousands of task ids): the nearest
 * candidate by edit distance, case- and separator-insensitively, the first of
 * equally near ones, none further than about a third of the name. Over many
 * candidates, they are visited by a lower bound on their edit distance, from the
 * bigrams they share with the name (an edit changes at most two bigrams), and
 * the search stops when no unvisited candidate can beat the best one; over a
 * few, each is compared: both give the exact nearest.
 */
export class Suggester {
  private readonly names: string[];
  private readonly normed: string[];
  private readonly postings: Postings | undefined;

  constructor(candidates: Iterable<string>) {
    this.names = [...candidates];
    this.normed = this.names.map(normName);
    this.postings = this.names.length >= INDEX_FROM ? postingsOf(this.normed) : undefined;
  }

  suggest(name: string): string | undefined {
    const target = normName(name);
    // A third of the name, and at least three edits for names long enough to be fields (`max_retry`).
    const limit = target.length >= 6 ? Math.max(3, Math.floor(target.length / 3)) : 2;
    const best = this.postings ? this.nearestIndexed(name, target, limit, this.postings) : this.nearestOfAll(name, target, limit);
    return best !== undefined ? this.names[best] : undefined;
  }

  private nearestOfAll(name: string, target: string, limit: number): number | undefined {
    let best: number | undefined;
    let bestScore = limit + 1;
    for (let i = 0; i < this.names.length; i++) {
      if (this.names[i] === name || Math.abs(this.normed[i].length - target.length) >= bestScore) continue;
      // In candidate order, only a nearer one replaces the best.
      const score = editDistanceWithin(target, this.normed[i], bestScore - 1);
      if (score < bestScore) {
        best = i;
        bestScore = score;
      }
    }
    return best;
  }

  private nearestIndexed(name: string, target: string, limit: number, postings: Postings): number | undefined {
    const { slots, offsets, entries, sizes, shared } = postings;
    const grams = bigrams(target);
    const touched: number[] = [];
    for (const gram of grams) {
      const slot = slots.get(gram);
      if (slot === undefined) continue;
      for (let k = offsets[slot]; k < offsets[slot + 1]; k++) if (shared[entries[k]]++ === 0) touched.push(entries[k]);
    }
    // A candidate's bound is at most `limit` only if it shares all but 2 × limit of the name's
    // bigrams: for a name of more bigrams than that, only candidates sharing one can be near.
    const everyone = grams.size <= 2 * limit;
    const order: { index: number; bound: number }[] = [];
    const consider = (i: number) => {
      if (this.names[i] === name) return;
      const bound = Math.ceil(Math.max(grams.size - shared[i], sizes[i] - shared[i]) / 2);
      if (bound <= limit && Math.abs(this.normed[i].length - target.length) <= limit) order.push({ index: i, bound });
    };
    if (everyone) for (let i = 0; i < this.names.length; i++) consider(i);
    else for (const i of touched) consider(i);
    for (const i of touched) shared[i] = 0;
    order.sort((x, y) => x.bound - y.bound || x.index - y.index);
    let best: number | undefined;
    let bestScore = limit + 1;
    for (const { index, bound } of order) {
      if (bound > bestScore) break;
      // Only a score up to the best so far can win (an equal one by coming first).
      const score = editDistanceWithin(target, this.normed[index], bestScore);
      if (score < bestScore || (score === bestScore && best !== undefined && index < best)) {
        best = index;
        bestScore = score;
      }
    }
    return best;
  }
}

function splitLast(name: string, separator: string): [string, string] {
  const at = name.lastIndexOf(separator);
  return at < 0 ? ['', name] : [name.slice(0, at), name.slice(at + 1)];
}

/**
 * Did-you-mean among the names that share the asked name's part before the last
 * `separator` (its module) or after it (its function): the answer of one
 * `Suggester` over both groups, found as the nearer of each group's nearest (equally
 * near: the first in sort order), with a `Suggester` per group built when first asked.
 */
export class NeighbourSuggester {
  private readonly groups = new Map<string, string[]>();
  private readonly suggesters = new Map<string, Suggester>();

  constructor(names: readonly string[], private readonly separator: string) {
    for (const name of names) {
      const [head, tail] = splitLast(name, separator);
      for (const key of [`h\u0000${head}`, `t\u0000${tail}`]) {
        const list = this.groups.get(key);
        if (list) list.push(name);
        else this.groups.set(key, [name]);
      }
    }
  }

  suggest(name: string): string | undefined {
    const [head, tail] = splitLast(name, this.separator);
    const a = this.nearestIn(`h\u0000${head}`, name);
    const b = this.nearestIn(`t\u0000${tail}`, name);
    if (a === undefined || b === undefined || a === b) return a ?? b;
    const target = normName(name);
    const da = editDistance(target, normName(a));
    const db = editDistance(target, normName(b));
    return da < db || (da === db && a < b) ? a : b;
  }

  private nearestIn(key: string, name: string): string | undefined {
    const group = this.groups.get(key);
    if (!group) return undefined;
    let suggester = this.suggesters.get(key);
    if (!suggester) {
      suggester = new Suggester([...new Set(group)].sort());
      this.suggesters.set(key, suggester);
    }
    return suggester.suggest(name);
  }
}
