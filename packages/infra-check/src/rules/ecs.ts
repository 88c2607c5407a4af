// Compute: ECS instances, launch templates, scaling configurations and disks.
import { Ref, type Value } from '../eval/value.js';
import type { Model, ResourceInstance } from '../model/types.js';
import { toBool, toNumber } from '../values/convert.js';
import { read } from '../values/read-value.js';
import { attachedTo, blocks, expectOneOf, expectSet, get, isSet } from './attributes.js';
import type { ExternalIds, Problem, ResourceRule } from './rule.js';

/** Where each compute resource type keeps its disk settings. */
const DISKS: Record<string, { encrypted: string; kmsKey: string; dataDisks?: string }> = {
  alicloud_instance: { encrypted: 'system_disk_encrypted', kmsKey: 'system_disk_kms_key_id', dataDisks: 'data_disks' },
  alicloud_ecs_launch_template: { encrypted: 'system_disk.encrypted', kmsKey: 'system_disk.kms_key_id', dataDisks: 'data_disks' },
  alicloud_ess_scaling_configuration: { encrypted: 'system_disk_encrypted', kmsKey: 'system_disk_kms_key_id', dataDisks: 'data_disk' },
  alicloud_disk: { encrypted: 'encrypted', kmsKey: 'kms_key_id' },
  alicloud_ecs_disk: { encrypted: 'encrypted', kmsKey: 'kms_key_id' },
};
const COMPUTE = ['alicloud_instance', 'alicloud_ecs_launch_template', 'alicloud_ess_scaling_configuration'];

function diskProblems(resource: ResourceInstance, setting: 'encrypted' | 'kmsKey'): Problem[] {
  const layout = DISKS[resource.type]!;
  const path = layout[setting];
  const attribute = path.split('.')[0]!;
  const problems: Problem[] = [];
  const judge = (value: Value | undefined, what: string, ids: ExternalIds) => {
    if (setting === 'encrypted' && toBool(value) !== true) problems.push({ message: `${what} is not encrypted (${path.split('.').pop()} = ${JSON.stringify(value ?? null)})`, attribute, ids });
    if (setting === 'kmsKey' && !isSet(value)) problems.push({ message: `${what} has no customer-managed KMS key`, attribute, ids });
  };
  const idsFor = (dataDisk: boolean) => diskIds(resource.type, setting, dataDisk);
  // A disk restored from a snapshot inherits the snapshot's encryption; it is judged by the snapshot.
  if (layout.dataDisks === undefined && isSet(get(resource, 'snapshot_id'))) return [];
  judge(read(resource, path), layout.dataDisks ? 'the system disk' : 'the disk', idsFor(false));
  if (layout.dataDisks) {
    blocks(resource, layout.dataDisks).forEach((disk, i) => judge(disk[setting === 'encrypted' ? 'encrypted' : 'kms_key_id'], `data disk ${i}`, idsFor(true)));
  }
  return problems;
}

/**
 * Which external checks a disk condition matches: Checkov's CKV_ALI_7/8 look at alicloud_disk only,
 * CKV_ALI_32 at launch-template data disks only; Config's rules look at disks in use (and, for
 * launch templates, at their data disks).
 */
function diskIds(type: string, setting: 'encrypted' | 'kmsKey', dataDisk: boolean): ExternalIds {
  if (setting === 'kmsKey') return { checkov: type === 'alicloud_disk' ? ['CKV_ALI_8'] : [], alibaba: ['ecs-disk-all-encrypted-by-kms'] };
  if (type === 'alicloud_ecs_launch_template') return { checkov: dataDisk ? ['CKV_ALI_32'] : [], alibaba: dataDisk ? ['ecs-launch-template-version-data-disk-encrypted'] : [] };
  return { checkov: type === 'alicloud_disk' ? ['CKV_ALI_7'] : [], alibaba: ['ecs-in-use-disk-encrypted'] };
}

/** The image an instance boots, if it comes from an alicloud_images data source. */
function imageSource(resource: ResourceInstance, model: Model): ResourceInstance | undefined {
  const image = get(resource, 'image_id');
  if (!(image instanceof Ref)) return undefined;
  return model.resources.find((r) => r.mode === 'data' && r.type === 'alicloud_images' && r.address === image.address);
}

