// Traffic to the cloud services the hosts call stays on PrivateLink: every VPC has an interface
// endpoint per service, in at least two zones, behind a security group.
import type { Model, ResourceInstance } from '../model/types.js';
import { attachedTo, get, isSet } from './attributes.js';
import type { Problem, ResourceRule } from './rule.js';

/** The services onramp's hosts call, and how an endpoint's service_name names each. */
export const PRIVATELINK_SERVICES: Readonly<Record<string, RegExp>> = {
  oss: /\boss\b/i,
  kms: /\bkms\b/i,
  sls: /\b(sls|log)\b/i,
  mns: /\bmns\b/i,
  eventbridge: /\beventbridge\b/i,
};

/**
 * Which service an endpoint serves: its service_name when written in the configuration, else the
 * suffix of its vpc_endpoint_name (`<name>-oss`), for configurations that take the region's
 * service names as an input.
 */
export function endpointService(endpoint: ResourceInstance): string | undefined {
  const serviceName = get(endpoint, 'service_name');
  const entries = Object.entries(PRIVATELINK_SERVICES);
  if (typeof serviceName === 'string' && !serviceName.includes('${')) return entries.find(([, pattern]) => pattern.test(serviceName))?.[0];
  const name = get(endpoint, 'vpc_endpoint_name');
  return typeof name === 'string' ? entries.find(([key]) => name.endsWith(`-${key}`))?.[0] : undefined;
}

function zonesOf(model: Model, endpoint: ResourceInstance): Set<string> {
  return new Set(attachedTo(model, ['alicloud_privatelink_vpc_endpoint_zone'], 'endpoint_id', endpoint).map((z) => JSON.stringify(get(z, 'zone_id') ?? get(z, 'vswitch_id'))));
}

export const privateEndpoints: ResourceRule = {
  kind: 'resource', id: 'ONR-NET-11', title: 'Cloud services are reached through PrivateLink endpoints in two zones',
  clause: '8.1.3.1', alibaba: [], checkov: [],
  severity: 'high', resourceTypes: ['alicloud_vpc'],
  remediation: `Add an alicloud_privatelink_vpc_endpoint (endpoint_type "Interface", security_group_ids) per service (${Object.keys(PRIVATELINK_SERVICES).join(', ')}) with an alicloud_privatelink_vpc_endpoint_zone in each of two zones.`,
  differs: 'No Checkov check or Config managed rule asks for VPC endpoints; this is onramp\'s own policy (all traffic to cloud services stays inside the VPC).',
  check(vpc, model) {
    const endpoints = attachedTo(model, ['alicloud_privatelink_vpc_endpoint'], 'vpc_id', vpc);
    const problems: Problem[] = [];
    for (const service of Object.keys(PRIVATELINK_SERVICES)) {
      const mine = endpoints.filter((e) => endpointService(e) === service);
      if (mine.length === 0) {
        problems.push({ message: `no PrivateLink endpoint for ${service} in this VPC, so calls to it leave the VPC` });
        continue;
      }
      for (const endpoint of mine) {
        if (!isSet(get(endpoint, 'security_group_ids'))) problems.push({ message: `${endpoint.address} has no security group` });
        if (zonesOf(model, endpoint).size < 2) problems.push({ message: `${endpoint.address} is not in two zones` });
      }
    }
    return problems;
  },
};
