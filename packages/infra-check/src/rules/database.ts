// ApsaraDB RDS: private access, encryption at rest and in transit, audit, backups, availability.
import type { Model, ResourceInstance } from '../model/types.js';
import { toStringValue } from '../values/convert.js';
import { matches } from '../values/read-value.js';
import { attachedTo, blocks, expectAtLeast, expectOneOf, expectSet, get, inVpc, privateAccessProblems, secondZoneProblems } from './attributes.js';
import type { ResourceRule } from './rule.js';

const RDS = ['alicloud_db_instance'];
const BACKUP_POLICIES = ['alicloud_db_backup_policy'];
const HA_CATEGORIES = ['HighAvailability', 'cluster', 'AlwaysOn', 'Finance'];
/** Minimum days of data and log backups kept; the pack leaves it to the operator, a week is our floor. */
export const MIN_BACKUP_DAYS = 7;

function parameter(resource: ResourceInstance, name: string): string | undefined {
  const found = blocks(resource, 'parameters').find((p) => p.name === name);
  return toStringValue(found?.value);
}

const isEngine = (resource: ResourceInstance, engine: string) => matches(resource.type, 'engine', get(resource, 'engine'), [engine]);

function postgresLogging(parameterName: string, id: string): ResourceRule {
  return {
    kind: 'resource', id, title: `PostgreSQL instances log ${parameterName.replace('log_', '')}`,
    clause: '8.1.4.3', alibaba: [], checkov: [{ log_duration: 'CKV_ALI_35', log_disconnections: 'CKV_ALI_36', log_connections: 'CKV_ALI_37' }[parameterName]!],
    severity: 'low', resourceTypes: RDS,
    remediation: `Add parameters { name = "${parameterName}" value = "on" } (PostgreSQL only; MySQL's equivalent is SQL audit).`,
    differs: `Applied to PostgreSQL instances only: ${parameterName} is a PostgreSQL parameter, while Checkov applies its check to every engine (and so fails every MySQL instance).`,
    check(db) {
      if (!isEngine(db, 'PostgreSQL')) return [];
      return matches(db.type, 'parameters.value', parameter(db, parameterName), ['on']) ? [] : [{ message: `parameter ${parameterName} is not on`, attribute: 'parameters' }];
    },
  };
}

