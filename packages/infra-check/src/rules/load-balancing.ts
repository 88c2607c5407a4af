// Application Load Balancer (and the SLB TLS policy Checkov checks): internal, zoned, ACL'd, TLS.
import { ANYWHERE, attachedTo, blocks, expectOneOf, expectSet, get, strings } from './attributes.js';
import type { ResourceRule } from './rule.js';

const WEAK_TLS = ['TLSv1.0', 'TLSv1.1', 'TLSv1'];

export const loadBalancingRules: ResourceRule[] = [
  {
    kind: 'resource', id: 'ONR-ALB-01', title: 'Load balancers span at least two zones',
    clause: '8.1.2.1', alibaba: ['alb-instance-multi-zone'], checkov: [],
    severity: 'medium', resourceTypes: ['alicloud_alb_load_balancer'],
    remediation: 'Add zone_mappings for two zones.',
    check(alb) {
      const zones = new Set(blocks(alb, 'zone_mappings').map((z) => JSON.stringify(z.zone_id)));
      return zones.size >= 2 ? [] : [{ message: `zone_mappings cover ${zones.size} zone(s)`, attribute: 'zone_mappings' }];
    },
  },
  {
    kind: 'resource', id: 'ONR-ALB-02', title: 'Load balancers are internal',
    clause: '8.1.3.1', alibaba: ['alb-address-type-check'], checkov: [],
    severity: 'high', resourceTypes: ['alicloud_alb_load_balancer'],
    remediation: 'Set address_type = "Intranet"; onramp has no internet-facing endpoint.',
    check: (alb) => expectOneOf(alb, 'address_type', ['Intranet'], 'an internet-facing load balancer publishes the services'),
  },
  {
    kind: 'resource', id: 'ONR-ALB-03', title: 'Every listener has an access control list',
    clause: '8.1.3.2', alibaba: ['alb-all-listener-enabled-acl'], checkov: [],
    severity: 'medium', resourceTypes: ['alicloud_alb_listener'],
    remediation: 'Attach a whitelist ACL with alicloud_alb_listener_acl_attachment (acl_type = "White").',
    check: (listener, model) =>
      attachedTo(model, ['alicloud_alb_listener_acl_attachment'], 'listener_id', listener).some((a) => get(a, 'acl_type') === 'White')
        ? []
        : [{ message: 'no whitelist ACL is attached to this listener' }],
  },
  {
    kind: 'resource', id: 'ONR-ALB-04', title: 'ACL entries do not allow the whole internet',
    clause: '8.1.3.1', alibaba: ['alb-acl-public-access-check'], checkov: ['CKV_ALI_29'],
    differs: 'Also reads the inline acl_entries of alicloud_alb_acl and treats 0.0.0.0 and ::/0 as any address; Checkov\'s CKV_ALI_29 reads alicloud_alb_acl_entry_attachment and 0.0.0.0/0 only.',
    severity: 'high', resourceTypes: ['alicloud_alb_acl_entry_attachment', 'alicloud_alb_acl'],
    remediation: 'List the private CIDRs that call the service instead of 0.0.0.0/0.',
    check(resource) {
      const entries = resource.type === 'alicloud_alb_acl' ? blocks(resource, 'acl_entries').flatMap((e) => strings(e.entry)) : strings(get(resource, 'entry'));
      const open = entries.filter((e) => ANYWHERE.includes(e));
      return open.length ? [{ message: `ACL entry ${open.join(', ')} allows any address`, attribute: resource.type === 'alicloud_alb_acl' ? 'acl_entries' : 'entry' }] : [];
    },
  },
  {
    kind: 'resource', id: 'ONR-ALB-05', title: 'TLS policies allow only TLS 1.2 or later',
    clause: '8.1.2.2', alibaba: ['slb-all-listenter-tls-policy-check'], checkov: ['CKV_ALI_33'],
    differs: 'Also checks ALB security policies (alicloud_alb_security_policy) and the spelling "TLSv1"; Checkov\'s CKV_ALI_33 checks alicloud_slb_tls_cipher_policy for TLSv1.0 and TLSv1.1 only.',
    severity: 'medium', resourceTypes: ['alicloud_alb_security_policy', 'alicloud_slb_tls_cipher_policy'],
    remediation: 'Set tls_versions = ["TLSv1.2", "TLSv1.3"].',
    check(policy) {
      const weak = strings(get(policy, 'tls_versions')).filter((v) => WEAK_TLS.includes(v));
      return weak.length ? [{ message: `tls_versions allows ${weak.join(', ')}`, attribute: 'tls_versions' }] : [];
    },
  },
  {
    kind: 'resource', id: 'ONR-ALB-06', title: 'Listeners use HTTPS with an explicit TLS policy',
    clause: '8.1.2.2', alibaba: [], checkov: [],
    severity: 'high', resourceTypes: ['alicloud_alb_listener'],
    remediation: 'Set listener_protocol = "HTTPS", a certificate, and security_policy_id to a TLS 1.2+ policy.',
    check: (listener) => [...expectOneOf(listener, 'listener_protocol', ['HTTPS'], 'bearer tokens and personal data cross this hop'), ...expectSet(listener, 'security_policy_id', 'the default policy still allows TLS 1.0')],
  },
];
