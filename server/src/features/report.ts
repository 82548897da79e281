// `tasklens check` output formats (SPEC §9): rows (text and JSON), SARIF 2.1.0
// and GitHub Actions workflow commands, all from the same workspace problems.
import { WorkspaceFileProblems } from './diagnostics';
import { PROBLEM_CODES, Severity } from './problems';

/** One problem as `check --format json` prints it: 1-based positions, `file` relative with `/`. */
export interface CheckRow {
  readonly file: string | null;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
}

export function problemRows(found: readonly WorkspaceFileProblems[]): CheckRow[] {
  const rows: CheckRow[] = [];
  for (const file of found) for (const row of eachProblemRow(file)) rows.push(row);
  return rows;
}

/** One file's rows as they are written (100,000 problems of a file are not all made rows at once). */
export function* eachProblemRow({ file, lines, problems }: WorkspaceFileProblems): Generator<CheckRow> {
  for (const p of problems) {
    const start = lines ? lines.positionAt(p.start) : { line: 0, character: 0 };
    const end = lines ? lines.positionAt(Math.max(p.start, p.end)) : start;
    yield { file, line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1, severity: p.severity, code: p.code, message: p.message };
  }
}

/**
 * One row as `JSON.stringify(rows, null, 2)` writes it inside the list (indented
 * two spaces, no separator): `check --format json` writes 100,000 rows this way
 * without building the whole text or re-indenting each row's own JSON.
 */
export function jsonRowInList(r: CheckRow): string {
  return `  {\n    "file": ${r.file === null ? 'null' : quotedName(r.file)},\n    "line": ${jsonNumber(r.line)},\n    "column": ${jsonNumber(r.column)},\n    "endLine": ${jsonNumber(r.endLine)},\n    "endColumn": ${jsonNumber(r.endColumn)},\n    "severity": ${quotedName(r.severity)},\n    "code": ${quotedName(r.code)},\n    "message": ${JSON.stringify(r.message)}\n  }`;
}

/** File names, severities and codes as JSON strings: a few of them, each quoted once for 200,000 rows. */
const QUOTED = new Map<string, string>();

function quotedName(s: string): string {
  let quoted = QUOTED.get(s);
  if (quoted === undefined) {
    quoted = JSON.stringify(s);
    if (QUOTED.size < 10_000) QUOTED.set(s, quoted);
  }
  return quoted;
}

/** A number as JSON writes it (`null` when it is not finite). */
function jsonNumber(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** SARIF 2.1.0: one run, the rules TL001–TL025, locations relative to the root. */
export function problemsToSarif(rows: readonly CheckRow[], version: string): object {
  const codes = Object.keys(PROBLEM_CODES) as (keyof typeof PROBLEM_CODES)[];
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'tasklens',
          version,
          informationUri: 'https://example.invalid/tasklens',
          rules: codes.map((id) => ({ id, shortDescription: { text: PROBLEM_CODES[id] } })),
        },
      },
      originalUriBaseIds: { ROOT: { uri: './' } },
      results: rows.map((r) => ({
        ruleId: r.code,
        ruleIndex: codes.indexOf(r.code as keyof typeof PROBLEM_CODES),
        level: SARIF_LEVEL[r.severity],
        message: { text: r.message },
        ...(r.file !== null
          ? { locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(r.file), uriBaseId: 'ROOT' }, region: { startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn } } }] }
          : {}),
      })),
    }],
  };
}

const GITHUB_COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };

/** GitHub Actions workflow commands: one line a problem, properties and message escaped as the runner expects. */
export function problemsToGithub(rows: readonly CheckRow[]): string {
  return rows.map(githubLine).join('');
}

const githubData = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const githubProperty = (text: string) => githubData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** One problem as a GitHub Actions workflow command, with its newline. */
export function githubLine(r: CheckRow): string {
  const where = r.file !== null ? `file=${githubProperty(r.file)},line=${r.line},col=${r.column},endLine=${r.endLine},endColumn=${r.endColumn},` : '';
  return `::${GITHUB_COMMAND[r.severity]} ${where}title=${githubProperty(r.code)}::${githubData(r.message)}\n`;
}
