// What the half-typed scenarios (halfTyped*.spec.ts) share: the `app`
// fixture's names, completion at a marked place in its config.yaml, and the
// checks every answer there must pass. Every completion item is applied to the
// text (its whole edit), and the result must be the YAML the user meant, read
// by the `yaml` package.
import * as assert from 'node:assert/strict';
import * as YAML from 'yaml';
import { labels } from './assertions';
import { Completion, completeAt, fixture, hoverAt } from './harness';
import { offsetAt } from './text';

export const CONFIG = 'config.yaml';
export const FIELDS = ['parallel_batch_size', 'retry_for', 'max_retries', 'running_concurrency', 'registration_concurrency', 'key_arguments', 'on_diff_non_key_args_raise', 'call_result_cache', 'disable_cache_args', 'force_new_workflow', 'reroute_on_concurrency_control'];
export const TASKS = ['src.tasks.billing.chargeCard', 'src.tasks.billing.refund', 'src.tasks.email.sendDigest', 'src.tasks.email.sendEmail'];
export const ENUM = ['disabled', 'task', 'arguments', 'keys'];
export const EXCEPTIONS = ['src.errors.network.NetworkError', 'src.errors.base.AppError', 'builtins.TypeError', 'builtins.Error', 'tasklens.RetryError'];

/** Where the cursor is marked: `|`, or another character for a text that holds `|` (a YAML block scalar). */
export interface Marker {
  readonly cursor?: string;
}

/** Completion at the `|` of `marked`, opened as config.yaml in a fresh `app` workspace. */
export function complete(marked: string, marker: Marker = {}): Completion {
  return completeAt(fixture('app'), CONFIG, marked, marker);
}

/** The YAML errors of a text, by code, except those listed. */
export function yamlErrors(text: string, tolerated: readonly string[] = []): string[] {
  return YAML.parseDocument(text).errors.filter((e) => !tolerated.includes(e.code)).map((e) => `${e.code}: ${e.message.split('\n')[0]}`);
}

/** What a text reads as, which must be valid YAML. */
export function read(text: string): unknown {
  assert.deepEqual(yamlErrors(text), [], JSON.stringify(text));
  return YAML.parse(text);
}

export interface ParseOptions {
  /** Tolerate the kinds of error the text already has away from the cursor. */
  readonly elsewhere?: boolean;
  /** Appended first, for a flow collection the user has not closed yet. */
  readonly close?: string;
}

/** Accepting any item leaves YAML without errors; and each item is found by what is typed. */
export function assertEveryItemParses(c: Completion, options: ParseOptions = {}): void {
  assert.ok(c.items.length > 0, `some items at ${JSON.stringify(c.doc.text)}`);
  assertFoundByWhatIsTyped(c);
  const tolerated = options.elsewhere ? YAML.parseDocument(c.doc.text).errors.map((e) => e.code) : [];
  for (const i of c.items) {
    const text = c.accept(i.label);
    const closed = options.close ? text.replace(/\s*$/, options.close) : text;
    assert.deepEqual(yamlErrors(closed, tolerated), [], `accepting '${i.label}' gives ${JSON.stringify(closed)}`);
  }
}

/**
 * Each item that what is typed leads to (its label starts with it, a quote
 * aside) passes an editor's filter: the text from the start of its edit to the
 * cursor stands, in order and from its first character, in the item's filter
 * text (as VS Code matches; a word begun with a quote needs the quote there).
 */
export function assertFoundByWhatIsTyped(c: Completion): void {
  for (const i of c.items) {
    const edit = i.textEdit;
    if (!edit || !('range' in edit)) continue;
    const typed = c.doc.text.slice(offsetAt(c.doc.text, edit.range.start), c.doc.offset).replace(/^\s+/, '').toLowerCase();
    if (!i.label.toLowerCase().startsWith(typed.replace(/^["']/, ''))) continue;
    const filter = (i.filterText ?? i.label).toLowerCase();
    let at = 0;
    for (const ch of typed) at = at < 0 ? at : filter.indexOf(ch, at) + 1 || -1;
    assert.ok(typed === '' || (typed[0] === filter[0] && at > 0), `'${i.label}' (filtered as '${i.filterText ?? i.label}') is hidden once '${typed}' is typed`);
  }
}

/** Completion at `marked` where accepting `label` writes `line` at the cursor, and accepting any item leaves valid YAML. */
export function completeTo(marked: string, label: string, line: string, options: ParseOptions & Marker = {}): Completion {
  const c = complete(marked, options);
  assert.equal(c.lineAfter(label), line);
  assertEveryItemParses(c, options);
  return c;
}

/** Completion at `marked` that offers exactly `expected` (in any order), each of which leaves valid YAML. */
export function completeOffering(marked: string, expected: readonly string[], options: ParseOptions & Marker = {}): Completion {
  const c = complete(marked, options);
  assert.deepEqual(sorted(labels(c.items)), sorted(expected));
  assertEveryItemParses(c, options);
  return c;
}

export function sorted(items: readonly string[]): string[] {
  return [...items].sort();
}

export function fieldsExcept(...set: string[]): string[] {
  return sorted(FIELDS.filter((f) => !set.includes(f)));
}

/**
 * The hover at the `|` of `marked` (config.yaml) over `covers`, in a file the
 * runtime refuses: the field's chain says so, and what the parts that parse give.
 */
export function assertPartsGive(marked: string, covers: string, task: string, value: string, source: string): void {
  const hover = hoverAt(fixture('app'), CONFIG, marked);
  assert.equal(hover.covers, covers);
  assert.ok(hover.markdown.includes(`**Effective for \`${task}\`: ⚠ error**`), hover.markdown);
  assert.ok(hover.markdown.includes(`_The runtime refuses the file; the parts that do parse would give_ \`${value}\` _from ${source}._`), hover.markdown);
}

/** Every prefix of `word`, the empty one included. */
export function prefixes(word: string): string[] {
  return Array.from({ length: word.length + 1 }, (_, n) => word.slice(0, n));
}
