// Problems found in a file, as offsets, and their LSP form. Every diagnostic
// carries a stable code (SPEC §7) and `data` for its quick fix.
import { Diagnostic, DiagnosticSeverity, DiagnosticTag, Range } from 'vscode-languageserver-types';
import { LineIndex } from '../analysis/lineIndex';

/** Every diagnostic code (SPEC §7) with its short description, for SARIF rules and docs. */
export const PROBLEM_CODES = {
  TL001: 'A config or env file fails to load (syntax error, unreadable, not found)',
  TL002: 'Unknown field or option',
  TL003: 'Value of the wrong type',
  TL004: 'Invalid ConcurrencyControlType value',
  TL005: 'Unqualified exception name',
  TL006: 'Exception class not found',
  TL007: 'Not an exception class the runtime accepts',
  TL008: 'Per-task setting names no known task',
  TL009: 'key_arguments names a non-parameter',
  TL010: 'key_arguments set but no concurrency setting is keys',
  TL011: 'Concurrency is keys with empty key_arguments',
  TL012: 'A string where a bool is expected (any non-empty string is true)',
  TL013: 'A string where a list is expected (split into characters)',
  TL014: 'A value that never takes effect (shadowed)',
  TL015: 'reroute_on_concurrency_control: true',
  TL016: 'Duplicate key (the file fails to load)',
  TL017: 'retry_for set through an env var',
  TL018: 'disable_cache_args names a non-parameter',
  TL019: 'Negative max_retries or parallel_batch_size',
  TL020: 'Task name cannot be determined',
  TL021: "YAML merge key '<<' (not applied by the runtime)",
  TL022: 'A second YAML document (the file fails to load)',
  TL023: 'Python task function not at module level',
  TL024: 'Python task in a module named __main__',
  TL025: 'retry_for given one exception class instead of a tuple',
} as const;

export type ProblemCode = keyof typeof PROBLEM_CODES;

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** What a quick fix needs: the replacement text for the problem's range, or a removal. */
export interface FixData {
  /** Text that replaces the problem's range. */
  readonly replaceWith?: string;
  /** A title for the fix, e.g. `Change to 'keys'`. */
  readonly title?: string;
  /** Remove the whole entry (the line range from `removeStart` to `removeEnd`). */
  readonly removeStart?: number;
  readonly removeEnd?: number;
  /** Insert `insertText` at `insertAt` (e.g. `running_concurrency: keys`). */
  readonly insertAt?: number;
  readonly insertText?: string;
  /** Alternative replacements (several did-you-means). */
  readonly alternatives?: readonly string[];
}

export interface Problem {
  readonly code: ProblemCode;
  readonly severity: Severity;
  readonly message: string;
  readonly start: number;
  readonly end: number;
  readonly data?: FixData;
  /** Shown faded: the value can never take effect. */
  readonly unnecessary?: boolean;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function offsetRange(lines: LineIndex, start: number, end: number): Range {
  return { start: lines.positionAt(start), end: lines.positionAt(Math.max(start, end)) };
}

export function toDiagnostic(problem: Problem, lines: LineIndex): Diagnostic {
  const diagnostic: Diagnostic = {
    range: offsetRange(lines, problem.start, problem.end),
    severity: SEVERITY[problem.severity],
    code: problem.code,
    source: 'tasklens',
    message: problem.message,
  };
  if (problem.data) diagnostic.data = { code: problem.code, ...problem.data };
  if (problem.unnecessary) diagnostic.tags = [DiagnosticTag.Unnecessary];
  return diagnostic;
}

/**
 * `toDiagnostic`, giving back the same object for a problem met again at the
 * same place (a kept section's problems, which most of a large file's are), so a
 * caller can keep work done per diagnostic (the server keeps its JSON). Kept on
 * the problem itself (a hidden property); when the lines did not move, its place
 * is not even looked up.
 */
const KEPT = Symbol('diagnostic');

interface KeptDiagnostic {
  /** The line starts it was placed with (not the index: that would keep its text alive). */
  readonly lines: object;
  readonly diagnostic: Diagnostic;
}

export function keptDiagnostic(problem: Problem, lines: LineIndex): Diagnostic {
  const holder = problem as Problem & { [KEPT]?: KeptDiagnostic };
  const kept = holder[KEPT];
  if (kept && kept.lines === lines.linesToken) return kept.diagnostic;
  const range = offsetRange(lines, problem.start, problem.end);
  const diagnostic = kept && samePosition(kept.diagnostic.range.start, range.start) && samePosition(kept.diagnostic.range.end, range.end) ? kept.diagnostic : toDiagnostic(problem, lines);
  // Not enumerable: a problem copied with a spread must not carry its original's diagnostic (`movedProblem` decides when it may).
  Object.defineProperty(holder, KEPT, { value: { lines: lines.linesToken, diagnostic }, enumerable: false, writable: true, configurable: true });
  return diagnostic;
}

/**
 * `problem` moved by `shift` characters (its section moved). A fix that holds no
 * offsets reads the same after the move, so the copy keeps the diagnostic given
 * for the original as a candidate: where the move left its line and column as they
 * were (text typed on a line above), `keptDiagnostic` gives back the same object.
 */
export function movedProblem(problem: Problem, shift: number): Problem {
  const data = problem.data;
  const offsets = data !== undefined && (data.insertAt !== undefined || data.removeStart !== undefined || data.removeEnd !== undefined);
  const moved: Problem = { ...problem, start: problem.start + shift, end: problem.end + shift, data: offsets ? shiftedFix(data, shift) : data };
  const kept = (problem as Problem & { [KEPT]?: KeptDiagnostic })[KEPT];
  if (kept && !offsets) Object.defineProperty(moved, KEPT, { value: { lines: STALE, diagnostic: kept.diagnostic }, enumerable: false, writable: true, configurable: true });
  return moved;
}

/** Never a `LineIndex`'s token: a carried diagnostic's place is always looked up again. */
const STALE = {};

function shiftedFix(data: FixData, shift: number): FixData {
  const moved: { -readonly [K in keyof FixData]: FixData[K] } = { ...data };
  if (moved.insertAt !== undefined) moved.insertAt += shift;
  if (moved.removeStart !== undefined) moved.removeStart += shift;
  if (moved.removeEnd !== undefined) moved.removeEnd += shift;
  return moved;
}

function samePosition(a: Range['start'], b: Range['start']): boolean {
  return a.line === b.line && a.character === b.character;
}
