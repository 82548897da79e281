// Checks of one written value against its field, the same for YAML, `.env`
// values and `task()` options: wrong types, enum spelling, pynenc's string
// quirks, exception references, negative counts.
import {
  CONCURRENCY_VALUES, ConfigNode, ExceptionRegistry, FieldSpec, checkExceptionReference, nodeToText, parsePythonInt,
  qualifiedName, readsAsFalse, shortQuote,
} from '../resolver';
import { FixData, Problem } from './problems';

export interface ValueContext {
  readonly exceptions: ExceptionRegistry;
  /** How values are written in this file: YAML/env values or TypeScript literals. */
  readonly syntax: 'yaml' | 'env' | 'typescript' | 'python';
  /** Where the value is written, when the node has no location (env values). */
  readonly start?: number;
  readonly end?: number;
}

function range(node: ConfigNode, ctx: ValueContext): { start: number; end: number } {
  return { start: node.loc?.start ?? ctx.start ?? 0, end: node.loc?.end ?? ctx.end ?? 0 };
}

function quoted(text: string, ctx: ValueContext): string {
  return ctx.syntax === 'typescript' || ctx.syntax === 'python' ? `'${text}'` : text;
}

/** A one-item list of `text` as this syntax writes it. */
function oneItemList(text: string, ctx: ValueContext): string {
  return ctx.syntax === 'python' ? `('${text}',)` : ctx.syntax === 'typescript' ? `['${text}']` : `[${text}]`;
}

/**
 * The fix that turns a string into a one-item list (none in an env value). In
 * YAML the item is the text without the spaces and line break around it, as a
 * block scalar (`retry_for: |`) holds it; text over several lines gets no fix.
 */
function oneItemListFix(text: string, ctx: ValueContext): FixData | undefined {
  if (ctx.syntax === 'env') return undefined;
  const item = ctx.syntax === 'yaml' ? text.trim() : text;
  if (ctx.syntax === 'yaml' && /[\r\n]/.test(item)) return undefined;
  return { replaceWith: oneItemList(item, ctx), title: `Change to a list: ${ctx.syntax === 'python' ? shortQuote(oneItemList(item, ctx)) : `[${shortQuote(item)}]`}` };
}

/** Every problem of `node` as a value of `field`. */
export function checkFieldValue(field: FieldSpec, node: ConfigNode, ctx: ValueContext): Problem[] {
  if (node.type === 'computed') return [];
  const problem = (p: Omit<Problem, 'start' | 'end'>): Problem => ({ ...p, ...range(node, ctx) });
  switch (field.type) {
    case 'int':
      return checkInt(field, node, problem);
    case 'bool':
      return checkBool(field, node, ctx, problem);
    case 'enum':
      return checkEnum(field, node, ctx, problem);
    case 'stringList':
      return checkStringList(field, node, ctx, problem);
    case 'exceptionList':
      return checkExceptionList(field, node, ctx, problem);
  }
}

type Make = (p: Omit<Problem, 'start' | 'end'>) => Problem;

function checkInt(field: FieldSpec, node: ConfigNode, problem: Make): Problem[] {
  let value: number | undefined;
  switch (node.type) {
    case 'int':
      value = node.value;
      break;
    case 'float':
      if (!Number.isFinite(node.value)) return [problem({ code: 'TL003', severity: 'error', message: `${field.name} must be an integer; ${nodeToText(node)} is not a finite number` })];
      return [problem({ code: 'TL003', severity: 'warning', message: `${field.name} expects an integer: ${node.value} is truncated to ${Math.trunc(node.value) || 0}`, data: { replaceWith: String(Math.trunc(node.value) || 0), title: `Change to ${Math.trunc(node.value) || 0}` } })];
    case 'bool':
      return [problem({ code: 'TL003', severity: 'warning', message: `${field.name} expects an integer; ${node.value} is used as ${node.value ? 1 : 0}` })];
    case 'string':
      value = parsePythonInt(node.value);
      if (value === undefined) {
        const shown = node.value === '' ? 'an empty value' : `'${shortQuote(node.value)}'`;
        return [problem({ code: 'TL003', severity: 'error', message: `${field.name} must be an integer, but ${shown} is not one: the task fails to configure` })];
      }
      break;
    default:
      return [problem({ code: 'TL003', severity: 'error', message: `${field.name} must be an integer, not a ${node.type === 'map' ? 'mapping' : node.type}` })];
  }
  if (value < 0) return [problem({ code: 'TL019', severity: 'warning', message: `${field.name} is negative (${value}); it should be 0 or more` })];
  return [];
}

function checkBool(field: FieldSpec, node: ConfigNode, ctx: ValueContext, problem: Make): Problem[] {
  if (node.type !== 'string') {
    if (node.type === 'list' || node.type === 'map') {
      return [problem({ code: 'TL003', severity: 'warning', message: `${field.name} expects true or false; this ${node.type === 'map' ? 'mapping' : 'list'} counts as ${(node.type === 'list' ? node.items.length : node.entries.length) > 0}` })];
    }
    return [];
  }
  if (readsAsFalse(node.value)) {
    return [problem({
      code: 'TL012',
      severity: 'warning',
      message: `${field.name} is the string '${shortQuote(node.value)}', which counts as TRUE: any non-empty string is true. Write false without quotes${ctx.syntax === 'env' ? ', or an empty value' : ''}.`,
      data: { replaceWith: ctx.syntax === 'env' ? '' : 'false', title: ctx.syntax === 'env' ? 'Use an empty value (false)' : 'Change to false' },
    })];
  }
  if (node.value !== '' && !/^true$/i.test(node.value.trim()) && ctx.syntax !== 'env') {
    return [problem({ code: 'TL003', severity: 'warning', message: `${field.name} expects true or false; the string '${shortQuote(node.value)}' counts as true` })];
  }
  return [];
}

