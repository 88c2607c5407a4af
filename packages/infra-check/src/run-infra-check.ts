// `onramp infra check [dir] [--format …]`: parse, evaluate, run the rule pack, report.
import { buildModel } from './model/build-model.js';
import { parseArgs, USAGE, UsageError, type Format } from './args.js';
import { runRules } from './check.js';
import { InfraParseError } from './hcl/parse-error.js';
import { loadVariables } from './load-variables.js';
import { formatJson } from './report/format-json.js';
import { formatSarif } from './report/format-sarif.js';
import { formatTable } from './report/format-table.js';
import type { Report } from './report/report.js';
import { RULES } from './rules/index.js';

export interface CheckIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const FORMATTERS: Record<Format, (report: Report) => string> = { table: formatTable, json: formatJson, sarif: formatSarif };

/** Returns the exit code: 0 no findings, 1 findings, 2 unusable input or arguments. */
export async function runInfraCheck(argv: string[], io: CheckIo): Promise<number> {
  let args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`onramp infra check: ${error.message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.stdout(USAGE);
    return 0;
  }
  try {
    const variables = await loadVariables(args.dir, args.varFiles);
    const model = await buildModel(args.dir, { variables });
    const findings = runRules(model, RULES);
    io.stdout(FORMATTERS[args.format]({ directory: args.dir, rules: RULES, model, findings }));
    return findings.length > 0 ? 1 : 0;
  } catch (error) {
    if (!(error instanceof InfraParseError)) throw error;
    const where = error.file.startsWith('/') || error.file.includes(':') ? error.file : `${args.dir.replace(/\/+$/, '')}/${error.file}`;
    io.stderr(`onramp infra check: cannot parse ${where}:${error.line}:${error.column}: ${error.detail}\n`);
    return 2;
  }
}
