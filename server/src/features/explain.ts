// One rendering of a task's provenance object for each audience: JSON for
// machines (`explain --format json`), an aligned table for people, Markdown for
// the editor. All read the same `TaskResolution`.
import {
  Candidate, candidateToJson, describeSource, FieldResolution, FIELDS, nodeToText, sourceToJson, SourceRef, taskIdToString,
  shortQuote, TaskResolution,
} from '../resolver';

export function explainToJson(resolution: TaskResolution): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const spec of FIELDS) {
    const field = resolution.fields[spec.name];
    const out: Record<string, unknown> = { value: field.value ?? null };
    if (field.error !== undefined) out.error = field.error;
    if (field.computed) out.computed = true;
    out.source = sourceToJson(field.source);
    out.shadowed = field.shadowed.map(candidateToJson);
    const parts = field.fromParsedParts;
    if (parts) out.fromParsedParts = { value: parts.value ?? null, ...(parts.error !== undefined ? { error: parts.error } : {}), source: sourceToJson(parts.source) };
    fields[spec.name] = out;
  }
  return { task: taskIdToString(resolution.taskId), fields };
}

/** The effective value as a user would read it (a long one shortened: `--format json` has it whole). */
export function valueText(field: FieldResolution): string {
  if (field.error !== undefined) return 'error';
  if (field.computed) return '(computed)';
  return shortQuote(JSON.stringify(field.value), 300);
}

export function sourceText(source: SourceRef): string {
  const level = source.level !== undefined && source.kind !== 'config_values' && source.kind !== 'env' ? ` (${source.level})` : '';
  return describeSource(source) + level;
}

function candidateText(candidate: Candidate): string {
  return `${nodeToText(candidate.node)} from ${sourceText(candidate.source)}`;
}

export function explainToText(resolution: TaskResolution): string {
  const rows: [string, string, string][] = FIELDS.map((spec) => {
    const field = resolution.fields[spec.name];
    return [spec.name, valueText(field), sourceText(field.source)];
  });
  const widths = [0, 1].map((i) => Math.max(i === 0 ? 'field'.length : 'value'.length, ...rows.map((r) => r[i].length)));
  const line = (r: readonly string[]) => `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2]}`.trimEnd();
  const out = [`Task ${taskIdToString(resolution.taskId)}`, '', line(['field', 'value', 'source'])];
  rows.forEach((row, i) => {
    out.push(line(row));
    const field = resolution.fields[FIELDS[i].name];
    const pad = ' '.repeat(widths[0] + 2);
    if (field.error !== undefined) out.push(`${pad}! ${field.error}`);
    for (const candidate of field.shadowed) out.push(`${pad}  shadowed: ${candidateText(candidate)}`);
    if (field.fromParsedParts) out.push(`${pad}  the parts that parse would give: ${valueText(field.fromParsedParts)} from ${sourceText(field.fromParsedParts.source)}`);
  });
  return out.join('\n') + '\n';
}

export function explainToMarkdown(resolution: TaskResolution): string {
  const out = [`### Task \`${taskIdToString(resolution.taskId)}\``, '', '| field | value | source |', '| --- | --- | --- |'];
  // Errors are long sentences: they go under the table, once each, the cell points to them.
  const errors = new Map<string, number>();
  for (const spec of FIELDS) {
    const field = resolution.fields[spec.name];
    if (field.error !== undefined && !errors.has(field.error)) errors.set(field.error, errors.size + 1);
    const parts = field.fromParsedParts;
    const partsText = parts ? `<br>the parts that parse would give \`${escapeCell(valueText(parts))}\` from ${escapeCell(sourceText(parts.source))}` : '';
    const value = field.error !== undefined ? `⚠ error ${errors.get(field.error)}${partsText}` : `\`${escapeCell(valueText(field))}\``;
    const shadowed = field.shadowed.length > 0 ? `<br>overrides ${field.shadowed.map((c) => escapeCell(candidateText(c))).join('; ')}` : '';
    out.push(`| \`${spec.name}\` | ${value} | ${escapeCell(sourceText(field.source))}${shadowed} |`);
  }
  if (errors.size > 0) out.push('', '**Errors** (the task fails to configure):', '', ...[...errors.keys()].map((error, i) => `${i + 1}. ${error}`));
  return out.join('\n') + '\n';
}

export function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
