// Shared expectations of the feature and end-to-end tests: what a diagnostic, a hover or a
// completion must look like to a user.
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { CompletionItem, Diagnostic, DiagnosticSeverity, Hover, MarkupContent, Range } from 'vscode-languageserver-types';
import { FIXTURES } from '../paths';

export const APP = path.join(FIXTURES, 'app');
export const FORMS = path.join(FIXTURES, 'forms');

export const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint } as const;

/** A message a user can read on its own: one line, no leaked placeholders, no stray spacing. */
export function assertReadable(message: string): void {
  assert.ok(message.length > 10 && message.length < 400, `message length ${message.length}: ${message}`);
  assert.doesNotMatch(message, /\n/, `one line: ${message}`);
  assert.doesNotMatch(message, /undefined|\[object |NaN|\s{2,}|\s[.,:;]|\.\.(?!\.)|''(?!\w)|\*\*\*\*/, `reads badly: ${message}`);
  assert.match(message, /^['"A-Za-z]/, `starts with a word or a quoted name: ${message}`);
  assert.equal(message, message.trim(), `no surrounding whitespace: ${message}`);
}

export function rangeText(range: Range): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

export interface Expected {
  readonly code: string;
  readonly range: Range;
  readonly severity: keyof typeof SEVERITY;
  readonly message: RegExp;
}

/** The one diagnostic with `code` at `range`; checks severity, message, readability and `source`. */
export function expectDiagnostic(diagnostics: readonly Diagnostic[], expected: Expected): Diagnostic {
  const found = diagnostics.filter((d) => d.code === expected.code && rangeText(d.range) === rangeText(expected.range));
  assert.equal(found.length, 1, `one ${expected.code} at ${rangeText(expected.range)}; got ${describeDiagnostics(diagnostics)}`);
  const diagnostic = found[0];
  assert.equal(diagnostic.severity, SEVERITY[expected.severity], `${expected.code} severity`);
  assert.equal(diagnostic.source, 'tasklens');
  assert.match(messageOf(diagnostic), expected.message);
  assertReadable(messageOf(diagnostic));
  return diagnostic;
}

/** A diagnostic's message, which Tasklens always sends as plain text. */
export function messageOf(diagnostic: Diagnostic): string {
  assert.equal(typeof diagnostic.message, 'string', 'a plain-text message');
  return diagnostic.message as string;
}

export function describeDiagnostics(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.length === 0 ? '(none)' : diagnostics.map((d) => `${String(d.code)}@${rangeText(d.range)} ${JSON.stringify(d.message)}`).join('\n  ');
}

/** The codes of the diagnostics, sorted, for exact comparisons. */
export function codes(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => String(d.code)).sort();
}

export function hoverText(hover: Hover | null): string {
  assert.ok(hover, 'expected a hover');
  const contents = hover.contents;
  assert.ok(typeof contents === 'object' && 'kind' in contents, 'hover contents are MarkupContent');
  assert.equal((contents as MarkupContent).kind, 'markdown');
  return (contents as MarkupContent).value;
}

export function labels(items: readonly CompletionItem[]): string[] {
  return items.map((i) => i.label);
}

export function item(items: readonly CompletionItem[], label: string): CompletionItem {
  const found = items.find((i) => i.label === label);
  assert.ok(found, `completion '${label}' among ${labels(items).join(', ')}`);
  return found;
}

/**
 * What accepting a completion must never leave on a line: `key: :`, `::`,
 * a key written twice (`max_retries: max_retries:`), or a doubled word.
 */
export function assertCleanLine(line: string, syntax: 'yaml' | 'env' | 'typescript'): void {
  assert.doesNotMatch(line, /:\s*:/, `no ': :' in ${JSON.stringify(line)}`);
  assert.doesNotMatch(line, /([\w.#]+):\s*\1:/, `no duplicated key in ${JSON.stringify(line)}`);
  assert.doesNotMatch(line, /\b([A-Za-z_][\w.]{2,})\1\b/, `no doubled word in ${JSON.stringify(line)}`);
  if (syntax === 'yaml') assert.doesNotMatch(line, /^\s*(-\s+)?[\w.#"']+:[^\s]/, `a space after the key's colon in ${JSON.stringify(line)}`);
  if (syntax === 'env') assert.doesNotMatch(line, /^[^=#]*=[^=]*=/, `no second '=' in ${JSON.stringify(line)}`);
}

/** The markdown table rows (`| … |`) whose first cell names a field. */
export function fieldRows(markdown: string): string[] {
  return markdown.split('\n').filter((l) => /^\| `[a-z_]+` \|/.test(l));
}
