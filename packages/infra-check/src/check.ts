// Runs the rule pack over a model and returns findings in a stable order.
import type { Model } from './model/types.js';
import type { Finding, Problem, Rule } from './rules/rule.js';

const idsOf = (rule: Rule, problem: Problem) => ({ checkov: problem.ids?.checkov ?? (problem.ids ? [] : rule.checkov), alibaba: problem.ids?.alibaba ?? (problem.ids ? [] : rule.alibaba) });

export function runRules(model: Model, rules: readonly Rule[]): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    if (rule.kind === 'model') {
      for (const problem of rule.check(model)) findings.push({ rule, address: problem.address, file: problem.file, line: problem.line, message: problem.message, ...idsOf(rule, problem) });
      continue;
    }
    for (const resource of model.resources) {
      if (resource.mode !== 'managed' || !rule.resourceTypes.includes(resource.type)) continue;
      for (const problem of rule.check(resource, model)) {
        findings.push({ rule, address: resource.address, file: resource.file, line: problem.attribute ? resource.lineOf(problem.attribute) : resource.line, message: problem.message, ...idsOf(rule, problem) });
      }
    }
  }
  return findings;
}
