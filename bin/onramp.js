#!/usr/bin/env node
// The `onramp` command (npx onramp …). Run `npm install` first: it builds the TypeScript.
// `infra check` needs nothing but the checker, so it skips loading the whole CLI (services,
// database and queue clients): that start-up was most of its run time.
if (process.argv[2] === 'infra' && process.argv[3] === 'check') {
  const { runInfraCheck } = await import('@onramp/infra-check');
  process.exit(await runInfraCheck(process.argv.slice(4), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) }));
}

const { main } = await import('@onramp/cli');
const code = await main(process.argv.slice(2));
// `start` keeps running until a signal; every other command ends here.
if (process.argv[2] !== 'start' || code !== 0) process.exit(code);
