// OSS buckets: no public access, encryption, versioning, logging, transport security, redundancy.
// Settings may sit on the bucket (older inline blocks) or in the alicloud_oss_bucket_* resources.
import type { Model, ResourceInstance } from '../model/types.js';
import { toBool } from '../values/convert.js';
import { PROVIDER_DEFAULTS } from '../values/provider-defaults.js';
import { attachedTo, expectOneOf, get, isSet } from './attributes.js';
import { asList, conditionKeys, statements, type Statement } from './policy-document.js';
import type { Problem, ResourceRule } from './rule.js';

const BUCKET = ['alicloud_oss_bucket'];

/** The companion resource of a bucket, e.g. its alicloud_oss_bucket_versioning. */
const companion = (model: Model, bucket: ResourceInstance, type: string) => attachedTo(model, [type], 'bucket', bucket)[0];

/** Reads a setting from the companion resource, falling back to the bucket's inline block. */
function setting(model: Model, bucket: ResourceInstance, type: string, attribute: string, inline: string) {
  const found = companion(model, bucket, type);
  if (found) return get(found, attribute);
  return get(bucket, inline) ?? PROVIDER_DEFAULTS[bucket.type]?.[inline];
}

function policyStatements(model: Model, bucket: ResourceInstance): Statement[] | undefined {
  const policy = companion(model, bucket, 'alicloud_oss_bucket_policy');
  return statements(policy ? get(policy, 'policy') : get(bucket, 'policy'));
}

const allows = (s: Statement) => s.Effect === 'Allow';
const missing = (what: string): Problem[] => [{ message: what }];

/** Account references that stay inside our own account: the caller identity or account data source. */
const OWN_ACCOUNT = /\$\{(module\.[^}]*\.)?data\.alicloud_(caller_identity|account)\./;

