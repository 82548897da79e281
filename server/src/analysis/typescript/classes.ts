// The class hierarchy of the workspace: every declared class by qualified name,
// and whether its `extends` chain, followed across files, reaches a built-in
// error (what makes it an exception `retry_for` accepts, SPEC §6).
import { BUILTIN_EXCEPTIONS, ExceptionClass, qualifiedName } from '../../resolver';
import { ClassFact } from '../typescriptFacts';

/** A class as the class table needs it, made once per resolved file. */
export interface DeclaredClass {
  readonly qualifiedName: string;
  readonly fact: ClassFact;
  readonly line: number;
  /** Ready-made for a class without `extends` (most classes), which needs no chain. */
  readonly withoutBase: ExceptionClass | undefined;
}

export function declaredClass(fact: ClassFact, line: number): DeclaredClass {
  const withoutBase = fact.extendsName === undefined ? { module: fact.module, name: fact.name, extendsError: false, file: fact.file, line, bases: [] } : undefined;
  return { qualifiedName: qualifiedName(fact), fact, line, withoutBase };
}

export interface ClassTable {
  readonly byName: ReadonlyMap<string, DeclaredClass>;
  readonly exceptions: readonly ExceptionClass[];
}

/** The table of `classes`, in order; of classes sharing a qualified name the first counts. */
export function classTable(classes: Iterable<DeclaredClass>): ClassTable {
  const byName = new Map<string, DeclaredClass>();
  for (const declared of classes) if (!byName.has(declared.qualifiedName)) byName.set(declared.qualifiedName, declared);
  const chains = new ExtendsChains(byName);
  const exceptions: ExceptionClass[] = [];
  for (const declared of byName.values()) {
    if (declared.withoutBase !== undefined) {
      exceptions.push(declared.withoutBase);
      continue;
    }
    const { fact, line } = declared;
    const { extendsError, bases } = chains.of(declared.qualifiedName, fact.extendsName);
    exceptions.push({ module: fact.module, name: fact.name, extendsError, file: fact.file, line, bases });
  }
  return { byName, exceptions };
}

interface ExtendsChain {
  readonly extendsError: boolean;
  /** Nearest first. Shared between classes with the same base, hence readonly. */
  readonly bases: readonly string[];
}

const NO_CHAIN: ExtendsChain = { extendsError: false, bases: [] };

/** The built-in errors and the library's RetryError, where every chain that reaches one ends. */
const BUILTIN_CHAINS: ReadonlyMap<string, ExtendsChain> = new Map(
  BUILTIN_EXCEPTIONS.map((cls) => [qualifiedName(cls), { extendsError: cls.extendsError, bases: [qualifiedName(cls), ...(cls.bases ?? [])] }]),
);

/**
 * `extends` chains, followed across files down to a built-in error, an unknown
 * class or a cycle. Memoised by base, since many classes share their bases.
 */
class ExtendsChains {
  private readonly memo = new Map<string, ExtendsChain>();

  constructor(private readonly declared: ReadonlyMap<string, DeclaredClass>) {}

  of(qualifiedName: string, base: string | undefined): ExtendsChain {
    return base === undefined ? NO_CHAIN : this.from(base, new Set([qualifiedName])).chain;
  }

  /** `visiting` holds the classes on the current path; a chain cut by a cycle depends on where it started, so it is not memoised. */
  private from(base: string | undefined, visiting: Set<string>): { chain: ExtendsChain; cyclic: boolean } {
    if (base === undefined) return { chain: NO_CHAIN, cyclic: false };
    if (visiting.has(base)) return { chain: NO_CHAIN, cyclic: true };
    const memo = this.memo.get(base);
    if (memo !== undefined) return { chain: memo, cyclic: false };
    const result = this.walk(base, visiting);
    if (!result.cyclic) this.memo.set(base, result.chain);
    return result;
  }

  private walk(base: string, visiting: Set<string>): { chain: ExtendsChain; cyclic: boolean } {
    const builtin = BUILTIN_CHAINS.get(base);
    if (builtin !== undefined) return { chain: builtin, cyclic: false };
    const next = this.declared.get(base);
    if (next === undefined) return { chain: { extendsError: false, bases: [base] }, cyclic: false };
    visiting.add(base);
    const rest = this.from(next.fact.extendsName, visiting);
    visiting.delete(base);
    return { chain: { extendsError: rest.chain.extendsError, bases: [base, ...rest.chain.bases] }, cyclic: rest.cyclic };
  }
}
