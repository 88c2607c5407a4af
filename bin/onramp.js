#!/usr/bin/env node
// The `onramp` command (npx onramp …). Run `npm install` first: it builds the TypeScript.
import { exitWhenFlushed, main } from '@onramp/cli';

const code = await main(process.argv.slice(2));
// Never process.exit() right after writing: a pipe (`| jq`) would get only the first 64 KiB.
process.exitCode = code;
// `start` keeps running until a signal; every other command ends once its output is flushed.
if (process.argv[2] !== 'start' || code !== 0) exitWhenFlushed(code);