function checkEnum(field: FieldSpec, node: ConfigNode, ctx: ValueContext, problem: Make): Problem[] {
  if (node.type === 'string' && (CONCURRENCY_VALUES as readonly string[]).includes(node.value)) return [];
  if (node.type !== 'string') {
    return [problem({ code: 'TL003', severity: 'error', message: `${field.name} must be one of ${CONCURRENCY_VALUES.join(', ')}, not ${nodeToText(node)}` })];
  }
  const lowered = node.value.trim().toLowerCase();
  const suggestion = CONCURRENCY_VALUES.find((v) => v === lowered || v === lowered + 's' || v + 's' === lowered || (lowered.length > 2 && v.startsWith(lowered)));
  const data = suggestion ? { replaceWith: quoted(suggestion, ctx), title: `Change to '${suggestion}'` } : { alternatives: CONCURRENCY_VALUES.map((v) => quoted(v, ctx)) };
  const shown = node.value === '' ? 'An empty value' : `'${shortQuote(node.value)}'`;
  return [problem({
    code: 'TL004',
    severity: 'error',
    message: `${shown} is not a valid ConcurrencyControlType value (expected ${CONCURRENCY_VALUES.join(', ')}; lowercase only)${suggestion ? `: did you mean '${suggestion}'?` : ''}`,
    data,
  })];
}

function checkStringList(field: FieldSpec, node: ConfigNode, ctx: ValueContext, problem: Make): Problem[] {
  switch (node.type) {
    case 'string': {
      const chars = Array.from(node.value);
      if (chars.length <= 1) return [];
      const shown = chars.slice(0, 6).map((c) => `'${c}'`).join(', ') + (chars.length > 6 ? ', …' : '');
      return [problem({ code: 'TL013', severity: 'warning', message: `${field.name} is a string, and a string is split into its characters: '${shortQuote(node.value)}' becomes [${shown}]. Write a list.`, data: oneItemListFix(node.value, ctx) })];
    }
    case 'list':
    case 'map':
      return [];
    default:
      return [problem({ code: 'TL003', severity: 'error', message: `${field.name} must be a list of argument names, not ${nodeToText(node)}` })];
  }
}

function checkExceptionList(field: FieldSpec, node: ConfigNode, ctx: ValueContext, problem: Make): Problem[] {
  if (node.type === 'string') {
    if (node.value === '') return [];
    return [problem({ code: 'TL013', severity: 'warning', message: `${field.name} is a string, and a string is split into its characters, so the runtime fails on '${shortQuote(Array.from(node.value)[0])}'. Write a list.`, data: oneItemListFix(node.value, ctx) })];
  }
  if (node.type === 'map') return [];
  if (node.type !== 'list') return [problem({ code: 'TL003', severity: 'error', message: `${field.name} must be a list of exception names, not ${nodeToText(node)}` })];
  const problems: Problem[] = [];
  for (const item of node.items) {
    const at = range(item, ctx);
    if (item.type === 'computed') continue;
    if (item.type !== 'string') {
      problems.push({ code: 'TL003', severity: 'error', message: `${field.name} entries must be exception names, not ${nodeToText(item)}`, ...at });
      continue;
    }
    problems.push(...checkExceptionName(item.value, ctx, at));
  }
  return problems;
}

/** TL005, TL006, TL007 for one exception name as written. */
export function checkExceptionName(name: string, ctx: ValueContext, at: { start: number; end: number }): Problem[] {
  const check = checkExceptionReference(name, ctx.exceptions);
  if (check.ok) return [];
  if (check.problem === 'unqualified' && name.trim() === '') {
    return [{ code: 'TL005', severity: 'error', message: 'An empty entry is not an exception name: the runtime cannot import it. Write <module>.<ClassName> or remove the entry.', ...at }];
  }
  if (check.problem === 'unqualified') {
    const matches = [...ctx.exceptions.all()].filter((c) => c.name === name).map(qualifiedName);
    const data = matches.length === 1 ? { replaceWith: matches[0], title: `Qualify as ${matches[0]}` } : { alternatives: matches };
    return [{ code: 'TL005', severity: 'error', message: `'${shortQuote(name)}' is not qualified: the runtime cannot import it. Write <module>.${shortQuote(name)}${matches.length > 0 ? ` (e.g. ${matches[0]})` : ''}.`, data, ...at }];
  }
  if (check.problem === 'notAnError') return [{ code: 'TL007', severity: 'error', message: `'${shortQuote(name)}' does not ${ctx.syntax === 'python' ? 'derive from Exception' : 'extend Error'}, so it cannot be retried for`, ...at }];
  return [{ code: 'TL006', severity: 'warning', message: `Exception class '${shortQuote(name)}' was not found in the workspace; the runtime will fail if it cannot import it`, ...at }];
}
