// The external ids a rule may name. A finding never carries an id that is not here
// (test/known-ids.test.ts). Sources are named per list; nothing here was guessed.

/**
 * Every Checkov alicloud check, from bridgecrewio/checkov at commit 03d5fdad8d61 (2026-08-20):
 * checkov/terraform/checks/resource/alicloud/*.py and graph_checks/alicloud/OSSBucketPublic.yaml.
 * 34 was removed as a duplicate of 30 (#3467); 39 and 40 were never assigned.
 */
export const CHECKOV_ALICLOUD: Readonly<Record<string, { name: string; resourceTypes: readonly string[] }>> = {
  CKV_ALI_1: { name: 'Alibaba Cloud OSS bucket accessible to public', resourceTypes: ['alicloud_oss_bucket', 'alicloud_oss_bucket_acl'] },
  CKV_ALI_2: { name: 'Ensure no security groups allow ingress from 0.0.0.0:0 to port 22', resourceTypes: ['alicloud_security_group_rule'] },
  CKV_ALI_3: { name: 'Ensure no security groups allow ingress from 0.0.0.0:0 to port 3389', resourceTypes: ['alicloud_security_group_rule'] },
  CKV_ALI_4: { name: 'Ensure Action Trail Logging for all regions', resourceTypes: ['alicloud_actiontrail_trail'] },
  CKV_ALI_5: { name: 'Ensure Action Trail Logging for all events', resourceTypes: ['alicloud_actiontrail_trail'] },
  CKV_ALI_6: { name: 'Ensure OSS bucket is encrypted with Customer Master Key', resourceTypes: ['alicloud_oss_bucket'] },
  CKV_ALI_7: { name: 'Ensure disk is encrypted', resourceTypes: ['alicloud_disk'] },
  CKV_ALI_8: { name: 'Ensure Disk is encrypted with Customer Master Key', resourceTypes: ['alicloud_disk'] },
  CKV_ALI_9: { name: 'Ensure database instance is not public', resourceTypes: ['alicloud_db_instance'] },
  CKV_ALI_10: { name: 'Ensure OSS bucket has versioning enabled', resourceTypes: ['alicloud_oss_bucket'] },
  CKV_ALI_11: { name: 'Ensure OSS bucket has transfer Acceleration enabled', resourceTypes: ['alicloud_oss_bucket'] },
  CKV_ALI_12: { name: 'Ensure the OSS bucket has access logging enabled', resourceTypes: ['alicloud_oss_bucket'] },
  CKV_ALI_13: { name: 'Ensure RAM password policy requires minimum length of 14 or greater', resourceTypes: ['alicloud_ram_account_password_policy'] },
  CKV_ALI_14: { name: 'Ensure RAM password policy requires at least one number', resourceTypes: ['alicloud_ram_account_password_policy'] },
  CKV_ALI_15: { name: 'Ensure RAM password policy requires at least one symbol', resourceTypes: ['alicloud_ram_account_password_policy'] },
  CKV_ALI_16: { name: 'Ensure RAM password policy expires passwords within 90 days or less', resourceTypes: ['alicloud_ram_account_password_policy'] },
  CKV_ALI_17: { name: 'Ensure RAM password policy requires at least one lowercase letter', resourceTypes: ['alicloud_ram_account_password_policy'] },
  CKV_ALI_18: { name: 'Ensure RAM password policy prevents password reuse', resourceTypes: ['alicloud_ram_account_password_policy'] },
  CKV_ALI_19: { name: 'Ensure RAM password policy requires at least one uppercase letter', resourceTypes: ['alicloud_ram_account_password_policy'] },
  CKV_ALI_20: { name: 'Ensure RDS instance uses SSL', resourceTypes: ['alicloud_db_instance'] },
  CKV_ALI_21: { name: 'Ensure API Gateway API Protocol HTTPS', resourceTypes: ['alicloud_api_gateway_api'] },
  CKV_ALI_22: { name: 'Ensure Transparent Data Encryption is Enabled on instance', resourceTypes: ['alicloud_db_instance'] },
  CKV_ALI_23: { name: 'Ensure Ram Account Password Policy Max Login Attempts not > 5', resourceTypes: ['alicloud_ram_account_password_policy'] },
  CKV_ALI_24: { name: 'Ensure RAM enforces MFA', resourceTypes: ['alicloud_ram_security_preference'] },
  CKV_ALI_25: { name: 'Ensure RDS Instance SQL Collector Retention Period should be greater than 180', resourceTypes: ['alicloud_db_instance'] },
  CKV_ALI_26: { name: 'Ensure Kubernetes installs plugin Terway or Flannel to support standard policies', resourceTypes: ['alicloud_cs_kubernetes'] },
  CKV_ALI_27: { name: 'Ensure KMS Key Rotation is enabled', resourceTypes: ['alicloud_kms_key'] },
  CKV_ALI_28: { name: 'Ensure KMS Keys are enabled', resourceTypes: ['alicloud_kms_key'] },
  CKV_ALI_29: { name: 'Alibaba ALB ACL does not restrict Access', resourceTypes: ['alicloud_alb_acl_entry_attachment'] },
  CKV_ALI_30: { name: 'Ensure RDS instance auto upgrades for minor versions', resourceTypes: ['alicloud_db_instance'] },
  CKV_ALI_31: { name: 'Ensure K8s nodepools are set to auto repair', resourceTypes: ['alicloud_cs_kubernetes_node_pool'] },
  CKV_ALI_32: { name: 'Ensure launch template data disks are encrypted', resourceTypes: ['alicloud_ecs_launch_template'] },
  CKV_ALI_33: { name: 'Alibaba Cloud Cypher Policy are secure', resourceTypes: ['alicloud_slb_tls_cipher_policy'] },
  CKV_ALI_35: { name: 'Ensure RDS instance has log_duration enabled', resourceTypes: ['alicloud_db_instance'] },
  CKV_ALI_36: { name: 'Ensure RDS instance has log_disconnections enabled', resourceTypes: ['alicloud_db_instance'] },
  CKV_ALI_37: { name: 'Ensure RDS instance has log_connections enabled', resourceTypes: ['alicloud_db_instance'] },
  CKV_ALI_38: { name: 'Ensure log audit is enabled for RDS', resourceTypes: ['alicloud_log_audit'] },
  CKV_ALI_41: { name: 'Ensure MongoDB is deployed inside a VPC', resourceTypes: ['alicloud_mongodb_instance'] },
  CKV_ALI_42: { name: 'Ensure Mongodb instance uses SSL', resourceTypes: ['alicloud_mongodb_instance'] },
  CKV_ALI_43: { name: 'Ensure MongoDB instance is not public', resourceTypes: ['alicloud_mongodb_instance'] },
  CKV_ALI_44: { name: 'Ensure MongoDB has Transparent Data Encryption Enabled', resourceTypes: ['alicloud_mongodb_instance'] },
};

