// Problems found in a file, as offsets, and their LSP form. Every diagnostic
// carries a stable code (SPEC §7) and `data` for its quick fix.
import { Diagnostic, DiagnosticSeverity, DiagnosticTag, Range } from 'vscode-languageserver-types';
import { LineIndex } from '../analysis/lineIndex';

export type ProblemCode =
  | 'TL001' | 'TL002' | 'TL003' | 'TL004' | 'TL005' | 'TL006' | 'TL007' | 'TL008' | 'TL009' | 'TL010' | 'TL011'
  | 'TL012' | 'TL013' | 'TL014' | 'TL015' | 'TL016' | 'TL017' | 'TL018' | 'TL019' | 'TL020' | 'TL021' | 'TL022';

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
