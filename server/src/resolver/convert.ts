// Converting the winning value of a field (SPEC §5), once, with pynenc's quirks:
// `"false"` is true for a bool, a string becomes its characters for a list,
// only lowercase enum values are accepted.
import { ConfigNode, describeNode, nodeToPlain, nodeToText, shortQuote } from './configNode';
import { checkExceptionReference, ExceptionRegistry, qualifiedName } from './exceptions';
import { CONCURRENCY_VALUES, FieldSpec } from './fields';

export type FieldValue = number | boolean | string | readonly unknown[];

export type Conversion =
  | { readonly ok: true; readonly value: FieldValue }
  | { readonly ok: false; readonly message: string }
  /** A computed `task()` option: present, value unknown. */
  | { readonly ok: 'computed' };

const PY_INT = /^[+-]?[0-9]+(?:_[0-9]+)*$/;

/** Python's `int(str)`: surrounding whitespace, a sign, `_` between digits. */
export function parsePythonInt(text: string): number | undefined {
  const trimmed = text.trim();
  return PY_INT.test(trimmed) ? Number(trimmed.replace(/_/g, '')) : undefined;
}

/** Python truthiness of a config value. */
export function isTruthy(node: ConfigNode): boolean {
  switch (node.type) {
    case 'null':
      return false;
    case 'bool':
      return node.value;
    case 'int':
    case 'float':
      return node.value !== 0;
    case 'string':
      return node.value !== '';
    case 'list':
      return node.items.length > 0;
    case 'map':
      return node.entries.length > 0;
    case 'computed':
      return true;
  }
}

/** A string that a person means as false (`false`, `no`, `off`, `0`, `n`, `f`, any case). */
export function readsAsFalse(text: string): boolean {
  return /^(false|no|off|0|n|f)$/i.test(text.trim());
}

function fail(message: string): Conversion {
  return { ok: false, message };
}

/** Whether any part of the value is only known at run time. */
function containsComputed(node: ConfigNode): boolean {
  // Iterative: a value may nest as deep as its reader allows.
  const todo: ConfigNode[] = [node];
  const seen = new Set<ConfigNode>();
  while (todo.length > 0) {
    const next = todo.pop()!;
    if (next.type === 'computed') return true;
    if (seen.has(next)) continue;
    seen.add(next);
    if (next.type === 'list') for (const item of next.items) todo.push(item);
    else if (next.type === 'map') for (const entry of next.entries) todo.push(entry.value);
  }
  return false;
}

export function convertValue(field: FieldSpec, node: ConfigNode, exceptions: ExceptionRegistry): Conversion {
  if (containsComputed(node)) return { ok: 'computed' };
  switch (field.type) {
    case 'int':
      return toInt(node);
    case 'bool':
      return { ok: true, value: isTruthy(node) };
    case 'enum':
      return toEnum(node);
    case 'stringList':
      return toStringList(node);
    case 'exceptionList':
      return toExceptionList(node, exceptions);
  }
}

function toInt(node: ConfigNode): Conversion {
  switch (node.type) {
    case 'int':
    case 'bool':
      return { ok: true, value: node.value };
    case 'float':
      return Number.isFinite(node.value) ? { ok: true, value: Math.trunc(node.value) || 0 } : fail(`${nodeToText(node)} is not a finite number, so it cannot be an integer`);
    case 'string': {
      const parsed = parsePythonInt(node.value);
      return parsed !== undefined ? { ok: true, value: parsed } : fail(`${nodeToText(node)} is not an integer`);
    }
    default:
      return fail(`expected an integer, got ${describeNode(node)}`);
  }
}

function toEnum(node: ConfigNode): Conversion {
  if (node.type === 'string' && (CONCURRENCY_VALUES as readonly string[]).includes(node.value)) return { ok: true, value: node.value };
  const shown = node.type === 'string' ? nodeToText(node) : describeNode(node);
  return fail(`${shown} is not a valid ConcurrencyControlType value (expected ${CONCURRENCY_VALUES.slice(0, -1).join(', ')} or ${CONCURRENCY_VALUES[CONCURRENCY_VALUES.length - 1]})`);
}

function toStringList(node: ConfigNode): Conversion {
  switch (node.type) {
    case 'list':
      return { ok: true, value: node.items.map(nodeToPlain) };
    case 'string':
      return { ok: true, value: Array.from(node.value) };
    case 'map':
      return { ok: true, value: node.entries.map((e) => e.key) };
    default:
      return fail(`expected a list of argument names, got ${describeNode(node)}`);
  }
}

function toExceptionList(node: ConfigNode, exceptions: ExceptionRegistry): Conversion {
  let references: ConfigNode[];
  let fromString = false;
  switch (node.type) {
    case 'list':
      references = [...node.items];
      break;
    case 'map':
      references = node.entries.map((e) => ({ type: 'string', value: e.key }));
      break;
    case 'string':
      references = Array.from(node.value, (ch) => ({ type: 'string', value: ch }));
      fromString = true;
      break;
    default:
      return fail(`expected a list of exception names, got ${describeNode(node)}`);
  }
  const names: string[] = [];
  for (const reference of references) {
    if (reference.type !== 'string') return fail(`expected exception names as strings, got ${describeNode(reference)}`);
    const check = checkExceptionReference(reference.value, exceptions);
    if (!check.ok) {
      if (fromString) {
        return fail(`${nodeToText(node)} is a single string, not a list: it is split into characters, and '${shortQuote(reference.value)}' is not a qualified exception name (write a list)`);
      }
      return fail(check.message);
    }
    names.push(qualifiedName(check.cls));
  }
  return { ok: true, value: names };
}