export const storageRules: ResourceRule[] = [
  {
    kind: 'resource', id: 'ONR-OSS-01', title: 'Bucket ACL is private',
    clause: '8.1.4.2', alibaba: ['oss-bucket-public-read-prohibited', 'oss-bucket-public-write-prohibited'], checkov: ['CKV_ALI_1'],
    severity: 'high', resourceTypes: BUCKET,
    remediation: 'Add alicloud_oss_bucket_acl with acl = "private" (an omitted ACL is private too).',
    check(bucket, model) {
      const acl = setting(model, bucket, 'alicloud_oss_bucket_acl', 'acl', 'acl');
      if (acl === 'private') return [];
      const publicIds = acl === 'public-read-write'
        ? { checkov: ['CKV_ALI_1'], alibaba: ['oss-bucket-public-read-prohibited', 'oss-bucket-public-write-prohibited'] }
        : acl === 'public-read' ? { checkov: ['CKV_ALI_1'], alibaba: ['oss-bucket-public-read-prohibited'] } : { checkov: [], alibaba: [] };
      return [{ message: `bucket ACL is ${JSON.stringify(acl ?? null)}, expected "private"`, ids: publicIds }];
    },
  },
  {
    kind: 'resource', id: 'ONR-OSS-02', title: 'Public access is blocked at the bucket',
    clause: '8.1.4.2', alibaba: [], checkov: [],
    severity: 'high', resourceTypes: BUCKET,
    remediation: 'Add alicloud_oss_bucket_public_access_block with block_public_access = true.',
    check: (bucket, model) => (toBool(get(companion(model, bucket, 'alicloud_oss_bucket_public_access_block') ?? bucket, 'block_public_access')) === true ? [] : missing('no alicloud_oss_bucket_public_access_block blocks public access, so a later ACL or policy change could expose objects')),
  },
  {
    kind: 'resource', id: 'ONR-OSS-03', title: 'Server-side encryption uses KMS with a customer key',
    clause: '8.1.4.8', alibaba: ['oss-default-encryption-kms'], checkov: ['CKV_ALI_6'],
    severity: 'high', resourceTypes: BUCKET,
    differs: 'Also reads alicloud_oss_bucket_server_side_encryption; Checkov\'s CKV_ALI_6 reads only the inline server_side_encryption_rule and so fails a bucket encrypted through the separate resource.',
    remediation: 'Add alicloud_oss_bucket_server_side_encryption with sse_algorithm = "KMS" and kms_master_key_id.',
    check(bucket, model) {
      const read = (key: string) => setting(model, bucket, 'alicloud_oss_bucket_server_side_encryption', key, `server_side_encryption_rule.${key}`);
      const problems: Problem[] = [];
      if (read('sse_algorithm') !== 'KMS') problems.push({ message: `sse_algorithm is ${JSON.stringify(read('sse_algorithm') ?? null)}, expected "KMS"`, ids: { alibaba: ['oss-default-encryption-kms'] } });
      if (!isSet(read('kms_master_key_id'))) problems.push({ message: 'kms_master_key_id is not set, so the OSS-managed key is used', ids: { checkov: ['CKV_ALI_6'] } });
      return problems;
    },
  },
  {
    kind: 'resource', id: 'ONR-OSS-04', title: 'Versioning is enabled',
    clause: '8.1.4.9', alibaba: ['oss-bucket-versioning-enabled'], checkov: ['CKV_ALI_10'],
    differs: 'Also reads alicloud_oss_bucket_versioning, which Checkov ignores.',
    severity: 'medium', resourceTypes: BUCKET,
    remediation: 'Add alicloud_oss_bucket_versioning with status = "Enabled".',
    check: (bucket, model) => (setting(model, bucket, 'alicloud_oss_bucket_versioning', 'status', 'versioning.status') === 'Enabled' ? [] : missing('versioning is not enabled, so overwritten or deleted objects are lost')),
  },
  {
    kind: 'resource', id: 'ONR-OSS-05', title: 'Access logging is enabled',
    clause: '8.1.4.3', alibaba: [], checkov: ['CKV_ALI_12'],
    differs: 'Also reads alicloud_oss_bucket_logging, which Checkov ignores.',
    severity: 'medium', resourceTypes: BUCKET,
    remediation: 'Add alicloud_oss_bucket_logging with a target_bucket (and target_prefix).',
    check: (bucket, model) => (isSet(setting(model, bucket, 'alicloud_oss_bucket_logging', 'target_bucket', 'logging.target_bucket')) ? [] : missing('access to the bucket is not logged')),
  },
  {
    kind: 'resource', id: 'ONR-OSS-06', title: 'Bucket policy denies requests that are not HTTPS',
    clause: '8.1.2.2', alibaba: ['oss-bucket-only-https-enabled'], checkov: [],
    severity: 'high', resourceTypes: BUCKET,
    remediation: 'Add a bucket policy statement that denies oss:* when acs:SecureTransport is false.',
    check(bucket, model) {
      const list = policyStatements(model, bucket);
      if (!list) return missing('no readable bucket policy, so plain HTTP requests are accepted');
      return list.some((s) => s.Effect === 'Deny' && conditionKeys(s).includes('acs:securetransport')) ? [] : missing('no Deny statement on acs:SecureTransport = false');
    },
  },
  {
    kind: 'resource', id: 'ONR-OSS-07', title: 'HTTPS accepts only TLS 1.2 or later',
    clause: '8.1.2.2', alibaba: ['oss-bucket-tls-version-check'], checkov: [],
    severity: 'medium', resourceTypes: BUCKET,
    remediation: 'Add alicloud_oss_bucket_https_config with enable = true and tls_versions = ["TLSv1.2", "TLSv1.3"].',
    check(bucket, model) {
      const https = companion(model, bucket, 'alicloud_oss_bucket_https_config');
      if (!https || toBool(get(https, 'enable')) !== true) return missing('no alicloud_oss_bucket_https_config limits TLS versions');
      const versions = get(https, 'tls_versions');
      const weak = Array.isArray(versions) ? versions.filter((v) => v !== 'TLSv1.2' && v !== 'TLSv1.3') : ['(not set)'];
      return weak.length ? missing(`tls_versions allows ${weak.map(String).join(', ')}`) : [];
    },
  },
  {
    kind: 'resource', id: 'ONR-OSS-08', title: 'Data is stored zone-redundant (ZRS)',
    clause: '8.1.4.9', alibaba: ['oss-zrs-enabled'], checkov: [],
    severity: 'medium', resourceTypes: BUCKET,
    remediation: 'Set redundancy_type = "ZRS" when creating the bucket.',
    check: (bucket) => expectOneOf(bucket, 'redundancy_type', ['ZRS'], 'LRS keeps data in a single zone'),
  },
  {
    kind: 'resource', id: 'ONR-OSS-09', title: 'Bucket policy grants nothing to anonymous users',
    clause: '8.1.4.2', alibaba: ['oss-bucket-policy-no-any-anonymous', 'oss-bucket-anonymous-prohibited'], checkov: [],
    differs: 'Config\'s oss-bucket-anonymous-prohibited looks only at buckets whose ACL is public; onramp refuses an anonymous grant on any bucket.',
    severity: 'high', resourceTypes: BUCKET,
    remediation: 'Replace Principal "*" in Allow statements with the RAM roles or users that need access.',
    check(bucket, model) {
      const open = (policyStatements(model, bucket) ?? []).filter((s) => allows(s) && asList(s.Principal).includes('*'));
      return open.length ? missing(`${open.length} Allow statement(s) grant access to Principal "*"`) : [];
    },
  },
  {
    kind: 'resource', id: 'ONR-OSS-10', title: 'Bucket policy grants access only inside this account',
    clause: '8.1.4.2', alibaba: ['oss-bucket-policy-outside-organization-check'], checkov: [],
    severity: 'medium', resourceTypes: BUCKET,
    remediation: 'Name principals through data.alicloud_caller_identity (this account) rather than literal account ids.',
    check(bucket, model) {
      const outside = (policyStatements(model, bucket) ?? []).filter(allows).flatMap((s) => asList(s.Principal)).filter((p) => p !== '*' && !OWN_ACCOUNT.test(p));
      return outside.length ? missing(`principal(s) ${outside.join(', ')} cannot be shown to belong to this account`) : [];
    },
  },
  {
    kind: 'resource', id: 'ONR-OSS-11', title: 'Bucket policy grants access only from specified networks',
    clause: '8.1.3.2', alibaba: ['oss-bucket-authorize-specified-ip'], checkov: [],
    severity: 'medium', resourceTypes: BUCKET,
    remediation: 'Give every Allow statement an acs:SourceVpc or acs:SourceIp condition.',
    check(bucket, model) {
      const list = policyStatements(model, bucket);
      if (!list || !list.some(allows)) return missing('no bucket policy names the networks allowed to reach the bucket');
      const unbounded = list.filter((s) => allows(s) && !conditionKeys(s).some((k) => k === 'acs:sourceip' || k === 'acs:sourcevpc'));
      return unbounded.length ? missing(`${unbounded.length} Allow statement(s) have no acs:SourceVpc / acs:SourceIp condition`) : [];
    },
  },
  {
    kind: 'resource', id: 'ONR-OSS-12', title: 'Transfer acceleration is enabled',
    clause: '8.1.2.1', alibaba: [], checkov: ['CKV_ALI_11'],
    differs: 'Also reads alicloud_oss_bucket_transfer_acceleration, which Checkov ignores.',
    severity: 'low', resourceTypes: BUCKET,
    remediation: 'Add alicloud_oss_bucket_transfer_acceleration with enabled = true.',
    check: (bucket, model) => (toBool(setting(model, bucket, 'alicloud_oss_bucket_transfer_acceleration', 'enabled', 'transfer_acceleration.enabled')) === true ? [] : missing('transfer acceleration is not enabled')),
  },
  {
    kind: 'resource', id: 'ONR-OSS-13', title: 'Hotlink protection refuses empty Referer',
    clause: '8.1.4.2', alibaba: ['oss-bucket-referer-enabled'], checkov: [],
    severity: 'low', resourceTypes: BUCKET,
    remediation: 'Add alicloud_oss_bucket_referer with allow_empty_referer = false and a referer_list.',
    check(bucket, model) {
      const referer = companion(model, bucket, 'alicloud_oss_bucket_referer');
      const allowEmpty = referer ? get(referer, 'allow_empty_referer') : get(bucket, 'referer_config.allow_empty');
      const list = referer ? get(referer, 'referer_list') : get(bucket, 'referer_config.referers');
      return toBool(allowEmpty) === false && isSet(list) ? [] : missing('no referer whitelist that refuses an empty Referer');
    },
  },
];
