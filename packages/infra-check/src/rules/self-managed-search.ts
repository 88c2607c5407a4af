// A search cluster run on ECS (search_engine = "opensearch"): the instance rules (no public IP, encrypted
// disks, hardening) apply to its nodes as to any host; these add what a managed service would otherwise
// guarantee — TLS on HTTP and transport, the security plugin on without its demo configuration, and a
// security group that admits the cluster's ports from the application tier only — and keep the PAI-EAS
// embedding service inside the VPC. A node is recognized by its boot script, which configures OpenSearch.
import { cidrContains } from '../eval/cidr.js';
import { Ref, Unknown, isMap, type Value } from '../eval/value.js';
import type { Model, ResourceInstance } from '../model/types.js';
import { get, isSet, refersTo, strings } from './attributes.js';
import { portRange } from './network.js';
import type { Problem, ResourceRule } from './rule.js';

const NODE_TYPES = ['alicloud_instance', 'alicloud_ecs_launch_template'];
const SEARCH_PORTS = [9200, 9300];

/** The boot script as the instance will run it: user_data, base64-decoded when it is base64. */
export function bootScript(resource: ResourceInstance): string | undefined {
  const value = get(resource, 'user_data');
  if (typeof value !== 'string') return undefined;
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(value.trim())) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    if (/^(#!|#cloud-config)/.test(decoded)) return decoded;
  }
  return value;
}

/** Whether this host runs an OpenSearch node: its boot script writes opensearch.yml. */
export const runsOpenSearch = (resource: ResourceInstance): boolean => /opensearch\.yml/.test(bootScript(resource) ?? '');

const setting = (script: string, name: string): string | undefined => new RegExp(`^\\s*${name.replace(/\./g, '\\.')}\\s*:\\s*(\\S+)`, 'm').exec(script)?.[1];

function vpcCidrOf(group: ResourceInstance, model: Model): string | undefined {
  const vpc = get(group, 'vpc_id');
  const resource = vpc instanceof Ref ? model.resources.find((r) => r.address === vpc.address && r.type === 'alicloud_vpc') : undefined;
  const cidr = resource === undefined ? undefined : get(resource, 'cidr_block');
  return typeof cidr === 'string' ? cidr : undefined;
}

function clusterPortProblems(node: ResourceInstance, model: Model): Problem[] {
  const problems: Problem[] = [];
  const groups = model.resources.filter((r) => r.type === 'alicloud_security_group' && refersTo(get(node, 'security_groups') ?? get(node, 'security_group_ids'), r));
  for (const group of groups) {
    const vpcCidr = vpcCidrOf(group, model);
    for (const rule of model.resources.filter((r) => r.type === 'alicloud_security_group_rule' && refersTo(get(r, 'security_group_id'), group))) {
      if (get(rule, 'type') !== 'ingress' || get(rule, 'policy') === 'drop') continue;
      const range = portRange(get(rule, 'port_range'));
      if (range !== undefined && !SEARCH_PORTS.some((p) => p >= range[0] && p <= range[1])) continue;
      const cidr: Value | undefined = get(rule, 'cidr_ip');
      if (cidr instanceof Unknown) {
        problems.push({ message: `${rule.address} admits ports ${SEARCH_PORTS.join('/')} from a CIDR that is not known statically (${cidr.reason})` });
        continue;
      }
      for (const source of strings(cidr)) {
        const prefix = Number(source.split('/')[1] ?? 32);
        const wholeVpc = vpcCidr === undefined ? prefix < 16 : cidrContains(source, vpcCidr) === true;
        if (wholeVpc) problems.push({ message: `${rule.address} admits ports ${SEARCH_PORTS.join('/')} from ${source}, more than the application tier` });
      }
    }
  }
  if (groups.length === 0) problems.push({ message: 'the node is in no security group this configuration defines, so who may reach 9200/9300 cannot be checked', attribute: 'security_groups' });
  return problems;
}

