export type Format = 'table' | 'json' | 'sarif';

export interface CheckArgs {
  dir: string;
  format: Format;
  varFiles: string[];
  help: boolean;
}

export const USAGE = `usage: onramp infra check [dir] [--format table|json|sarif] [--var-file FILE]...

Checks a Terraform directory (default infra/) against the MLPS 2.0 level-3 rule pack.
terraform.tfvars and *.auto.tfvars in the directory are read as Terraform would.
Exit code: 0 no findings, 1 findings, 2 the input could not be parsed or the arguments are wrong.
`;

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): CheckArgs {
  const args: CheckArgs = { dir: 'infra/', format: 'table', varFiles: [], help: false };
  let dirSeen = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') ? (arg.split(/=(.*)/s, 2) as [string, string | undefined]) : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--help' || flag === '-h') args.help = true;
    else if (flag === '--format') {
      const format = value();
      if (format !== 'table' && format !== 'json' && format !== 'sarif') throw new UsageError(`unknown format "${format}"`);
      args.format = format;
    } else if (flag === '--var-file') args.varFiles.push(value());
    else if (flag.startsWith('-')) throw new UsageError(`unknown option ${flag}`);
    else if (dirSeen) throw new UsageError(`only one directory can be checked, got "${args.dir}" and "${arg}"`);
    else {
      args.dir = arg;
      dirSeen = true;
    }
  }
  return args;
}
