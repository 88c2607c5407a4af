// Shared by the tests: where things are, and running the checker on a directory.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runRules } from '../src/check.js';
import { buildModel } from '../src/model/build-model.js';
import type { Rule } from '../src/rules/rule.js';
import { runInfraCheck } from '../src/run-infra-check.js';

export const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(packageDir, '..', '..');
export const infraDir = join(repoRoot, 'infra');
export const fixtures = join(packageDir, 'test', 'fixtures');

export async function findingsFor(dir: string, rules: readonly Rule[]) {
  return runRules(await buildModel(dir), rules);
}

/** Runs the CLI entry point and captures what it prints. */
export async function runCli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runInfraCheck(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}