function paiNetworking(service: ResourceInstance): Problem[] {
  let config: Value | undefined = get(service, 'service_config');
  if (typeof config === 'string') {
    try {
      config = JSON.parse(config) as Value;
    } catch {
      return [{ message: 'service_config is not JSON', attribute: 'service_config' }];
    }
  }
  if (config === undefined || !isMap(config)) return [{ message: 'service_config is not known statically', attribute: 'service_config' }];
  const problems: Problem[] = [];
  const cloud = config.cloud ?? null;
  const networking = isMap(cloud) && cloud.networking !== undefined && isMap(cloud.networking) ? cloud.networking : undefined;
  for (const key of ['vpc_id', 'vswitch_id', 'security_group_id']) {
    if (networking === undefined || !isSet(networking[key])) problems.push({ message: `service_config.cloud.networking.${key} is not set: no VPC direct connection`, attribute: 'service_config' });
  }
  const oss = (s: Value) => (isMap(s) && s.oss !== undefined && isMap(s.oss) ? s.oss.path : undefined);
  const sources = [config.model_path, config.processor_path, ...(Array.isArray(config.storage) ? config.storage.map(oss) : [])];
  for (const source of sources) {
    if (typeof source === 'string' && !source.startsWith('oss://')) problems.push({ message: `the model or processor comes from ${source}, not from an OSS bucket of this account`, attribute: 'service_config' });
  }
  return problems;
}

export const selfManagedSearchRules: ResourceRule[] = [
  {
    kind: 'resource', id: 'ONR-OS-01', title: 'A self-managed OpenSearch node encrypts HTTP and transport with TLS',
    clause: '8.1.2.2', alibaba: [], checkov: [],
    severity: 'high', resourceTypes: NODE_TYPES,
    remediation: 'In opensearch.yml set plugins.security.ssl.http.enabled: true and plugins.security.ssl.transport.enabled: true with node certificates (PEM paths), and keep TLS 1.2 or later.',
    check(node) {
      if (!runsOpenSearch(node)) return [];
      const script = bootScript(node)!;
      const problems: Problem[] = [];
      for (const name of ['plugins.security.ssl.http.enabled', 'plugins.security.ssl.transport.enabled']) {
        if (setting(script, name) !== 'true') problems.push({ message: `opensearch.yml does not set ${name}: true`, attribute: 'user_data' });
      }
      if (/TLSv1(\.1)?\b(?!\.[23])/.test(setting(script, 'plugins.security.ssl.http.enabled_protocols') ?? '')) problems.push({ message: 'HTTP TLS allows TLS 1.0/1.1', attribute: 'user_data' });
      return problems;
    },
  },
  {
    kind: 'resource', id: 'ONR-OS-02', title: 'A self-managed OpenSearch node authenticates every caller (security plugin on, no demo configuration)',
    clause: '8.1.4.1', alibaba: [], checkov: [],
    severity: 'high', resourceTypes: NODE_TYPES,
    remediation: 'Keep the security plugin enabled, set plugins.security.allow_default_init_securityindex: false, and load users and roles with securityadmin.sh (never the demo admin:admin).',
    check(node) {
      if (!runsOpenSearch(node)) return [];
      const script = bootScript(node)!;
      const problems: Problem[] = [];
      if (setting(script, 'plugins.security.disabled') === 'true') problems.push({ message: 'plugins.security.disabled: true turns authentication off', attribute: 'user_data' });
      if (setting(script, 'plugins.security.allow_default_init_securityindex') !== 'false') problems.push({ message: 'plugins.security.allow_default_init_securityindex is not false: the demo users could be installed', attribute: 'user_data' });
      if (/install_demo_configuration/.test(script)) problems.push({ message: 'the boot script runs the demo configuration installer', attribute: 'user_data' });
      return problems;
    },
  },
  {
    kind: 'resource', id: 'ONR-OS-03', title: 'A self-managed OpenSearch node admits 9200/9300 from the application tier only',
    clause: '8.1.3.2', alibaba: [], checkov: [],
    differs: 'Stricter than ONR-NET-03 (private address space): for a search node, a source that covers the whole VPC is a finding too.',
    severity: 'high', resourceTypes: NODE_TYPES,
    remediation: 'Allow 9200 from the application subnets (or their security groups) and 9300 from the nodes\' own security group only.',
    check: (node, model) => (runsOpenSearch(node) ? clusterPortProblems(node, model) : []),
  },
  {
    kind: 'resource', id: 'ONR-PAI-01', title: 'The PAI-EAS service is reached over the VPC and loads its model from OSS',
    clause: '8.1.3.1', alibaba: [], checkov: [],
    severity: 'medium', resourceTypes: ['alicloud_pai_service'],
    remediation: 'Give service_config a cloud.networking block (vpc_id, vswitch_id, security_group_id) and mount the model from an oss:// path of the training bucket.',
    check: paiNetworking,
  },
];
