// Redis / Tair (KVStore): authentication, private access, TLS, encryption, availability.
import { expectOneOf, expectSet, inVpc, privateAccessProblems, secondZoneProblems } from './attributes.js';
import type { ResourceRule } from './rule.js';

const REDIS = ['alicloud_kvstore_instance'];

export const cacheRules: ResourceRule[] = [
  {
    kind: 'resource', id: 'ONR-RED-01', title: 'Redis requires a password inside the VPC',
    clause: '8.1.4.1', alibaba: ['redis-instance-open-auth-mode'], checkov: [],
    severity: 'high', resourceTypes: REDIS,
    remediation: 'Set vpc_auth_mode = "Open" (password authentication) and the password through kms_encrypted_password.',
    check: (r) => [...expectOneOf(r, 'vpc_auth_mode', ['Open'], 'password-free access lets any host in the VPC read the queues'), ...expectSet(r, 'kms_encrypted_password', 'the password must come from a KMS-encrypted input')],
  },
  {
    kind: 'resource', id: 'ONR-RED-02', title: 'Redis has no public endpoint and no any-IP whitelist',
    clause: '8.1.3.1', alibaba: ['redis-public-and-any-ip-access-check'], checkov: [],
    differs: 'Stricter than Config: public access alone and an any-IP whitelist alone are each a finding; Config fails only when both hold, so its id is carried only then.',
    severity: 'high', resourceTypes: REDIS,
    remediation: 'Remove alicloud_kvstore_connection (public endpoint) and list only application CIDRs in security_ips.',
    check(redis, model) {
      return privateAccessProblems(redis, model, 'security_ips', 'alicloud_kvstore_connection', 'redis-public-and-any-ip-access-check', [], 'enable_public');
    },
  },
  {
    kind: 'resource', id: 'ONR-RED-03', title: 'Redis connections use TLS',
    clause: '8.1.2.2', alibaba: ['redis-instance-enabled-ssl'], checkov: [],
    severity: 'high', resourceTypes: REDIS,
    remediation: 'Set ssl_enable = "Enable" and connect with rediss://.',
    check: (r) => expectOneOf(r, 'ssl_enable', ['Enable'], 'queue payloads carry personal data'),
  },
  {
    kind: 'resource', id: 'ONR-RED-04', title: 'Redis runs in two zones',
    clause: '8.1.4.9', alibaba: ['redis-instance-multi-zone'], checkov: [],
    severity: 'medium', resourceTypes: REDIS,
    remediation: 'Set secondary_zone_id to a zone other than zone_id.',
    check: (redis) => secondZoneProblems(redis, 'zone_id', 'secondary_zone_id'),
  },
  {
    kind: 'resource', id: 'ONR-RED-05', title: 'Redis instances are in a VPC',
    clause: '8.1.2.1', alibaba: ['redis-instance-in-vpc'], checkov: [],
    severity: 'medium', resourceTypes: REDIS,
    remediation: 'Set vswitch_id to a data-tier vSwitch.',
    check: inVpc,
  },
  {
    kind: 'resource', id: 'ONR-RED-06', title: 'Redis data is encrypted at rest (TDE)',
    clause: '8.1.4.8', alibaba: ['redis-instance-enabled-tde'], checkov: [],
    severity: 'medium', resourceTypes: REDIS,
    remediation: 'Set tde_status = "Enabled" with encryption_key set to a KMS key.',
    check: (r) => [...expectOneOf(r, 'tde_status', ['Enabled'], 'persistence files hold queue payloads'), ...expectSet(r, 'encryption_key', 'TDE should use a customer-managed KMS key')],
  },
];
