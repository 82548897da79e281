// Aggregation (median of runs), the targets of issue 10, and the printed and
// Markdown tables of the benchmark.
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import { median } from './lsp-bench.mjs';

/** Issue 10's targets; `ratio` is peer ÷ Tasklens (how many times faster or smaller we must be). */
export const TARGETS = {
  5000: {
    openToDiagnostics: { max: 400 },
    hoverTask: { p95: 8, ratio: 10 },
    hoverClass: { p95: 8 },
    completionAfterEdit: { p95: 8, ratio: 100 },
    codeAction: { p95: 8 },
    keystroke: { p50: 40, ratio: 10 },
    peakRssMb: { max: 120 },
  },
  50000: {
    hoverTask: { p95: 20 },
    completionAfterEdit: { p95: 20 },
    keystroke: { p50: 150 },
    peakRssMb: { max: 500 },
  },
};
export const CLI_TARGETS = { wallMs: 5000, peakRssMb: 600 };

export const ROWS = [
  ['openToDiagnostics', 'didOpen → first diagnostics (ms)', 'scalar'],
  ['hoverTask', 'hover, per-task field (ms)', 'dist'],
  ['hoverClass', 'hover, class-level field (ms)', 'dist'],
  ['completion', 'completion, no edit before (ms)', 'dist'],
  ['completionAfterEdit', 'completion after a keystroke (ms)', 'dist'],
  ['codeAction', 'code action on a diagnostic (ms)', 'dist'],
  ['keystroke', 'keystroke → diagnostics, debounce excl. (ms)', 'dist'],
  ['peakRssMb', 'peak RSS, VmHWM (MB)', 'scalar'],
  ['childPeakRssMb', 'peak RSS of a child while indexing (MB)', 'scalar'],
  ['rssAfterOpenMb', 'RSS after first diagnostics (MB)', 'scalar'],
  ['heapUsedMb', 'heap used (MB)', 'scalar'],
  ['diagnosticsAtOpen', 'diagnostics published at open', 'count'],
  ['readyMs', 'start → ready (indexed) (ms)', 'scalar'],
];

/** Medians over runs of every figure; `debounce` (ms) is subtracted from keystroke → diagnostics. */
export function aggregate(runs, debounce) {
  const ok = runs.filter(Boolean);
  const out = { runs: ok.length, errors: ok.map((r) => r.error).filter(Boolean), n: {} };
  for (const [key, , kind] of ROWS) {
    if (key === 'keystroke') {
      const withRaw = ok.filter((r) => r.keystrokeRaw);
      out.keystroke = withRaw.length === 0 ? undefined : {
        p50: median(withRaw.map((r) => r.keystrokeRaw.p50 - debounce)),
        p95: median(withRaw.map((r) => r.keystrokeRaw.p95 - debounce)),
        raw50: median(withRaw.map((r) => r.keystrokeRaw.p50)),
      };
      out.n.keystroke = withRaw.map((r) => r.keystrokeRaw.n);
    } else if (kind === 'dist') {
      const withIt = ok.filter((r) => r[key]);
      out[key] = withIt.length === 0 ? undefined : { p50: median(withIt.map((r) => r[key].p50)), p95: median(withIt.map((r) => r[key].p95)) };
      out.n[key] = withIt.map((r) => r[key].n);
    } else {
      const values = ok.map((r) => r[key]).filter((v) => typeof v === 'number' && Number.isFinite(v));
      out[key] = values.length === 0 ? undefined : median(values);
    }
  }
  return out;
}

