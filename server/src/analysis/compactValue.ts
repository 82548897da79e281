// A plain value (objects, arrays, Maps, Sets, strings, numbers, booleans, null,
// undefined) in a compact form for crossing a process boundary: each distinct
// string and each object shape (its keys in order) written once, the rest as
// varints in one byte array. The TypeScript parsing child's records for 5,000
// files were 33 MB as structured clone, where every `type`, `loc`, file path and
// module is written out again at each use; compact they are 6.8 MB, and reading
// them back takes a fifth of the time. Decoding shares equal strings through an
// intern table, as `internStrings` would afterwards. Object identity is not kept
// (a value in two places comes back as two equal values): records never rely on it.
import { InternTable, internString } from './intern';

export interface CompactValue {
  readonly strings: readonly string[];
  /** Each object shape's keys, in order. */
  readonly shapes: readonly (readonly string[])[];
  /** Numbers that are not 32-bit integers (`1.5`, `-0`, `NaN`, `2 ** 40`). */
  readonly numbers: readonly number[];
  readonly bytes: Uint8Array;
}

const enum Tag {
  Undefined,
  Null,
  True,
  False,
  String,
  Int,
  Number,
  Array,
  Object,
  Map,
  Set,
}

interface ShapeNode {
  id: number;
  readonly keys: readonly string[];
  readonly next: Map<string, ShapeNode>;
}

/**
 * `value` in compact form. Own and inherited enumerable keys are written (records
 * are plain objects); a function, a symbol or a bigint throws, as in structured
 * clone, and so does a cycle (the stack overflows).
 */
export function encodeCompact(value: unknown): CompactValue {
  const strings: string[] = [];
  const stringIds = new Map<string, number>();
  const shapes: (readonly string[])[] = [];
  const shapeRoot: ShapeNode = { id: -1, keys: [], next: new Map() };
  const numbers: number[] = [];
  let bytes = new Uint8Array(1 << 16);
  let length = 0;

  const varint = (n: number): void => {
    if (length + 5 > bytes.length) {
      const grown = new Uint8Array(bytes.length * 2);
      grown.set(bytes);
      bytes = grown;
    }
    let x = n >>> 0;
    while (x >= 0x80) {
      bytes[length++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    bytes[length++] = x;
  };
  const stringId = (s: string): number => {
    let id = stringIds.get(s);
    if (id === undefined) {
      id = strings.length;
      strings.push(s);
      stringIds.set(s, id);
    }
    return id;
  };
  const shapeId = (object: object): number => {
    let node = shapeRoot;
    for (const key in object) {
      let next = node.next.get(key);
      if (next === undefined) {
        next = { id: -1, keys: [...node.keys, key], next: new Map() };
        node.next.set(key, next);
      }
      node = next;
    }
    if (node.id < 0) {
      node.id = shapes.length;
      shapes.push(node.keys);
    }
    return node.id;
  };

  const write = (v: unknown): void => {
    switch (typeof v) {
      case 'undefined':
        varint(Tag.Undefined);
        return;
      case 'boolean':
        varint(v ? Tag.True : Tag.False);
        return;
      case 'string':
        varint(Tag.String);
        varint(stringId(v));
        return;
      case 'number':
        if ((v | 0) === v && !Object.is(v, -0)) {
          varint(Tag.Int);
          // Zigzag: small negative numbers stay short.
          varint((v << 1) ^ (v >> 31));
        } else {
          varint(Tag.Number);
          varint(numbers.length);
          numbers.push(v);
        }
        return;
      case 'object':
        break;
      default:
        throw new TypeError(`a ${typeof v} cannot be encoded`);
    }
    if (v === null) {
      varint(Tag.Null);
    } else if (Array.isArray(v)) {
      varint(Tag.Array);
      varint(v.length);
      for (let i = 0; i < v.length; i++) write(v[i]);
    } else if (v instanceof Map) {
      varint(Tag.Map);
      varint(v.size);
      for (const [key, item] of v) {
        write(key);
        write(item);
      }
    } else if (v instanceof Set) {
      varint(Tag.Set);
      varint(v.size);
      for (const item of v) write(item);
    } else {
      varint(Tag.Object);
      varint(shapeId(v));
      const record = v as Record<string, unknown>;
      for (const key in record) write(record[key]);
    }
  };

  write(value);
  return { strings, shapes, numbers, bytes: bytes.subarray(0, length) };
}

/** The value `encodeCompact` was given, its strings taken from (and added to) `table`. */
export function decodeCompact(compact: CompactValue, table: InternTable): unknown {
  const strings = compact.strings.map((s) => internString(table, s));
  const shapes = compact.shapes.map((keys) => keys.map((k) => internString(table, k)));
  const { bytes, numbers } = compact;
  let at = 0;

  const varint = (): number => {
    let x = 0;
    let shift = 0;
    let b: number;
    do {
      if (at >= bytes.length) throw new RangeError('compact value: truncated');
      b = bytes[at++];
      x |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    return x >>> 0;
  };
  const indexed = <T>(items: readonly T[]): T => {
    const i = varint();
    if (i >= items.length) throw new RangeError('compact value: index out of range');
    return items[i];
  };

  const read = (): unknown => {
    const tag = varint();
    switch (tag) {
      case Tag.Undefined:
        return undefined;
      case Tag.Null:
        return null;
      case Tag.True:
        return true;
      case Tag.False:
        return false;
      case Tag.String:
        return indexed(strings);
      case Tag.Int: {
        const z = varint();
        return (z >>> 1) ^ -(z & 1);
      }
      case Tag.Number:
        return indexed(numbers);
      case Tag.Array: {
        const n = varint();
        const items = new Array<unknown>(n);
        for (let i = 0; i < n; i++) items[i] = read();
        return items;
      }
      case Tag.Map: {
        const n = varint();
        const map = new Map<unknown, unknown>();
        for (let i = 0; i < n; i++) {
          const key = read();
          map.set(key, read());
        }
        return map;
      }
      case Tag.Set: {
        const n = varint();
        const set = new Set<unknown>();
        for (let i = 0; i < n; i++) set.add(read());
        return set;
      }
      case Tag.Object: {
        const keys = indexed(shapes);
        const object: Record<string, unknown> = {};
        for (let i = 0; i < keys.length; i++) {
          const key = keys[i];
          // An own `__proto__` key stays a key (assigning it would set the prototype).
          if (key === '__proto__') Object.defineProperty(object, key, { value: read(), enumerable: true, writable: true, configurable: true });
          else object[key] = read();
        }
        return object;
      }
      default:
        throw new RangeError(`compact value: unknown tag ${tag}`);
    }
  };

  const value = read();
  if (at !== bytes.length) throw new RangeError('compact value: bytes left over');
  return value;
}
