// Key management and RAM policies.
import { read } from '../values/read-value.js';
import { expectOneOf, get } from './attributes.js';
import { asList, statements } from './policy-document.js';
import type { ResourceRule } from './rule.js';

export const keyRules: ResourceRule[] = [
  {
    kind: 'resource', id: 'ONR-KMS-01', title: 'KMS keys rotate automatically',
    clause: '8.1.4.8', alibaba: ['kms-key-rotation-enabled'], checkov: ['CKV_ALI_27'],
    severity: 'medium', resourceTypes: ['alicloud_kms_key'],
    remediation: 'Set automatic_rotation = "Enabled" and rotation_interval (e.g. "31536000s").',
    check: (key) => expectOneOf(key, 'automatic_rotation', ['Enabled'], 'long-lived key material widens what one leak exposes'),
  },
  {
    kind: 'resource', id: 'ONR-KMS-02', title: 'KMS keys are enabled',
    clause: '8.1.4.8', alibaba: [], checkov: ['CKV_ALI_28'],
    severity: 'low', resourceTypes: ['alicloud_kms_key'],
    remediation: 'Leave status unset or set it to "Enabled".',
    check: (key) => {
      const status = read(key, 'status');
      return status === 'Enabled' ? [] : [{ message: `status is ${JSON.stringify(status)}`, attribute: 'status' }];
    },
  },
  {
    kind: 'resource', id: 'ONR-RAM-01', title: 'RAM policies grant no full administrative access',
    clause: '8.1.4.2', alibaba: ['ram-policy-no-statements-with-admin-access-check'], checkov: [],
    severity: 'high', resourceTypes: ['alicloud_ram_policy'],
    remediation: 'List the actions and resources the role needs instead of "*" on "*".',
    check(policy) {
      const list = statements(get(policy, 'policy_document'));
      if (!list) return [{ message: 'policy_document is not readable JSON, so it cannot be shown to be least-privilege', attribute: 'policy_document' }];
      const admin = list.filter((s) => s.Effect === 'Allow' && asList(s.Action).some((a) => a === '*' || a === '*:*') && asList(s.Resource).includes('*'));
      return admin.length ? [{ message: 'a statement allows every action on every resource', attribute: 'policy_document' }] : [];
    },
  },
];
