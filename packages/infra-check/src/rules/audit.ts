// Audit trail and log storage: ActionTrail, Log Service logstores, Log Audit.
import type { Model } from '../model/types.js';
import { toBool } from '../values/convert.js';
import { expectAtLeast, expectOneOf, expectSet, get } from './attributes.js';
import type { ExternalIds, ModelRule, Problem, ResourceRule } from './rule.js';

const withIds = (problems: Problem[], ids: ExternalIds): Problem[] => problems.map((p) => ({ ...p, ids }));

/** Cybersecurity Law art. 21: network logs are kept for no less than six months. */
export const MIN_LOG_DAYS = 180;
const TRAILS = ['alicloud_actiontrail_trail'];

export const trailIntact: ModelRule = {
  kind: 'model', id: 'ONR-AUD-01', title: 'An ActionTrail trail records all events in all regions',
  clause: '8.1.5.2', alibaba: ['actiontrail-trail-intact-enabled'], checkov: ['CKV_ALI_4', 'CKV_ALI_5'],
  differs: 'Omitted arguments take the provider defaults (trail_region All, event_rw Write, status Enable), as Checkov does for trail_region; a configuration with no trail at all is a finding, which Checkov, looking at resources only, cannot report.',
  severity: 'high', resourceTypes: TRAILS,
  remediation: 'Add alicloud_actiontrail_trail with status = "Enable", event_rw = "All" and trail_region = "All".',
  check(model: Model) {
    const trails = model.resources.filter((r) => TRAILS.includes(r.type));
    if (trails.length === 0) return [{ address: '(configuration)', file: model.resources[0]?.file ?? '.', line: 1, message: 'no alicloud_actiontrail_trail is defined, so API calls are not audited', ids: { alibaba: ['actiontrail-trail-intact-enabled'] } }];
    return trails.flatMap((trail) =>
      [
        ...withIds(expectOneOf(trail, 'status', ['Enable'], 'a stopped trail records nothing'), { alibaba: ['actiontrail-trail-intact-enabled'] }),
        ...withIds(expectOneOf(trail, 'event_rw', ['All'], 'read events are part of the audit trail'), { checkov: ['CKV_ALI_5'], alibaba: ['actiontrail-trail-intact-enabled'] }),
        ...withIds(expectOneOf(trail, 'trail_region', ['All'], 'events in other regions must be recorded too'), { checkov: ['CKV_ALI_4'], alibaba: ['actiontrail-trail-intact-enabled'] }),
      ].map((p) => ({ ...p, address: trail.address, file: trail.file, line: trail.lineOf(p.attribute ?? '') })),
    );
  },
};

export const auditRules: ResourceRule[] = [
  {
    kind: 'resource', id: 'ONR-AUD-02', title: 'ActionTrail delivers events to Log Service',
    clause: '8.1.5.4', alibaba: [], checkov: [],
    severity: 'medium', resourceTypes: TRAILS,
    remediation: 'Set sls_project_arn and sls_write_role_arn so events are kept and searchable centrally.',
    check: (trail) => [...expectSet(trail, 'sls_project_arn', 'events must reach central log storage'), ...expectSet(trail, 'sls_write_role_arn', 'ActionTrail needs a role to write to Log Service')],
  },
  {
    kind: 'resource', id: 'ONR-AUD-03', title: `Logstores keep logs at least ${MIN_LOG_DAYS} days`,
    clause: '8.1.4.3', alibaba: [], checkov: [],
    severity: 'high', resourceTypes: ['alicloud_log_store'],
    remediation: `Set retention_period to ${MIN_LOG_DAYS} or more (3650 keeps logs permanently).`,
    check: (store) => expectAtLeast(store, 'retention_period', MIN_LOG_DAYS, 'audit logs must be kept six months'),
  },
  {
    kind: 'resource', id: 'ONR-AUD-04', title: 'Logstores are encrypted',
    clause: '8.1.4.8', alibaba: ['sls-logstore-enabled-encrypt'], checkov: [],
    severity: 'medium', resourceTypes: ['alicloud_log_store'],
    remediation: 'Add encrypt_conf { enable = true, encrypt_type = "default" } (with user_cmk_info for a customer key).',
    check: (store) => (toBool(get(store, 'encrypt_conf.enable')) === true ? [] : [{ message: 'encrypt_conf.enable is not true', attribute: 'encrypt_conf' }]),
  },
  {
    kind: 'resource', id: 'ONR-AUD-05', title: 'Log Audit collects RDS audit logs centrally',
    clause: '8.1.5.4', alibaba: [], checkov: ['CKV_ALI_38'],
    severity: 'low', resourceTypes: ['alicloud_log_audit'],
    remediation: 'Set variable_map = { rds_enabled = "true", rds_ttl = "180", … }.',
    check: (audit) => expectOneOf(audit, 'variable_map.rds_enabled', ['true', true], 'database audit logs belong in the central audit store'),
  },
];
