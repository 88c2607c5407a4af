// EventBridge delivery into ingest: private network, HTTPS, retries and a dead-letter queue.
import { blocks, expectOneOf, get } from './attributes.js';
import type { Problem, ResourceRule } from './rule.js';

export const eventingRules: ResourceRule[] = [
  {
    kind: 'resource', id: 'ONR-EVB-01', title: 'Event targets retry and keep undeliverable events in a dead-letter queue',
    clause: '8.1.4.9', alibaba: [], checkov: [],
    severity: 'medium', resourceTypes: ['alicloud_event_bridge_rule'],
    remediation: 'Give every target push_retry_strategy and dead_letter_queue { arn = <MNS queue ARN> }.',
    check(rule) {
      const problems: Problem[] = [];
      for (const target of blocks(rule, 'targets')) {
        const id = JSON.stringify(target.target_id ?? '?');
        if (!target.push_retry_strategy) problems.push({ message: `target ${id} has no push_retry_strategy`, attribute: 'targets' });
        const dlq = Array.isArray(target.dead_letter_queue) ? target.dead_letter_queue[0] : undefined;
        if (!dlq || typeof dlq !== 'object' || !('arn' in dlq) || !dlq.arn) problems.push({ message: `target ${id} has no dead_letter_queue`, attribute: 'targets' });
      }
      return problems;
    },
  },
  {
    kind: 'resource', id: 'ONR-EVB-02', title: 'EventBridge reaches targets over the private network',
    clause: '8.1.3.1', alibaba: [], checkov: [],
    severity: 'high', resourceTypes: ['alicloud_event_bridge_connection'],
    remediation: 'Set network_parameters { network_type = "PrivateNetwork", vpc_id, vswitche_id, security_group_id }.',
    check: (connection) => expectOneOf(connection, 'network_parameters.network_type', ['PrivateNetwork'], 'events must not cross the internet to reach ingest'),
  },
  {
    kind: 'resource', id: 'ONR-EVB-03', title: 'API destinations use HTTPS',
    clause: '8.1.2.2', alibaba: [], checkov: [],
    severity: 'high', resourceTypes: ['alicloud_event_bridge_api_destination'],
    remediation: 'Use an https:// endpoint.',
    check(destination) {
      const endpoint = get(destination, 'http_api_parameters.endpoint');
      return typeof endpoint === 'string' && endpoint.startsWith('https://') ? [] : [{ message: `endpoint ${JSON.stringify(endpoint ?? null)} is not https://`, attribute: 'http_api_parameters' }];
    },
  },
];
