// No credentials in the code: passwords come from KMS-encrypted inputs, other secrets from
// inputs or data sources that are not in the repository, and secret outputs are marked sensitive.
import { isKnown } from '../eval/value.js';
import type { Model } from '../model/types.js';
import { get } from './attributes.js';
import type { ModelProblem, ModelRule, ResourceRule } from './rule.js';

/** Types that accept kms_encrypted_password, and the plaintext arguments it replaces. */
const KMS_PASSWORD_TYPES: Record<string, string[]> = {
  alicloud_instance: ['password'],
  alicloud_ess_scaling_configuration: ['password'],
  alicloud_db_account: ['account_password', 'password'],
  alicloud_rds_account: ['account_password', 'password'],
  alicloud_kvstore_instance: ['password'],
  alicloud_elasticsearch_instance: ['password'],
};

/** Other secret arguments; their value must not be written in the configuration. */
const SECRET_ARGUMENTS: Record<string, string[]> = {
  alicloud_db_instance: ['tde_password', 'ssl_password', 'client_ca_cert', 'tde_private_key'],
  alicloud_kvstore_account: ['account_password'],
  alicloud_kms_secret: ['secret_data'],
  alicloud_event_bridge_connection: [
    'auth_parameters.api_key_auth_parameters.api_key_value',
    'auth_parameters.basic_auth_parameters.password',
    'auth_parameters.oauth_parameters.client_parameters.client_secret',
  ],
};

/** `module.a.var.x` / `output.y`: how variables and outputs are named in findings. */
const declaration = (module: string, kind: 'var' | 'output', name: string) => `${module ? `${module}.` : ''}${kind}.${name}`;

const SECRET_NAME = /(password|passwd|secret|token|api_?key|private_?key|access_?key|ciphertext)/i;

export const plaintextSecrets: ResourceRule = {
  kind: 'resource', id: 'ONR-SEC-01', title: 'No password or secret is written in the configuration',
  clause: '8.1.4.8', alibaba: [], checkov: [],
  severity: 'high', resourceTypes: [...Object.keys(KMS_PASSWORD_TYPES), ...Object.keys(SECRET_ARGUMENTS)],
  remediation: 'Pass passwords as kms_encrypted_password (a KMS ciphertext input); read other secrets from a sensitive input or data.alicloud_kms_plaintext.',
  check(resource) {
    const plaintext = (KMS_PASSWORD_TYPES[resource.type] ?? []).filter((a) => get(resource, a) !== undefined && get(resource, a) !== null);
    const problems = plaintext.map((a) => ({ message: `${a} is set; use kms_encrypted_password so no plaintext password passes through Terraform`, attribute: a }));
    for (const path of SECRET_ARGUMENTS[resource.type] ?? []) {
      const value = get(resource, path);
      if (typeof value === 'string' && isKnown(value) && !value.includes('${')) problems.push({ message: `${path} is written in the configuration`, attribute: path.split('.')[0]! });
    }
    return problems;
  },
};

export const secretVariables: ModelRule = {
  kind: 'model', id: 'ONR-SEC-02', title: 'Secret inputs are sensitive and have no default',
  clause: '8.1.4.8', alibaba: [], checkov: [],
  severity: 'high', resourceTypes: [],
  remediation: 'Mark the variable sensitive = true and remove its default; supply it at apply time.',
  check(model: Model): ModelProblem[] {
    return model.variables
      .filter((v) => SECRET_NAME.test(v.name))
      .flatMap((v) => {
        const problems: string[] = [];
        if (!v.sensitive) problems.push('is not marked sensitive');
        if (v.hasDefault && v.defaultValue !== null) problems.push('has a default value in the code');
        return problems.map((p) => ({ address: declaration(v.module, 'var', v.name), file: v.file, line: v.line, message: `secret input ${p}` }));
      });
  },
};

export const sensitiveOutputs: ModelRule = {
  kind: 'model', id: 'ONR-SEC-03', title: 'Outputs that carry secrets are marked sensitive',
  clause: '8.1.4.8', alibaba: [], checkov: [],
  severity: 'medium', resourceTypes: [],
  remediation: 'Add sensitive = true to the output.',
  check(model: Model): ModelProblem[] {
    const secretVars = new Set(model.variables.filter((v) => v.sensitive || SECRET_NAME.test(v.name)).map((v) => `${v.module}|${v.name}`));
    return model.outputs
      .filter((o) => !o.sensitive)
      .filter((o) => {
        const vars = [...o.source.matchAll(/\bvar\.([A-Za-z0-9_-]+)/g)].map((m) => `${o.module}|${m[1]}`);
        return vars.some((v) => secretVars.has(v)) || /\.(password|account_password|secret_data|plaintext|connection_password)\b/.test(o.source);
      })
      .map((o) => ({ address: declaration(o.module, 'output', o.name), file: o.file, line: o.line, message: 'the output exposes a secret but is not marked sensitive' }));
  },
};
