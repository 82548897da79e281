// Python names across files: what `X`, `mod.X` or `pkg.mod.X` written in one
// file stands for, following `import`, `from ... import` (relative included),
// `from m import *` and re-exports, down to a class, a module, a pynenc app or
// a name outside the workspace. Findings are memoised with the modules they
// read, so that a change drops only what it can make stale.
import { pythonBuiltinQualifiedName } from './builtins';
import { isUnshadowedBuiltin } from './fileReader';
import { Tracked, TrackedResolver } from '../trackedResolver';
import { Binding, FileRecord } from './records';

export type PythonValue =
  | { readonly kind: 'class'; readonly qname: string }
  | { readonly kind: 'module'; readonly module: string }
  | { readonly kind: 'app'; readonly qname: string }
  /** Something of a module outside the workspace: a class, a module, anything; its name is all we know. */
  | { readonly kind: 'external'; readonly qname: string }
  /** A name a workspace module does not define (the runtime would fail to import it). */
  | { readonly kind: 'missing'; readonly qname: string }
  /** A module-level function or variable. */
  | { readonly kind: 'other'; readonly qname: string };

/** The qualified name a value gives an exception reference, if any. */
export function qualifiedNameOf(value: PythonValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  switch (value.kind) {
    case 'class':
    case 'external':
    case 'missing':
      return value.qname;
    default:
      return undefined;
  }
}

/** Where the resolver finds modules. */
export interface ModuleTable {
  /** The record of the file that is module `module`, if the workspace has one. */
  recordOf(module: string): FileRecord | undefined;
  /** Whether `module` is a workspace module or package (a namespace package without a file included). */
  isKnown(module: string): boolean;
}

/** A finding and the modules it read (duplicates allowed: most lists are two or three long). */
type Memo = Tracked<PythonValue | undefined, string[]>;

export class PythonNameResolver extends TrackedResolver<string[]> {
  /** Module → name → finding. */
  private readonly memo = new Map<string, Map<string, Memo>>();
  private memoSize = 0;

  constructor(private readonly table: ModuleTable) {
    super();
  }

  protected noReads(): string[] {
    return [];
  }

  protected addReads(into: string[], reads: readonly string[]): void {
    for (const d of reads) into.push(d);
  }

  get isEmpty(): boolean {
    return this.memoSize === 0;
  }

  /** Drops memoised findings that read any of `modules`. */
  forget(modules: ReadonlySet<string>): void {
    for (const [module, byName] of this.memo) {
      for (const [name, entry] of byName) {
        if (entry.deps.some((m) => modules.has(m))) {
          byName.delete(name);
          this.memoSize--;
        }
      }
      if (byName.size === 0) this.memo.delete(module);
    }
  }

  clear(): void {
    this.memo.clear();
    this.memoSize = 0;
  }

  /** What `parts` (`['errors', 'PaymentError']`) written in `record`'s file stands for. */
  resolveRef(record: FileRecord, parts: readonly string[]): PythonValue | undefined {
    let value = this.resolveName(record, parts[0]);
    for (let i = 1; i < parts.length && value !== undefined; i++) value = this.member(value, parts[i]);
    return value;
  }

  /** What `name` stands for in `record`'s file: its own names, then the built-ins, then `from m import *`. */
  resolveName(record: FileRecord, name: string): PythonValue | undefined {
    const module = record.module;
    if (module === undefined) return undefined;
    this.deps?.push(module);
    return this.boundName(record, module, name, true);
  }

  private resolveBinding(binding: Binding): PythonValue | undefined {
    if (binding.kind === 'module') {
      this.deps?.push(binding.module);
      return { kind: 'module', module: binding.module };
    }
    return this.attribute(binding.module, binding.name);
  }

  private member(value: PythonValue, name: string): PythonValue | undefined {
    if (value.kind === 'module') return this.attribute(value.module, name);
    if (value.kind === 'external') return { kind: 'external', qname: `${value.qname}.${name}` };
    return undefined;
  }

  /** Attribute `name` of module `module`: what `from module import name` binds. */
  attribute(module: string, name: string): PythonValue | undefined {
    let byName = this.memo.get(module);
    const memo = byName?.get(name);
    if (memo !== undefined) return this.recall(memo);
    // Re-export cycles (`a` imports `x` from `b`, `b` from `a`) end here.
    const found = this.findOnce(`${module}\0${name}`, () => this.attributeUncached(module, name));
    if (found === undefined) return undefined;
    if (byName === undefined) {
      byName = new Map();
      this.memo.set(module, byName);
    }
    byName.set(name, found);
    this.memoSize++;
    return found.value;
  }

  private attributeUncached(module: string, name: string): PythonValue | undefined {
    const submodule = `${module}.${name}`;
    this.deps?.push(module, submodule);
    const record = this.table.recordOf(module);
    if (record !== undefined) {
      // Not a built-in: `from m import ValueError` needs `m` to bind it.
      const own = this.boundName(record, record.module!, name, false);
      if (own !== undefined) return own;
      if (this.table.isKnown(submodule)) return { kind: 'module', module: submodule };
      return { kind: 'missing', qname: submodule };
    }
    if (this.table.isKnown(submodule)) return { kind: 'module', module: submodule };
    if (this.table.isKnown(module)) return { kind: 'missing', qname: submodule };
    return { kind: 'external', qname: submodule };
  }

  /** A name module `module` (`record`'s file) binds, or with `builtins` a built-in it does not shadow, or one a star import brings. */
  private boundName(record: FileRecord, module: string, name: string, builtins: boolean): PythonValue | undefined {
    if (record.classes.some((c) => c.name === name)) return { kind: 'class', qname: `${module}.${name}` };
    if (record.appNames.has(name)) return { kind: 'app', qname: `${module}.${name}` };
    const binding = record.bindings.get(name);
    if (binding !== undefined) return this.resolveBinding(binding);
    if (record.localNames.has(name)) return { kind: 'other', qname: `${module}.${name}` };
    if (builtins && isUnshadowedBuiltin(record, name)) return { kind: 'class', qname: pythonBuiltinQualifiedName(name)! };
    for (const star of record.stars) {
      const found = this.attribute(star, name);
      if (found !== undefined && found.kind !== 'missing' && found.kind !== 'external') return found;
    }
    return undefined;
  }
}
