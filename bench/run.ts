// `npm run bench`: every benchmark in one run, results in bench/results/ and docs/benchmarks.md.
import { mkdir, writeFile } from 'node:fs/promises';
import { benchCranfield, cranfieldMarkdown } from './cranfield.js';
import { benchDelivery, deliveryMarkdown } from './delivery.js';
import { benchInfraCheck, infraCheckMarkdown } from './infra-check.js';
import { benchIngest, type IngestBenchResult, type LoadResult } from './ingest.js';
import { describeMachine, machineLine } from './machine.js';
import { mailGitbookMarkdown } from './mail-gitbook-markdown.js';
// Plain ESM, run after the build (it imports the services' dist).
import { runMailGitbookBench } from './mail-gitbook.js';
import { benchSearch, searchMarkdown } from './search.js';

const log = (line: string) => process.stderr.write(`${line}\n`);

function row(name: string, r: LoadResult, unit: 'events' | 'requests' = 'events'): string {
  const rate = unit === 'events' ? r.eventsPerSecond : r.requestsPerSecond;
  return `| ${name} | ${rate.toLocaleString('en')} | ${r.p50Ms} | ${r.p99Ms} | ${r.errors + r.non2xx} |`;
}

function ingestMarkdown(r: IngestBenchResult): string {
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  return [
    '## Ingest and replay (issue 2)',
    '',
    'autocannon in the benchmark process; `onramp start --only ingest` and `--only dispatcher` (the outbox relay) as',
    'two child processes; MariaDB and Redis on the same two cores. "relay running" rows have the relay fanning every',
    'event out to three BullMQ queues at the same time; the burst row shows what the door takes while the relay lags.',
    '',
    '| scenario | events/s | p50 ms | p99 ms | errors |',
    '|---|---:|---:|---:|---:|',
    row('bare Fastify 202, single events (ceiling)', r.bare),
    row('onramp, single events, 100 connections', r.single),
    row('bare Fastify 202, batches of 100 (ceiling)', r.bareBatch100),
    row('onramp, batches of 100, 20 connections', r.batch100),
    row('onramp, batches of 100, relay stopped (burst into the outbox)', r.burst.batch100),
    row('onramp, 1,000 single events/s offered, evenly paced (open loop)', r.at1000PerSecond),
    '',
    `The relay then drained the burst's backlog of ${r.burst.backlog.toLocaleString('en')} events at ${r.burst.relayEventsPerSecond.toLocaleString('en')} events/s (three BullMQ jobs each).`,
    '',
    `Targets: ≥ 3,000 single events/s — ${verdict(r.single.eventsPerSecond >= 3000)}; ≥ 30,000 events/s in batches — ${verdict(r.batch100.eventsPerSecond >= 30000)} with the relay running, ${verdict(r.burst.batch100.eventsPerSecond >= 30000)} as a burst; p99 < 50 ms at 1,000 events/s — ${verdict(r.at1000PerSecond.p99Ms < 50)}.`,
    '',
    `Replay of ${r.replay.events.toLocaleString('en')} events to one consumer:`,
    '',
    '| | events/s |',
    '|---|---:|',
    `| plain SELECT scan of the same rows (limit 1) | ${r.replay.selectScanPerSecond.toLocaleString('en')} |`,
    `| BullMQ addBulk of as many jobs (limit 2) | ${r.replay.addBulkPerSecond.toLocaleString('en')} |`,
    `| onramp replay | ${r.replay.replayPerSecond.toLocaleString('en')} |`,
    '',
    `Replay runs at ${Math.round(r.replay.ratioToSlowerLimit * 100)}% of the slower limit (target ≥ 80% — ${verdict(r.replay.ratioToSlowerLimit >= 0.8)}).`,
    '',
  ].join('\n');
}

// `npm run bench -- ingest search` runs some (`cranfield`: the quality part of `search` alone); no argument runs them all.
const wanted = new Set(process.argv.slice(2));
const runs = (name: string) => wanted.size === 0 || wanted.has(name);

const machine = describeMachine();
log(`machine: ${machineLine(machine)}`);
await mkdir('bench/results', { recursive: true });
const sections: string[] = [];
if (runs('ingest')) {
  const ingest = await benchIngest(log);
  await writeFile('bench/results/ingest.json', JSON.stringify({ machine, ...ingest }, null, 2));
  sections.push(ingestMarkdown(ingest));
}
if (runs('delivery')) {
  const delivery = await benchDelivery(log);
  await writeFile('bench/results/delivery.json', JSON.stringify({ machine, ...delivery }, null, 2));
  sections.push(deliveryMarkdown(delivery));
}
if (runs('search')) {
  const cranfield = await benchCranfield(log);
  const search = await benchSearch(log);
  await writeFile('bench/results/search.json', JSON.stringify({ machine, cranfield, search }, null, 2));
  sections.push(cranfieldMarkdown(cranfield), searchMarkdown(search));
} else if (wanted.has('cranfield')) {
  // Quality and indexing rate alone: `npm run bench -- cranfield`.
  const cranfield = await benchCranfield(log);
  await writeFile('bench/results/cranfield.json', JSON.stringify({ machine, cranfield }, null, 2));
  sections.push(cranfieldMarkdown(cranfield));
}
if (runs('mail')) sections.push(mailGitbookMarkdown(await runMailGitbookBench()));
if (runs('infra')) {
  const infra = benchInfraCheck(log);
  await writeFile('bench/results/infra-check.json', JSON.stringify({ machine, ...infra }, null, 2));
  sections.push(infraCheckMarkdown(infra));
}
const markdown = sections.join('\n');
log(markdown);
const header = ['# Benchmarks', '', `Measured with \`npm run bench\` in one run on: ${machineLine(machine)}.`, 'Every figure stands beside the baseline or limit measured in the same run. JSON in `bench/results/`.', ''];
await writeFile(wanted.size === 0 ? 'docs/benchmarks.md' : 'bench/results/partial.md', [...header, markdown].join('\n'));
process.exit(0);
