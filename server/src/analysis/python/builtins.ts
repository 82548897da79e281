// Python's built-in exceptions (the 3.11 hierarchy) as module `builtins`, and
// pynenc's own RetryError, the default `retry_for` of a Python task (SPEC §10).
// `extendsError` means "derives from `Exception`": pynenc refuses anything
// else in `retry_for` (BaseException, KeyboardInterrupt, SystemExit, ...).
import { ExceptionClass } from '../../resolver';

/** The default `retry_for` of a Python task. */
export const PYTHON_RETRY_ERROR = 'pynenc.exceptions.RetryError';

/** Child → parent (first base); `BaseException` is the root. */
const PARENT: Readonly<Record<string, string | undefined>> = {
  BaseException: undefined,
  BaseExceptionGroup: 'BaseException',
  GeneratorExit: 'BaseException',
  KeyboardInterrupt: 'BaseException',
  SystemExit: 'BaseException',
  Exception: 'BaseException',
  ArithmeticError: 'Exception',
  FloatingPointError: 'ArithmeticError',
  OverflowError: 'ArithmeticError',
  ZeroDivisionError: 'ArithmeticError',
  AssertionError: 'Exception',
  AttributeError: 'Exception',
  BufferError: 'Exception',
  EOFError: 'Exception',
  ExceptionGroup: 'BaseExceptionGroup',
  ImportError: 'Exception',
  ModuleNotFoundError: 'ImportError',
  LookupError: 'Exception',
  IndexError: 'LookupError',
  KeyError: 'LookupError',
  MemoryError: 'Exception',
  NameError: 'Exception',
  UnboundLocalError: 'NameError',
  OSError: 'Exception',
  BlockingIOError: 'OSError',
  ChildProcessError: 'OSError',
  ConnectionError: 'OSError',
  BrokenPipeError: 'ConnectionError',
  ConnectionAbortedError: 'ConnectionError',
  ConnectionRefusedError: 'ConnectionError',
  ConnectionResetError: 'ConnectionError',
  FileExistsError: 'OSError',
  FileNotFoundError: 'OSError',
  InterruptedError: 'OSError',
  IsADirectoryError: 'OSError',
  NotADirectoryError: 'OSError',
  PermissionError: 'OSError',
  ProcessLookupError: 'OSError',
  TimeoutError: 'OSError',
  ReferenceError: 'Exception',
  RuntimeError: 'Exception',
  NotImplementedError: 'RuntimeError',
  RecursionError: 'RuntimeError',
  StopAsyncIteration: 'Exception',
  StopIteration: 'Exception',
  SyntaxError: 'Exception',
  IndentationError: 'SyntaxError',
  TabError: 'IndentationError',
  SystemError: 'Exception',
  TypeError: 'Exception',
  ValueError: 'Exception',
  UnicodeError: 'ValueError',
  UnicodeDecodeError: 'UnicodeError',
  UnicodeEncodeError: 'UnicodeError',
  UnicodeTranslateError: 'UnicodeError',
  Warning: 'Exception',
  BytesWarning: 'Warning',
  DeprecationWarning: 'Warning',
  EncodingWarning: 'Warning',
  FutureWarning: 'Warning',
  ImportWarning: 'Warning',
  PendingDeprecationWarning: 'Warning',
  ResourceWarning: 'Warning',
  RuntimeWarning: 'Warning',
  SyntaxWarning: 'Warning',
  UnicodeWarning: 'Warning',
  UserWarning: 'Warning',
};

/** Names that are another built-in (`IOError is OSError`): `cls.__name__` gives the target. */
export const PYTHON_BUILTIN_ALIASES: Readonly<Record<string, string>> = { IOError: 'OSError', EnvironmentError: 'OSError' };

function mro(name: string): string[] {
  const chain: string[] = [];
  for (let parent = PARENT[name]; parent !== undefined; parent = PARENT[parent]) chain.push(parent);
  // ExceptionGroup(BaseExceptionGroup, Exception): Exception comes before BaseException in its MRO.
  if (name === 'ExceptionGroup') return ['BaseExceptionGroup', 'Exception', 'BaseException'];
  return chain;
}

/** True for the name of a built-in exception class (aliases included). */
export function isPythonBuiltinException(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(PARENT, name) || Object.prototype.hasOwnProperty.call(PYTHON_BUILTIN_ALIASES, name);
}

/** `builtins.<Name>` for a built-in name, following `IOError` → `OSError`; undefined otherwise. */
export function pythonBuiltinQualifiedName(name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(PYTHON_BUILTIN_ALIASES, name)) return `builtins.${PYTHON_BUILTIN_ALIASES[name]}`;
  return Object.prototype.hasOwnProperty.call(PARENT, name) ? `builtins.${name}` : undefined;
}

const PYNENC_EXCEPTIONS: readonly ExceptionClass[] = [
  { module: 'pynenc.exceptions', name: 'PynencError', extendsError: true, bases: ['builtins.Exception', 'builtins.BaseException'] },
  { module: 'pynenc.exceptions', name: 'RetryError', extendsError: true, bases: ['pynenc.exceptions.PynencError', 'builtins.Exception', 'builtins.BaseException'] },
];

/**
 * Python's built-in exceptions as `builtins.<Name>`, plus pynenc's `RetryError`
 * (and its base `PynencError`). For the registry that checks Python tasks:
 * these replace the JavaScript built-ins of the resolver's default registry.
 */
export const PYTHON_BUILTIN_EXCEPTIONS: readonly ExceptionClass[] = [
  ...Object.keys(PARENT).map((name): ExceptionClass => {
    const bases = mro(name).map((b) => `builtins.${b}`);
    return { module: 'builtins', name, extendsError: name === 'Exception' || bases.includes('builtins.Exception'), bases };
  }),
  ...PYNENC_EXCEPTIONS,
];

const BY_QUALIFIED_NAME: ReadonlyMap<string, ExceptionClass> = new Map(PYTHON_BUILTIN_EXCEPTIONS.map((c) => [`${c.module}.${c.name}`, c]));

/** A built-in (or pynenc) exception by qualified name. */
export function pythonBuiltinException(qualifiedName: string): ExceptionClass | undefined {
  return BY_QUALIFIED_NAME.get(qualifiedName);
}
