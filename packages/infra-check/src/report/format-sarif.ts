// SARIF 2.1.0, the format code-scanning UIs import (one run, one result per finding).
import { CLAUSES } from '../rules/rule.js';
import { displayPath } from './finding-view.js';
import type { Report } from './report.js';

const LEVEL = { high: 'error', medium: 'warning', low: 'note' } as const;

export function formatSarif(report: Report): string {
  const index = new Map(report.rules.map((r, i) => [r.id, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'onramp-infra-check',
            version: '0.1.0',
            rules: report.rules.map((rule) => ({
              id: rule.id,
              name: rule.id.replace(/-/g, ''),
              shortDescription: { text: rule.title },
              fullDescription: { text: `${rule.title}. MLPS 2.0 (GB/T 22239-2019) §${rule.clause} ${CLAUSES[rule.clause]}.` },
              help: { text: rule.remediation },
              defaultConfiguration: { level: LEVEL[rule.severity] },
              properties: {
                tags: ['security', 'terraform', 'alicloud', 'mlps', `mlps/${rule.clause}`],
                mlpsClause: rule.clause,
                alibabaConfigRules: rule.alibaba,
                checkovIds: rule.checkov,
                resourceTypes: rule.resourceTypes,
              },
            })),
          },
        },
        results: report.findings.map((finding) => ({
          ruleId: finding.rule.id,
          ruleIndex: index.get(finding.rule.id)!,
          level: LEVEL[finding.rule.severity],
          message: { text: `${finding.address}: ${finding.message}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: displayPath(report.directory, finding.file) },
                region: { startLine: finding.line },
              },
              logicalLocations: [{ fullyQualifiedName: finding.address, kind: 'resource' }],
            },
          ],
        })),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
