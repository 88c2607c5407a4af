import { displayPath } from './finding-view.js';
import type { Report } from './report.js';

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

export function formatTable(report: Report): string {
  const resources = report.model.resources.filter((r) => r.mode === 'managed').length;
  const lines: string[] = [];
  if (report.findings.length === 0) {
    lines.push(`✔ ${report.rules.length} rules, ${resources} resources in ${report.directory}: no findings`);
  } else {
    const rows = report.findings.map((f) => [f.rule.id, f.rule.severity, f.address, `${displayPath(report.directory, f.file)}:${f.line}`, f.message]);
    const header = ['RULE', 'SEVERITY', 'RESOURCE', 'LOCATION', 'PROBLEM'];
    const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
    const row = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]!))).join('  ');
    lines.push(row(header), ...rows.map(row), '');
    const failed = new Set(report.findings.map((f) => f.rule.id));
    lines.push(`✘ ${report.findings.length} finding(s) from ${failed.size} of ${report.rules.length} rules on ${resources} resources in ${report.directory}`);
    for (const id of failed) {
      const rule = report.rules.find((r) => r.id === id)!;
      lines.push(`  ${id} (§${rule.clause}): ${rule.remediation}`);
    }
  }
  for (const note of report.model.notes) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}
