import { CLAUSES, type Finding } from '../rules/rule.js';

/** A finding as scripts see it, with the path shown relative to where the command ran. */
export function findingView(finding: Finding, pathPrefix: string) {
  const { rule } = finding;
  return {
    ruleId: rule.id,
    title: rule.title,
    severity: rule.severity,
    clause: `GB/T 22239-2019 §${rule.clause}`,
    clauseName: CLAUSES[rule.clause],
    alibabaConfigRules: finding.alibaba,
    checkovIds: finding.checkov,
    resource: finding.address,
    file: displayPath(pathPrefix, finding.file),
    line: finding.line,
    message: finding.message,
    remediation: rule.remediation,
  };
}

export function displayPath(prefix: string, file: string): string {
  return prefix === '' || prefix === '.' ? file : `${prefix.replace(/\/+$/, '')}/${file}`;
}
