// runInfraCheck as the CLI uses it: formats, exit codes, parse errors with file and line.
import { join, relative } from 'node:path';
import t from 'tap';
import { RULES } from '../src/rules/index.js';
import { fixtures, infraDir, repoRoot, runCli } from './helpers.js';

const failing = join(fixtures, 'rules', 'ONR-RDS-03');

t.test('a compliant directory: exit 0 and a one-line summary', async (t) => {
  const { code, stdout } = await runCli([infraDir]);
  t.equal(code, 0);
  t.match(stdout, /no findings/);
});

t.test('findings: exit 1 and a table row per finding', async (t) => {
  const { code, stdout } = await runCli([failing, '--format', 'table']);
  t.equal(code, 1);
  t.match(stdout, /ONR-RDS-03\s+high\s+alicloud_db_instance\.fail\s+\S+main\.tf:\d+/);
});

t.test('JSON for scripts', async (t) => {
  const { code, stdout } = await runCli([failing, '--format=json']);
  t.equal(code, 1);
  const report = JSON.parse(stdout);
  t.equal(report.summary.rules, RULES.length);
  t.ok(report.findings.length > 0);
  t.match(report.findings.find((f: { ruleId: string }) => f.ruleId === 'ONR-RDS-03'), {
    clause: 'GB/T 22239-2019 §8.1.2.2',
    alibabaConfigRules: ['rds-instance-enabled-ssl'],
    checkovIds: ['CKV_ALI_20'],
    resource: 'alicloud_db_instance.fail',
    line: Number,
  });
});

t.test('SARIF 2.1.0 for code scanning', async (t) => {
  const { stdout } = await runCli([failing, '--format', 'sarif']);
  const sarif = JSON.parse(stdout);
  t.equal(sarif.version, '2.1.0');
  const run = sarif.runs[0];
  t.equal(run.tool.driver.rules.length, RULES.length);
  const result = run.results.find((r: { ruleId: string }) => r.ruleId === 'ONR-RDS-03');
  t.equal(run.tool.driver.rules[result.ruleIndex].id, 'ONR-RDS-03', 'ruleIndex points at the rule');
  t.equal(result.level, 'error');
  t.match(result.locations[0].physicalLocation, { artifactLocation: { uri: /main\.tf$/ }, region: { startLine: Number } });
});

t.test('unparseable input: exit 2 naming file and line', async (t) => {
  const { code, stderr } = await runCli([join(fixtures, 'parse-error')]);
  t.equal(code, 2);
  t.match(stderr, /parse-error\/main\.tf:3:\d+: /);
});

t.test('bad arguments: exit 2 with usage; --help: exit 0', async (t) => {
  t.match(await runCli(['--format', 'xml']), { code: 2, stderr: /unknown format "xml"[\s\S]*usage:/ });
  t.match(await runCli(['a', 'b']), { code: 2, stderr: /only one directory/ });
  t.match(await runCli(['--help']), { code: 0, stdout: /usage: onramp infra check/ });
});

t.test('the default directory is infra/', async (t) => {
  const cwd = process.cwd();
  process.chdir(repoRoot);
  t.teardown(() => process.chdir(cwd));
  const { code, stdout } = await runCli([]);
  t.equal(code, 0);
  t.match(stdout, /in infra\/: no findings/);
  t.equal(relative(repoRoot, infraDir), 'infra');
});