export const fmt = (n) => (n === undefined || !Number.isFinite(n) ? '–' : n >= 100 ? Math.round(n).toLocaleString('en-US') : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const show = (v, kind) => (v === undefined ? '–' : kind === 'dist' ? `${fmt(v.p50)} / ${fmt(v.p95)}` : kind === 'count' ? String(Math.round(v)) : fmt(v));
const ratioOf = (a, b) => (a > 0 && Number.isFinite(a) && Number.isFinite(b) ? b / a : NaN);
const showRatio = (r) => (Number.isFinite(r) ? `${r >= 10 ? r.toFixed(0) : r.toFixed(1)}×` : '–');

function ratioCell(key, kind, ours, peer) {
  if (kind === 'count' || key === 'readyMs' || key === 'heapUsedMb' || ours === undefined || peer === undefined) return '';
  if (kind === 'dist') return `${showRatio(ratioOf(ours.p50, peer.p50))} / ${showRatio(ratioOf(ours.p95, peer.p95))}`;
  return showRatio(ratioOf(ours, peer));
}

/** The target text and verdict of one row at one size. */
function targetCell(key, sections, ours, peer) {
  const t = TARGETS[sections]?.[key];
  if (!t) return { text: '', verdict: '' };
  const parts = [];
  let ok = true;
  const check = (cond) => {
    if (!cond) ok = false;
  };
  if (t.max !== undefined) {
    parts.push(`< ${t.max}`);
    check(ours !== undefined && ours < t.max);
  }
  if (t.p50 !== undefined) {
    parts.push(`p50 < ${t.p50}`);
    check(ours !== undefined && ours.p50 < t.p50);
  }
  if (t.p95 !== undefined) {
    parts.push(`p95 < ${t.p95}`);
    check(ours !== undefined && ours.p95 < t.p95);
  }
  if (t.ratio !== undefined) {
    parts.push(`≥ ${t.ratio}× peer`);
    const which = t.p50 !== undefined ? 'p50' : 'p95';
    check(ours !== undefined && peer !== undefined && ratioOf(ours[which], peer[which]) >= t.ratio);
  }
  return { text: parts.join(', '), verdict: ok ? 'ok' : 'MISSED' };
}

/** Rows of one (generator, size) comparison: [label, ours, peer, ratio, target, verdict]. */
export function comparisonRows(sections, ours, peer) {
  return ROWS.map(([key, label, kind]) => {
    const target = targetCell(key, sections, ours[key], peer?.[key]);
    let oursText = show(ours[key], kind);
    if (key === 'heapUsedMb' && ours[key] === undefined) oursText = 'n/a¹';
    let peerText = peer ? show(peer[key], kind) : '–';
    if (key === 'heapUsedMb' && peer?.[key] === undefined) peerText = 'n/a¹';
    if (key === 'readyMs' && peer) peerText = show(peer[key], kind) + '²';
    return [label, oursText, peerText, ratioCell(key, kind, ours[key], peer?.[key]), target.text, target.verdict];
  });
}

export function describeConfig(c) {
  const defined = c.definedSections !== undefined ? `, ${c.definedSections.toLocaleString('en-US')} for tasks the workspace defines, ${c.taskFiles} TypeScript files` : ', no TypeScript';
  return `${c.generator} config, ${c.sectionCount.toLocaleString('en-US')} sections (${c.lineCount.toLocaleString('en-US')} lines, ${(c.bytes / 1e6).toFixed(2)} MB${defined})`;
}

export function printTable(title, header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

export function markdownTable(header, rows) {
  return [`| ${header.join(' | ')} |`, `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`, ...rows.map((r) => `| ${r.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`)].join('\n');
}

export function cliRows(cli) {
  const rows = [];
  for (const rec of cli) {
    for (const which of ['check', 'explain']) {
      const runs = rec[which];
      const finished = runs.filter((r) => !r.timedOut);
      const wall = finished.length > 0 ? median(finished.map((r) => r.wallMs)) : NaN;
      const rss = median(runs.map((r) => r.peakRssMb));
      const timedOut = runs.find((r) => r.timedOut);
      const wallText = finished.length > 0 ? fmt(wall / 1000) : `> ${fmt(timedOut.wallMs / 1000)} (timeout)`;
      const extra = which === 'check' && finished[0]?.problems !== undefined ? `${finished[0].problems.toLocaleString('en-US')} problems` : which === 'explain' ? `exit ${runs[0].exitCode}` : '';
      const ok = finished.length > 0 && wall < CLI_TARGETS.wallMs && rss < CLI_TARGETS.peakRssMb;
      rows.push([`${which} (${rec.sections.toLocaleString('en-US')} ${rec.generator === 'dense' ? 'dense ' : ''}sections, ${(rec.bytes / 1e6).toFixed(1)} MB)`, wallText, `${fmt(rss)}${timedOut ? ' (at kill)' : ''}`, `${runs.length}`, extra, `< ${CLI_TARGETS.wallMs / 1000} s, < ${CLI_TARGETS.peakRssMb} MB`, ok ? 'ok' : 'MISSED']);
    }
  }
  return rows;
}
export const CLI_HEADER = ['command', 'wall (s)', 'peak RSS (MB)', 'runs', 'output', 'target', ''];

export function machine() {
  const sh = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
    } catch {
      return '?';
    }
  };
  const mem = sh('free', ['-h']).split('\n').find((l) => l.startsWith('Mem:'))?.split(/\s+/)[1] ?? '?';
  return {
    nproc: sh('nproc', []),
    memory: mem,
    cpu: os.cpus()[0]?.model ?? '?',
    node: process.version,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    load: os.loadavg().map((l) => l.toFixed(1)).join(' '),
  };
}
