// Exception references (SPEC §6): `<module>.<ClassName>`, resolved against a
// registry the caller supplies; JavaScript's built-in errors and the library's
// RetryError are always there.
import { shortQuote } from './configNode';
import { RETRY_ERROR } from './fields';

export interface ExceptionClass {
  readonly module: string;
  readonly name: string;
  /** Whether it extends `Error`, directly or through other classes. */
  readonly extendsError: boolean;
  /** Where it is declared, when it is a workspace class. */
  readonly file?: string;
  readonly line?: number;
  /** Qualified names of its bases, nearest first (for hovers). */
  readonly bases?: readonly string[];
}

export interface ExceptionRegistry {
  lookup(qualifiedName: string): ExceptionClass | undefined;
  all(): Iterable<ExceptionClass>;
}

export const BUILTIN_ERROR_NAMES = ['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'AggregateError'] as const;

export const BUILTIN_EXCEPTIONS: readonly ExceptionClass[] = [
  ...BUILTIN_ERROR_NAMES.map((name) => ({ module: 'builtins', name, extendsError: true, bases: name === 'Error' ? [] : ['builtins.Error'] })),
  { module: 'tasklens', name: RETRY_ERROR.slice('tasklens.'.length), extendsError: true, bases: ['builtins.Error'] },
];

export function qualifiedName(cls: Pick<ExceptionClass, 'module' | 'name'>): string {
  return `${cls.module}.${cls.name}`;
}

/**
 * A registry of the built-ins plus `classes` (a later class with the same name
 * wins). The built-ins are JavaScript's by default; a Python task's are Python's.
 */
export function exceptionRegistry(classes: Iterable<ExceptionClass> = [], builtins: readonly ExceptionClass[] = BUILTIN_EXCEPTIONS): ExceptionRegistry {
  const byName = new Map<string, ExceptionClass>();
  for (const cls of builtins) byName.set(qualifiedName(cls), cls);
  for (const cls of classes) byName.set(qualifiedName(cls), cls);
  return { lookup: (name) => byName.get(name), all: () => byName.values() };
}

export type ExceptionCheck =
  | { readonly ok: true; readonly cls: ExceptionClass }
  | { readonly ok: false; readonly problem: 'unqualified' | 'notFound' | 'notAnError'; readonly message: string };

/** Resolves one reference as the runtime would import it. */
export function checkExceptionReference(reference: string, registry: ExceptionRegistry): ExceptionCheck {
  const dot = reference.lastIndexOf('.');
  if (dot < 0) {
    return { ok: false, problem: 'unqualified', message: `'${shortQuote(reference)}' is not a qualified exception name (write <module>.<ClassName>, e.g. builtins.${shortQuote(reference) || 'Error'})` };
  }
  const cls = dot > 0 && dot < reference.length - 1 ? registry.lookup(reference) : undefined;
  if (cls === undefined) return { ok: false, problem: 'notFound', message: `exception class '${shortQuote(reference)}' cannot be found (the runtime cannot import it)` };
  if (!cls.extendsError) return { ok: false, problem: 'notAnError', message: `'${shortQuote(reference)}' is not an exception class (it does not extend Error)` };
  return { ok: true, cls };
}
