// Runs the search benchmarks on their own (the lead's bench/run.ts calls benchSearch and benchCranfield
// directly): results in bench/results/search.json and a section in docs/benchmarks-search.md.
import { mkdir, writeFile } from 'node:fs/promises';
import { benchCranfield, cranfieldMarkdown } from './cranfield.js';
import { describeMachine, machineLine } from './machine.js';
import { benchSearch, searchMarkdown } from './search.js';

const log = (line: string) => process.stderr.write(`${line}\n`);
const machine = describeMachine();
log(`machine: ${machineLine(machine)}`);
const only = process.argv[2];
await mkdir('bench/results', { recursive: true });
const cranfield = only === 'ann' ? undefined : await benchCranfield(log);
const search = only === 'cranfield' ? undefined : await benchSearch(log);
await writeFile('bench/results/search.json', JSON.stringify({ machine, cranfield, search }, null, 2));
const sections = [cranfield === undefined ? '' : cranfieldMarkdown(cranfield), search === undefined ? '' : searchMarkdown(search)];
await writeFile('docs/benchmarks-search.md', [`Measured with \`npm run bench\` on: ${machineLine(machine)}.`, '', ...sections].join('\n'));
log(sections.join('\n'));
process.exit(0);
