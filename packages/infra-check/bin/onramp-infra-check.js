#!/usr/bin/env node
// Stand-alone entry until the onramp CLI wires `onramp infra check` to runInfraCheck.
import { runInfraCheck } from '../dist/index.js';

process.exitCode = await runInfraCheck(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
});
