#!/usr/bin/env node
// The `onramp` command (npx onramp …). Run `npm install` first: it builds the TypeScript.
// Never process.exit() right after writing: a pipe (`| jq`) would get only the first 64 KiB.
if (process.argv[2] === 'infra' && process.argv[3] === 'check') {
  // `infra check` needs nothing but the checker, so it skips loading the whole CLI (services, database and
  // queue clients): that start-up was most of its run time. It leaves nothing running, so Node ends by
  // itself once the output is written.
  const { runInfraCheck } = await import('@onramp/infra-check');
  process.exitCode = await runInfraCheck(process.argv.slice(4), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
} else {
  const { exitWhenFlushed, main } = await import('@onramp/cli');
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
  // `start` keeps running until a signal; every other command ends once its output is flushed.
  if (process.argv[2] !== 'start' || code !== 0) exitWhenFlushed(code);
}
