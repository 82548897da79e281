// Kept data in less memory: equal strings shared, arrays fitted to their length.
// Sharing equal strings: a record that crosses a process boundary arrives with a
// new string for every occurrence of every name: 10,000 TypeScript files'
// records held `TypeError` 72,000 times and each option's value type
// (`string`, `list`, …) once per option: 1.1 million strings at 50,000 tasks,
// 0.4 million shared (~10 MB less).

/** Strings seen so far, each kept once; a table lives as long as one read of many files. */
export type InternTable = Map<string, string>;

/** The table's string equal to `s` (`s` itself the first time). */
export function internString(table: InternTable, s: string): string {
  const kept = table.get(s);
  if (kept !== undefined) return kept;
  table.set(s, s);
  return s;
}

/**
 * Replaces, in place, every string inside `value` (plain objects, arrays, Maps
 * and Sets, to any depth, without recursion) by the table's equal one. Maps and
 * Sets are rebuilt, so the value returned is the one to keep.
 */
export function internStrings<T>(table: InternTable, value: T): T {
  const pending: object[] = [];
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') return internString(table, v);
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return v;
    if (v instanceof Map) {
      const rebuilt = new Map<unknown, unknown>();
      for (const [k, x] of v) rebuilt.set(visit(k), visit(x));
      return rebuilt;
    }
    if (v instanceof Set) {
      const rebuilt = new Set<unknown>();
      for (const x of v) rebuilt.add(visit(x));
      return rebuilt;
    }
    pending.push(v);
    return v;
  };
  const root = visit(value) as T;
  // Each container once: a value shared by two places (structured clone keeps that) is not walked twice.
  const seen = new Set<object>();
  while (pending.length > 0) {
    const container = pending.pop() as Record<string, unknown>;
    if (seen.has(container)) continue;
    seen.add(container);
    if (Array.isArray(container)) {
      for (let i = 0; i < container.length; i++) container[i] = visit(container[i]);
    } else {
      for (const key of Object.keys(container)) container[key] = visit(container[key]);
    }
  }
  return root;
}

/**
 * A kept copy of an array built by `push`: such an array has room for 17 items
 * after its first push (184 bytes for 3 items, 72 for the copy), and a large file
 * keeps hundreds of thousands of short ones.
 */
export function fitted<T>(items: T[]): T[] {
  return items.slice();
}