/**
 * Alibaba Cloud Config managed-rule identifiers onramp maps to. `pack` says where the identifier
 * was confirmed: 'pack-page' = seen on the ClassifiedProtectionPreCheck (MLPS level-3) template
 * page, 'rule-page' = the rule's own page in the Config documentation, 'earlier' = carried over
 * from the first version of the checker and not re-confirmed in this change (see the README).
 */
export const CONFIG_RULES: Readonly<Record<string, 'pack-page' | 'rule-page' | 'earlier'>> = {
  'eip-bandwidth-limit': 'pack-page',
  'natgateway-snat-eip-bandwidth-check': 'pack-page',
  'ecs-instances-in-vpc': 'pack-page',
  'rds-instances-in-vpc': 'pack-page',
  'oss-bucket-public-read-prohibited': 'rule-page',
  'oss-bucket-public-write-prohibited': 'rule-page',
  'oss-bucket-anonymous-prohibited': 'rule-page',
  'ecs-instance-no-public-ip': 'rule-page',
  'redis-public-and-any-ip-access-check': 'rule-page',
  'ecs-security-group-not-internet-cidr-access': 'rule-page',
  'sg-public-access-check': 'rule-page',
  ...Object.fromEntries(
    [
      'actiontrail-trail-intact-enabled', 'alb-acl-public-access-check', 'alb-address-type-check', 'alb-all-listener-enabled-acl',
      'alb-instance-multi-zone', 'ecs-disk-all-encrypted-by-kms', 'ecs-disk-auto-snapshot-policy', 'ecs-in-use-disk-encrypted',
      'ecs-instance-enabled-security-protection', 'ecs-instance-meta-data-mode-check', 'ecs-instance-ram-role-attached',
      'ecs-launch-template-version-data-disk-encrypted', 'ecs-running-instance-no-public-ip', 'ecs-security-group-egress-not-all-access',
      'ecs-security-group-risky-ports-check-with-protocol', 'elasticsearch-instance-enabled-data-node-encryption',
      'elasticsearch-instance-enabled-kibana-public-check', 'elasticsearch-instance-enabled-node-config-disk-encryption',
      'elasticsearch-instance-multi-zone', 'elasticsearch-public-and-any-ip-access-check', 'kms-key-rotation-enabled', 'nat-risk-ports-check',
      'oss-bucket-authorize-specified-ip', 'oss-bucket-only-https-enabled', 'oss-bucket-policy-no-any-anonymous',
      'oss-bucket-policy-outside-organization-check', 'oss-bucket-referer-enabled', 'oss-bucket-tls-version-check', 'oss-bucket-versioning-enabled',
      'oss-default-encryption-kms', 'oss-zrs-enabled', 'ram-policy-no-statements-with-admin-access-check', 'rds-instance-enabled-auditing',
      'rds-instance-enabled-disk-encryption', 'rds-instance-enabled-log-backup', 'rds-instance-enabled-ssl', 'rds-instance-enabled-tde',
      'rds-instance-has-guard-instance', 'rds-instance-tls-version-check', 'rds-multi-az-support', 'rds-public-connection-and-any-ip-access-check',
      'redis-instance-enabled-ssl', 'redis-instance-enabled-tde', 'redis-instance-in-vpc', 'redis-instance-multi-zone', 'redis-instance-open-auth-mode',
      'slb-all-listenter-tls-policy-check', 'sls-logstore-enabled-encrypt', 'vpc-flow-logs-enabled', 'vpc-network-acl-risky-ports-check',
    ].map((id) => [id, 'earlier' as const]),
  ),
};
