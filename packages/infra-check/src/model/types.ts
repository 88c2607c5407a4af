import type { Value, ValueMap } from '../eval/value.js';

/** One resource or data source instance after count/for_each expansion, attributes evaluated. */
export interface ResourceInstance {
  mode: 'managed' | 'data';
  type: string;
  name: string;
  /** Full address, e.g. `module.compliant_infra.alicloud_vpc.main` or `...alicloud_instance.svc["ingest-1"]`. */
  address: string;
  /** Address without the instance key. */
  baseAddress: string;
  file: string;
  line: number;
  attributes: ValueMap;
  /** Line of an attribute (or nested block) inside this resource's block, for reports. */
  lineOf(attribute: string): number;
}

export interface VariableDecl {
  module: string;
  name: string;
  file: string;
  line: number;
  sensitive: boolean;
  hasDefault: boolean;
  defaultValue: Value;
}

export interface OutputDecl {
  module: string;
  name: string;
  file: string;
  line: number;
  sensitive: boolean;
  /** The output's value expression as written, for reference scanning. */
  source: string;
}

export interface Model {
  resources: ResourceInstance[];
  variables: VariableDecl[];
  outputs: OutputDecl[];
  /** Things the checker could not look into (remote modules, unknown counts), shown with the report. */
  notes: string[];
}
