import type { Model, ResourceInstance } from '../model/types.js';

/** GB/T 22239-2019 level-3 general requirements (§8.1) that the rule pack serves. */
export const CLAUSES = {
  '8.1.2.1': '安全通信网络 · 网络架构 (network architecture)',
  '8.1.2.2': '安全通信网络 · 通信传输 (communication transmission)',
  '8.1.3.1': '安全区域边界 · 边界防护 (boundary protection)',
  '8.1.3.2': '安全区域边界 · 访问控制 (boundary access control)',
  '8.1.3.5': '安全区域边界 · 安全审计 (boundary security audit)',
  '8.1.4.1': '安全计算环境 · 身份鉴别 (identification and authentication)',
  '8.1.4.2': '安全计算环境 · 访问控制 (access control)',
  '8.1.4.3': '安全计算环境 · 安全审计 (security audit)',
  '8.1.4.4': '安全计算环境 · 入侵防范 (intrusion prevention)',
  '8.1.4.8': '安全计算环境 · 数据保密性 (data confidentiality)',
  '8.1.4.9': '安全计算环境 · 数据备份恢复 (data backup and recovery)',
  '8.1.5.2': '安全管理中心 · 审计管理 (audit management)',
  '8.1.5.4': '安全管理中心 · 集中管控 (centralized control)',
} as const;

export type Clause = keyof typeof CLAUSES;

/** The external checks one failing condition corresponds to (ids from rules/known-ids.ts). */
export interface ExternalIds {
  checkov?: string[];
  alibaba?: string[];
}

/**
 * One reason a resource fails a rule; `attribute` points the report at the line. `ids` names the
 * Checkov checks and Config rules this very condition matches; without it the rule's own ids
 * apply, which is right only for a rule with one condition.
 */
export interface Problem {
  message: string;
  attribute?: string;
  ids?: ExternalIds;
}

interface RuleInfo {
  /** Stable id, e.g. `ONR-RDS-01`. */
  id: string;
  title: string;
  clause: Clause;
  /** Every Alibaba Cloud Config managed rule some condition of this rule corresponds to. */
  alibaba: string[];
  /** Every Checkov check some condition of this rule corresponds to. */
  checkov: string[];
  /** Where the rule deliberately differs from Checkov or Config; listed in the package README. */
  differs?: string;
  severity: 'high' | 'medium' | 'low';
  remediation: string;
}

export interface ResourceRule extends RuleInfo {
  kind: 'resource';
  resourceTypes: string[];
  check(resource: ResourceInstance, model: Model): Problem[];
}

/** A rule about the configuration as a whole: variables, outputs, or "at least one X". */
export interface ModelRule extends RuleInfo {
  kind: 'model';
  resourceTypes: string[];
  check(model: Model): ModelProblem[];
}

export interface ModelProblem extends Problem {
  address: string;
  file: string;
  line: number;
}

export type Rule = ResourceRule | ModelRule;

export interface Finding {
  rule: Rule;
  address: string;
  file: string;
  line: number;
  message: string;
  /** The ids the failing condition matches: a subset of the rule's. */
  checkov: string[];
  alibaba: string[];
}