export const databaseRules: ResourceRule[] = [
  {
    kind: 'resource', id: 'ONR-RDS-01', title: 'SQL audit is on and kept for at least 180 days',
    clause: '8.1.4.3', alibaba: ['rds-instance-enabled-auditing'], checkov: ['CKV_ALI_25'],
    severity: 'high', resourceTypes: RDS,
    remediation: 'Set sql_collector_status = "Enabled" and sql_collector_config_value = 180 (or 365, 1095, 1825).',
    check: (db) => [
      ...expectOneOf(db, 'sql_collector_status', ['Enabled'], 'SQL audit records who did what in the database'),
      ...expectAtLeast(db, 'sql_collector_config_value', 180, 'audit records must be kept six months'),
    ],
  },
  {
    kind: 'resource', id: 'ONR-RDS-02', title: 'Transparent data encryption is on',
    clause: '8.1.4.8', alibaba: ['rds-instance-enabled-tde'], checkov: ['CKV_ALI_22'],
    differs: 'Applies to every MySQL and SQL Server instance; Checkov\'s CKV_ALI_22 only to the engine versions it lists (MySQL 5.6–8.0, some SQL Server editions) and leaves the rest UNKNOWN.',
    severity: 'high', resourceTypes: RDS,
    remediation: 'Set tde_status = "Enabled" (with tde_encryption_key for a customer-managed key).',
    check: (db) => (isEngine(db, 'MySQL') || isEngine(db, 'SQLServer') ? expectOneOf(db, 'tde_status', ['Enabled'], 'data files must be encrypted at rest') : []),
  },
  {
    kind: 'resource', id: 'ONR-RDS-03', title: 'SSL is enabled for client connections',
    clause: '8.1.2.2', alibaba: ['rds-instance-enabled-ssl'], checkov: ['CKV_ALI_20'],
    severity: 'high', resourceTypes: RDS,
    remediation: 'Set ssl_action = "Open".',
    check: (db) => expectOneOf(db, 'ssl_action', ['Open', 'Update'], 'credentials and data must not cross the network in clear text'),
  },
  {
    kind: 'resource', id: 'ONR-RDS-04', title: 'Cloud disk encryption uses a KMS key',
    clause: '8.1.4.8', alibaba: ['rds-instance-enabled-disk-encryption'], checkov: [],
    severity: 'high', resourceTypes: RDS,
    remediation: 'Set encryption_key to a KMS key id (and role_arn to the RDS service role allowed to use it).',
    check: (db) => expectSet(db, 'encryption_key', 'the instance disks are not encrypted with a KMS key'),
  },
  {
    kind: 'resource', id: 'ONR-RDS-05', title: 'RDS has no public endpoint and no any-IP whitelist',
    clause: '8.1.3.1', alibaba: ['rds-public-connection-and-any-ip-access-check'], checkov: ['CKV_ALI_9'],
    differs: 'Stricter than both: a public endpoint (alicloud_db_connection) alone and an any-IP whitelist alone are each a finding. Config\'s rule fails only when both hold, so its id is carried only then; CKV_ALI_9 (whitelist only) goes on the whitelist finding.',
    severity: 'high', resourceTypes: RDS,
    remediation: 'Remove alicloud_db_connection (public endpoint) and list only the application vSwitch CIDRs in security_ips.',
    check: (db, model) => privateAccessProblems(db, model, 'security_ips', 'alicloud_db_connection', 'rds-public-connection-and-any-ip-access-check', ['CKV_ALI_9']),
  },
  {
    kind: 'resource', id: 'ONR-RDS-06', title: 'RDS instances are in a VPC',
    clause: '8.1.2.1', alibaba: ['rds-instances-in-vpc'], checkov: [],
    severity: 'medium', resourceTypes: RDS,
    remediation: 'Set vswitch_id to a data-tier vSwitch.',
    check: inVpc,
  },
  {
    kind: 'resource', id: 'ONR-RDS-07', title: 'RDS runs primary and standby in different zones',
    clause: '8.1.4.9', alibaba: ['rds-multi-az-support'], checkov: [],
    severity: 'medium', resourceTypes: RDS,
    remediation: 'Use category = "HighAvailability" with zone_id_slave_a in a second zone (and vswitch_id listing both vSwitches).',
    check: (db) => [...expectOneOf(db, 'category', HA_CATEGORIES, 'a single-node instance has no standby'), ...secondZoneProblems(db, 'zone_id', 'zone_id_slave_a')],
  },
  {
    kind: 'resource', id: 'ONR-RDS-08', title: 'RDS has a disaster-recovery copy in another region',
    clause: '8.1.4.9', alibaba: ['rds-instance-has-guard-instance'], checkov: [],
    severity: 'medium', resourceTypes: RDS,
    remediation: 'Add alicloud_rds_instance_cross_backup_policy so backups are copied to a second region.',
    // Static stand-in for the guard-instance check: a DR copy must be declared next to the instance.
    check: (db, model) =>
      attachedTo(model, ['alicloud_rds_instance_cross_backup_policy'], 'instance_id', db).length ? [] : [{ message: 'no cross-region backup policy protects this instance' }],
  },
  {
    kind: 'resource', id: 'ONR-RDS-09', title: `Backups and log backups are on and kept at least ${MIN_BACKUP_DAYS} days`,
    clause: '8.1.4.9', alibaba: ['rds-instance-enabled-log-backup'], checkov: [],
    severity: 'high', resourceTypes: RDS,
    remediation: `Add alicloud_db_backup_policy with enable_backup_log = true, backup_retention_period and log_backup_retention_period ≥ ${MIN_BACKUP_DAYS}.`,
    check(db, model: Model) {
      const policies = attachedTo(model, BACKUP_POLICIES, 'instance_id', db);
      if (policies.length === 0) return [{ message: 'no alicloud_db_backup_policy sets the backup and log-backup policy' }];
      return policies.flatMap((p) => [
        ...expectOneOf(p, 'enable_backup_log', [true], `${p.address}: log backups allow point-in-time recovery`),
        ...expectAtLeast(p, 'backup_retention_period', MIN_BACKUP_DAYS, `${p.address}: data backup retention`),
        ...expectAtLeast(p, 'log_backup_retention_period', MIN_BACKUP_DAYS, `${p.address}: log backup retention`),
      ]).map((problem) => ({ message: problem.message }));
    },
  },
  {
    kind: 'resource', id: 'ONR-RDS-10', title: 'MySQL accepts only TLS 1.2 or later',
    clause: '8.1.2.2', alibaba: ['rds-instance-tls-version-check'], checkov: [],
    severity: 'medium', resourceTypes: RDS,
    remediation: 'Add parameters { name = "tls_version" value = "TLSv1.2,TLSv1.3" }.',
    check(db) {
      if (!isEngine(db, 'MySQL')) return [];
      const versions = parameter(db, 'tls_version');
      if (versions === undefined) return [{ message: 'parameter tls_version is not set, so TLS 1.0/1.1 may be accepted', attribute: 'parameters' }];
      const weak = versions.split(',').map((v) => v.trim()).filter((v) => v === 'TLSv1' || v === 'TLSv1.1');
      return weak.length ? [{ message: `tls_version allows ${weak.join(', ')}`, attribute: 'parameters' }] : [];
    },
  },
  {
    kind: 'resource', id: 'ONR-RDS-11', title: 'Minor versions upgrade automatically',
    clause: '8.1.4.4', alibaba: [], checkov: ['CKV_ALI_30'],
    severity: 'low', resourceTypes: RDS,
    remediation: 'Set auto_upgrade_minor_version = "Auto" so security fixes land in the maintenance window.',
    check: (db) => expectOneOf(db, 'auto_upgrade_minor_version', ['Auto'], 'unpatched minor versions keep known vulnerabilities'),
  },
  postgresLogging('log_duration', 'ONR-RDS-12'),
  postgresLogging('log_disconnections', 'ONR-RDS-13'),
  postgresLogging('log_connections', 'ONR-RDS-14'),
];
