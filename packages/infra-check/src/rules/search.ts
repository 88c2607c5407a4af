// Alibaba Cloud Elasticsearch: private endpoints, whitelists, HTTPS, disk encryption, zones.
import { toBool } from '../values/convert.js';
import { readBool } from '../values/read-value.js';
import { ANYWHERE, expectAtLeast, expectOneOf, get, isSet, strings } from './attributes.js';
import type { Problem, ResourceRule } from './rule.js';

const ES = ['alicloud_elasticsearch_instance'];

export const searchRules: ResourceRule[] = [
  {
    kind: 'resource', id: 'ONR-ES-01', title: 'Elasticsearch and Kibana are private and whitelisted',
    clause: '8.1.3.1', alibaba: ['elasticsearch-public-and-any-ip-access-check', 'elasticsearch-instance-enabled-kibana-public-check'], checkov: [],
    differs: 'Stricter than Config: an omitted private_whitelist is a finding (with no Config id), since the default whitelist is not ours to rely on.',
    severity: 'high', resourceTypes: ES,
    remediation: 'Set enable_public = false, enable_kibana_public_network = false, and list only application CIDRs in private_whitelist.',
    check(es) {
      const problems: Problem[] = [];
      if (readBool(es, 'enable_public') !== false) problems.push({ message: 'enable_public is not false', attribute: 'enable_public', ids: { alibaba: ['elasticsearch-public-and-any-ip-access-check'] } });
      if (readBool(es, 'enable_kibana_public_network') !== false) problems.push({ message: 'enable_kibana_public_network is not false', attribute: 'enable_kibana_public_network', ids: { alibaba: ['elasticsearch-instance-enabled-kibana-public-check'] } });
      if (!isSet(get(es, 'private_whitelist'))) problems.push({ message: 'private_whitelist is not set, so the default whitelist applies', attribute: 'private_whitelist', ids: {} });
      for (const list of ['private_whitelist', 'public_whitelist', 'kibana_whitelist', 'kibana_private_whitelist']) {
        const open = strings(get(es, list)).filter((ip) => ANYWHERE.includes(ip));
        if (open.length) problems.push({ message: `${list} allows ${open.join(', ')}`, attribute: list, ids: { alibaba: [list.startsWith('kibana') ? 'elasticsearch-instance-enabled-kibana-public-check' : 'elasticsearch-public-and-any-ip-access-check'] } });
      }
      return problems;
    },
  },
  {
    kind: 'resource', id: 'ONR-ES-02', title: 'Elasticsearch spans at least two zones',
    clause: '8.1.4.9', alibaba: ['elasticsearch-instance-multi-zone'], checkov: [],
    severity: 'medium', resourceTypes: ES,
    remediation: 'Set zone_count = 2 (or 3) with a data node count that is a multiple of it.',
    check: (es) => expectAtLeast(es, 'zone_count', 2, 'a single-zone cluster goes down with its zone'),
  },
  {
    kind: 'resource', id: 'ONR-ES-03', title: 'Elasticsearch is reached over HTTPS',
    clause: '8.1.2.2', alibaba: [], checkov: [],
    severity: 'high', resourceTypes: ES,
    remediation: 'Set protocol = "HTTPS".',
    check: (es) => expectOneOf(es, 'protocol', ['HTTPS'], 'queries and indexed profiles carry personal data'),
  },
  {
    kind: 'resource', id: 'ONR-ES-04', title: 'Elasticsearch data disks are encrypted',
    clause: '8.1.4.8', alibaba: ['elasticsearch-instance-enabled-node-config-disk-encryption', 'elasticsearch-instance-enabled-data-node-encryption'], checkov: [],
    severity: 'high', resourceTypes: ES,
    remediation: 'Set data_node_configuration { disk_encryption = true }.',
    check: (es) => (toBool(get(es, 'data_node_configuration.disk_encryption')) === true || toBool(get(es, 'data_node_disk_encrypted')) === true ? [] : [{ message: 'data node disks are not encrypted', attribute: 'data_node_configuration' }]),
  },
];
