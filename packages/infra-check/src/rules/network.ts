// Network architecture and boundary: security groups, network ACLs, NAT, EIPs, flow logs.
import { cidrContains } from '../eval/cidr.js';
import { Unknown } from '../eval/value.js';
import type { ResourceInstance } from '../model/types.js';
import { readIs } from '../values/read-value.js';
import { ANYWHERE, attachedTo, blocks, expectAtLeast, get, inVpc, isSet, strings } from './attributes.js';
import type { Problem, ResourceRule } from './rule.js';

/** Ports that must never face the internet: remote login, databases, caches, search, file sharing. */
export const RISKY_PORTS = [20, 21, 22, 23, 135, 137, 139, 445, 1433, 1521, 3306, 3389, 5432, 5601, 6379, 9200, 9300, 11211, 27017];

const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'];

/** Parses `from/to` (Alibaba's port_range); `-1/-1` and a missing range mean every port. */
export function portRange(value: unknown): [number, number] | undefined {
  if (value === undefined || value === null || value === '') return [1, 65535];
  const match = /^(-?\d+)\/(-?\d+)$/.exec(String(value));
  if (!match) return undefined;
  const [from, to] = [Number(match[1]), Number(match[2])];
  return from === -1 ? [1, 65535] : [from, to];
}

const accepts = (rule: ResourceInstance): boolean => readIs(rule, 'policy', ['accept']);
const isIngress = (rule: ResourceInstance): boolean => get(rule, 'type') === 'ingress';
const fromAnywhere = (rule: ResourceInstance): boolean =>
  strings(get(rule, 'cidr_ip')).some((c) => ANYWHERE.includes(c)) || strings(get(rule, 'ipv6_cidr_ip')).some((c) => ANYWHERE.includes(c));

function riskyPortsOpen(range: [number, number] | undefined, protocol: unknown): number[] {
  if (!range || protocol === 'icmp' || protocol === 'gre') return [];
  return RISKY_PORTS.filter((p) => p >= range[0] && p <= range[1]);
}

const SG_RULE = ['alicloud_security_group_rule'];