export const ecsRules: ResourceRule[] = [
  {
    kind: 'resource', id: 'ONR-ECS-01', title: 'ECS instances get no public IP address',
    clause: '8.1.3.1', alibaba: ['ecs-running-instance-no-public-ip', 'ecs-instance-no-public-ip'], checkov: [],
    severity: 'high', resourceTypes: COMPUTE,
    remediation: 'Set internet_max_bandwidth_out = 0, bind no EIP, and reach the internet through a NAT gateway.',
    check(resource, model) {
      const problems: Problem[] = [];
      const bandwidth = read(resource, 'internet_max_bandwidth_out');
      if (bandwidth !== undefined && bandwidth !== null && toNumber(bandwidth) !== 0) problems.push({ message: `internet_max_bandwidth_out = ${JSON.stringify(bandwidth)} assigns a public IPv4 address`, attribute: 'internet_max_bandwidth_out' });
      if (toBool(get(resource, 'allocate_public_ip')) === true) problems.push({ message: 'allocate_public_ip = true', attribute: 'allocate_public_ip' });
      if (attachedTo(model, ['alicloud_eip_association'], 'instance_id', resource).length > 0) problems.push({ message: 'an EIP is associated with this instance' });
      return problems;
    },
  },
  {
    kind: 'resource', id: 'ONR-ECS-02', title: 'ECS system and data disks are encrypted',
    clause: '8.1.4.8', alibaba: ['ecs-in-use-disk-encrypted', 'ecs-launch-template-version-data-disk-encrypted'], checkov: ['CKV_ALI_7', 'CKV_ALI_32'],
    severity: 'high', resourceTypes: Object.keys(DISKS),
    remediation: 'Set the system disk and every data disk to encrypted = true (system_disk_encrypted on instances).',
    check: (resource) => diskProblems(resource, 'encrypted'),
  },
  {
    kind: 'resource', id: 'ONR-ECS-03', title: 'ECS disks are encrypted with a customer-managed KMS key',
    clause: '8.1.4.8', alibaba: ['ecs-disk-all-encrypted-by-kms'], checkov: ['CKV_ALI_8'],
    differs: 'Checkov\'s CKV_ALI_7/8 look at alicloud_disk only; onramp also checks instance, launch-template and scaling-configuration disks (those findings carry no Checkov id).',
    severity: 'medium', resourceTypes: Object.keys(DISKS),
    remediation: 'Set the disk KMS key (system_disk_kms_key_id, kms_key_id) to a key whose rotation you control.',
    check: (resource) => diskProblems(resource, 'kmsKey'),
  },
  {
    kind: 'resource', id: 'ONR-ECS-04', title: 'Security hardening (Security Center agent) is active',
    clause: '8.1.4.4', alibaba: ['ecs-instance-enabled-security-protection'], checkov: [],
    severity: 'high', resourceTypes: COMPUTE,
    remediation: 'Set security_enhancement_strategy = "Active".',
    check: (r) => expectOneOf(r, 'security_enhancement_strategy', ['Active'], 'the Security Center agent guards against intrusion and malware'),
  },
  {
    kind: 'resource', id: 'ONR-ECS-05', title: 'Instance metadata requires tokens (security-enhanced mode)',
    clause: '8.1.4.4', alibaba: ['ecs-instance-meta-data-mode-check'], checkov: [],
    severity: 'medium', resourceTypes: ['alicloud_instance', 'alicloud_ecs_launch_template'],
    remediation: 'Set http_tokens = "required" (and keep http_endpoint enabled) so SSRF cannot read the RAM role credentials.',
    check: (r) => expectOneOf(r, 'http_tokens', ['required'], 'token-less metadata access lets SSRF steal instance credentials'),
  },
  {
    kind: 'resource', id: 'ONR-ECS-06', title: 'Instances boot Alibaba Cloud Linux from the alicloud_images data source',
    clause: '8.1.4.4', alibaba: [], checkov: [],
    severity: 'medium', resourceTypes: COMPUTE,
    remediation: 'Take image_id from data "alicloud_images" with owners = "system" and a name_regex for Alibaba Cloud Linux (^aliyun_3_).',
    check(resource, model) {
      const source = imageSource(resource, model);
      if (!source) return [{ message: 'image_id does not come from an alicloud_images data source, so the image is not a maintained system image', attribute: 'image_id' }];
      const regex = get(source, 'name_regex');
      const problems: Problem[] = [];
      if (get(source, 'owners') !== 'system') problems.push({ message: `${source.address} does not restrict owners to "system"`, attribute: 'image_id' });
      if (typeof regex !== 'string' || !/aliyun|alinux/i.test(regex)) problems.push({ message: `${source.address} name_regex ${JSON.stringify(regex ?? null)} does not select Alibaba Cloud Linux`, attribute: 'image_id' });
      return problems;
    },
  },
  {
    kind: 'resource', id: 'ONR-ECS-07', title: 'Instance disks have an automatic snapshot policy',
    clause: '8.1.4.9', alibaba: ['ecs-disk-auto-snapshot-policy'], checkov: [],
    severity: 'medium', resourceTypes: ['alicloud_instance', 'alicloud_ess_scaling_configuration'],
    remediation: 'Set system_disk_auto_snapshot_policy_id to an alicloud_ecs_auto_snapshot_policy.',
    check: (r) => expectSet(r, 'system_disk_auto_snapshot_policy_id', 'disks without snapshots cannot be restored'),
  },
  {
    kind: 'resource', id: 'ONR-ECS-08', title: 'Instances get credentials from a RAM role, not from keys on disk',
    clause: '8.1.4.1', alibaba: ['ecs-instance-ram-role-attached'], checkov: [],
    severity: 'medium', resourceTypes: ['alicloud_instance'],
    remediation: 'Attach a least-privilege RAM role with alicloud_ecs_ram_role_attachment.',
    check(instance, model) {
      return attachedTo(model, ['alicloud_ecs_ram_role_attachment'], 'instance_id', instance).length > 0 ? [] : [{ message: 'no alicloud_ecs_ram_role_attachment gives this instance a RAM role' }];
    },
  },
];
