import { findingView } from './finding-view.js';
import type { Report } from './report.js';

export function formatJson(report: Report): string {
  const failedRules = new Set(report.findings.map((f) => f.rule.id));
  return `${JSON.stringify(
    {
      directory: report.directory,
      summary: {
        rules: report.rules.length,
        resources: report.model.resources.filter((r) => r.mode === 'managed').length,
        findings: report.findings.length,
        failedRules: [...failedRules],
      },
      findings: report.findings.map((f) => findingView(f, report.directory)),
      notes: report.model.notes,
    },
    null,
    2,
  )}\n`;
}