export const networkRules: ResourceRule[] = [
  {
    kind: 'resource', id: 'ONR-NET-01', title: 'Security group rules expose no risky port to the internet',
    clause: '8.1.3.2', alibaba: ['ecs-security-group-risky-ports-check-with-protocol'], checkov: ['CKV_ALI_2', 'CKV_ALI_3'],
    differs: 'Covers a list of risky ports (remote login, databases, caches, search) and ::/0, not only 22 and 3389 from 0.0.0.0/0; a finding carries CKV_ALI_2 / CKV_ALI_3 only when port 22 / 3389 is among the open ports. Checkov also fails an ingress rule with no cidr_ip (e.g. one from another security group); onramp does not.',
    severity: 'high', resourceTypes: SG_RULE,
    remediation: 'Restrict cidr_ip to the private ranges that need the port, or reach hosts through a bastion or Cloud Assistant.',
    check(rule) {
      if (!isIngress(rule) || !accepts(rule) || !fromAnywhere(rule)) return [];
      const open = riskyPortsOpen(portRange(get(rule, 'port_range')), get(rule, 'ip_protocol'));
      if (!open.length) return [];
      // Checkov's CKV_ALI_2 / CKV_ALI_3 each look at one port: the finding carries the ones it hits.
      const checkov = [open.includes(22) ? 'CKV_ALI_2' : '', open.includes(3389) ? 'CKV_ALI_3' : ''].filter(Boolean);
      return [{ message: `ingress from anywhere opens risky port(s) ${open.join(', ')}`, attribute: 'port_range', ids: { checkov, alibaba: ['ecs-security-group-risky-ports-check-with-protocol'] } }];
    },
  },
  {
    kind: 'resource', id: 'ONR-NET-02', title: 'No security group rule accepts every port from anywhere',
    clause: '8.1.3.1', alibaba: ['sg-public-access-check'], checkov: [],
    severity: 'high', resourceTypes: SG_RULE,
    remediation: 'Replace the rule with rules for the single ports the service listens on, from the sources that call it.',
    check(rule) {
      if (!isIngress(rule) || !accepts(rule) || !fromAnywhere(rule)) return [];
      const range = portRange(get(rule, 'port_range'));
      const all = get(rule, 'ip_protocol') === 'all' || (range !== undefined && range[0] <= 1 && range[1] >= 65535);
      return all ? [{ message: 'ingress accepts all ports from 0.0.0.0/0', attribute: 'port_range' }] : [];
    },
  },
  {
    kind: 'resource', id: 'ONR-NET-03', title: 'Ingress is allowed only from private address space or other security groups',
    clause: '8.1.3.1', alibaba: ['ecs-security-group-not-internet-cidr-access'], checkov: [],
    severity: 'high', resourceTypes: SG_RULE,
    remediation: 'Put internet-facing entry points behind a load balancer and allow only its security group or private CIDRs.',
    check(rule) {
      if (!isIngress(rule) || !accepts(rule)) return [];
      const cidr = get(rule, 'cidr_ip');
      if (cidr instanceof Unknown) return [{ message: `cidr_ip is not known statically (${cidr.reason})`, attribute: 'cidr_ip' }];
      const publicCidrs = strings(cidr).filter((c) => !PRIVATE_RANGES.some((range) => cidrContains(range, c) === true));
      if (isSet(get(rule, 'ipv6_cidr_ip'))) publicCidrs.push(...strings(get(rule, 'ipv6_cidr_ip')));
      return publicCidrs.length ? [{ message: `ingress accepts public address space ${publicCidrs.join(', ')}`, attribute: 'cidr_ip' }] : [];
    },
  },
  {
    kind: 'resource', id: 'ONR-NET-04', title: 'Egress to the internet is limited to named ports and protocols',
    clause: '8.1.3.2', alibaba: ['ecs-security-group-egress-not-all-access'], checkov: [],
    severity: 'medium', resourceTypes: SG_RULE,
    remediation: 'Allow egress to 0.0.0.0/0 only on the ports the workload needs (e.g. tcp 443), and drop the rest.',
    check(rule) {
      if (get(rule, 'type') !== 'egress' || !accepts(rule) || !fromAnywhere(rule)) return [];
      const range = portRange(get(rule, 'port_range'));
      const all = get(rule, 'ip_protocol') === 'all' || range === undefined || (range[0] <= 1 && range[1] >= 65535);
      return all ? [{ message: 'egress accepts every port to 0.0.0.0/0', attribute: 'port_range' }] : [];
    },
  },
  {
    kind: 'resource', id: 'ONR-NET-05', title: 'Every VPC has flow logs delivered to Log Service',
    clause: '8.1.3.5', alibaba: ['vpc-flow-logs-enabled'], checkov: [],
    severity: 'medium', resourceTypes: ['alicloud_vpc'],
    remediation: 'Add an alicloud_vpc_flow_log with resource_type = "VPC", resource_id = the VPC id and traffic_type = "All".',
    check(vpc, model) {
      const logs = attachedTo(model, ['alicloud_vpc_flow_log'], 'resource_id', vpc);
      if (logs.length === 0) return [{ message: 'no alicloud_vpc_flow_log records this VPC' }];
      return logs.some((l) => get(l, 'traffic_type') === 'All' && get(l, 'status') !== 'Inactive') ? [] : [{ message: 'the VPC flow log does not record all traffic (traffic_type = "All")' }];
    },
  },
  {
    kind: 'resource', id: 'ONR-NET-06', title: 'Network ACLs expose no risky port to the internet',
    clause: '8.1.3.2', alibaba: ['vpc-network-acl-risky-ports-check'], checkov: [],
    severity: 'high', resourceTypes: ['alicloud_network_acl'],
    remediation: 'Drop, or narrow to private sources, ingress entries from 0.0.0.0/0 that cover remote-login or database ports.',
    check(acl) {
      const problems: Problem[] = [];
      for (const entry of blocks(acl, 'ingress_acl_entries')) {
        if ((entry.policy ?? 'accept') !== 'accept' || !ANYWHERE.includes(String(entry.source_cidr_ip))) continue;
        const open = riskyPortsOpen(portRange(entry.port), entry.protocol);
        if (open.length) problems.push({ message: `ingress entry from anywhere opens risky port(s) ${open.join(', ')}`, attribute: 'ingress_acl_entries' });
      }
      return problems;
    },
  },
  {
    kind: 'resource', id: 'ONR-NET-07', title: 'EIP bandwidth is at least 10 Mbit/s',
    clause: '8.1.2.1', alibaba: ['eip-bandwidth-limit'], checkov: [],
    severity: 'low', resourceTypes: ['alicloud_eip_address'],
    remediation: 'Set bandwidth to 10 or more so that egress keeps up at peak.',
    check: (eip) => expectAtLeast(eip, 'bandwidth', 10, 'the pack asks for ≥ 10 Mbit/s per EIP'),
  },
  {
    kind: 'resource', id: 'ONR-NET-08', title: 'SNAT entries with several EIPs use one bandwidth',
    clause: '8.1.2.1', alibaba: ['natgateway-snat-eip-bandwidth-check'], checkov: [],
    severity: 'low', resourceTypes: ['alicloud_snat_entry'],
    remediation: 'Give every EIP of one SNAT entry the same bandwidth, or put them in one EIP bandwidth plan.',
    check(entry, model) {
      const snatIp = get(entry, 'snat_ip');
      const eips = model.resources.filter((r) => r.type === 'alicloud_eip_address' && typeof snatIp === 'string' && snatIp.includes(`\${${r.address}.`));
      const widths = new Set(eips.map((e) => JSON.stringify(get(e, 'bandwidth'))));
      return widths.size > 1 ? [{ message: `the SNAT entry's EIPs have different bandwidths (${[...widths].join(', ')})`, attribute: 'snat_ip' }] : [];
    },
  },
  {
    kind: 'resource', id: 'ONR-NET-09', title: 'NAT gateway DNAT entries expose no risky port',
    clause: '8.1.3.2', alibaba: ['nat-risk-ports-check'], checkov: [],
    severity: 'high', resourceTypes: ['alicloud_forward_entry'],
    remediation: 'Remove DNAT entries for remote-login and database ports; use a bastion host or VPN instead.',
    check(entry) {
      const ports = strings(get(entry, 'external_port')).flatMap((p) => {
        const range = p === 'any' ? [1, 65535] : p.split('/').map(Number);
        return riskyPortsOpen([range[0]!, range[1] ?? range[0]!], get(entry, 'ip_protocol'));
      });
      return ports.length ? [{ message: `DNAT publishes risky port(s) ${ports.join(', ')}`, attribute: 'external_port' }] : [];
    },
  },
  {
    kind: 'resource', id: 'ONR-NET-10', title: 'ECS instances and launch templates are placed in a VPC',
    clause: '8.1.2.1', alibaba: ['ecs-instances-in-vpc'], checkov: [],
    severity: 'medium', resourceTypes: ['alicloud_instance', 'alicloud_ecs_launch_template'],
    remediation: 'Set vswitch_id to a vSwitch of the workload VPC.',
    check: (r) => (r.type === 'alicloud_ecs_launch_template' && get(r, 'network_type') === 'vpc' ? [] : inVpc(r)),
  },
];

