// Values for the root module's variables, read from tfvars files the way Terraform does:
// terraform.tfvars, then *.auto.tfvars in name order, then each --var-file in order.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { evaluateJson } from './eval/expression.js';
import type { Scope } from './eval/scope.js';
import { Unknown, type Value } from './eval/value.js';
import { parseHcl } from './hcl/load-files.js';

/** tfvars may hold only literal values; any reference is reported as not known. */
const NO_NAMES: Scope = {
  resolve: async (steps) => ({ value: new Unknown(`tfvars cannot reference ${steps.join('.')}`), used: steps.length }),
  with: () => NO_NAMES,
  readFile: async () => undefined,
};

export async function loadVariables(dir: string, varFiles: string[]): Promise<Record<string, Value>> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const auto = names.filter((n) => n.endsWith('.auto.tfvars')).sort();
  const files = [...(names.includes('terraform.tfvars') ? ['terraform.tfvars'] : []), ...auto].map((n) => join(dir, n));
  const values: Record<string, Value> = {};
  for (const file of [...files, ...varFiles]) {
    const body = await parseHcl(file, await readFile(file, 'utf8'));
    for (const [name, raw] of Object.entries(body)) values[name] = await evaluateJson(raw, NO_NAMES);
  }
  return values;
}
