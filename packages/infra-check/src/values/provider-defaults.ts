// What the alicloud provider (v1.283.0) uses when an argument is omitted, from the provider's
// documentation of each argument ("Default value: …"). Rules read omitted arguments through this
// table, so an omitted argument is judged as the value the resource really gets.
import type { Value } from '../eval/value.js';

export const PROVIDER_DEFAULTS: Readonly<Record<string, Readonly<Record<string, Value>>>> = {
  // "acl - … Defaults to private."
  alicloud_oss_bucket: { acl: 'private' },
  // "trail_region - … Default value: All." / "event_rw - … Default value: Write." / "status - … Default value: Enable."
  alicloud_actiontrail_trail: { trail_region: 'All', event_rw: 'Write', status: 'Enable' },
  // "internet_max_bandwidth_out - … Default to 0 Mbps." (no public IP)
  alicloud_instance: { internet_max_bandwidth_out: 0, system_disk_encrypted: false },
  alicloud_ess_scaling_configuration: { internet_max_bandwidth_out: 0, system_disk_encrypted: false },
  // "encrypted - … Default value: false."
  alicloud_disk: { encrypted: false },
  alicloud_ecs_disk: { encrypted: false },
  // "status - … Default value: Enabled." / "automatic_rotation - … Default value: Disabled."
  alicloud_kms_key: { status: 'Enabled', automatic_rotation: 'Disabled' },
  // "enable_public - … Default value: false." / "enable_kibana_public_network - … Default value: true." / "protocol - … Default value: HTTP."
  alicloud_elasticsearch_instance: { enable_public: false, enable_kibana_public_network: true, protocol: 'HTTP' },
  alicloud_kvstore_instance: { enable_public: false },
  // "policy - … Default value: accept."
  alicloud_security_group_rule: { policy: 'accept' },
};

/**
 * Arguments whose service compares values without regard to case; the provider passes them on
 * unchanged. PostgreSQL takes `on`/`ON`/`On` for its boolean parameters, RDS engine names are
 * matched case-insensitively by the RDS API.
 */
export const CASE_INSENSITIVE: Readonly<Record<string, readonly string[]>> = {
  alicloud_db_instance: ['engine', 'parameters.value'],
};
