#!/usr/bin/env node
// The `onramp` command (npx onramp …). Run `npm install` first: it builds the TypeScript.
import { main } from '@onramp/cli';

const code = await main(process.argv.slice(2));
// `start` keeps running until a signal; every other command ends here.
if (process.argv[2] !== 'start' || code !== 0) process.exit(code);
