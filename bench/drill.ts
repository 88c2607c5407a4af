// `npm run drill`: the fault drills of issue 9 against a private MariaDB and Redis, the local Resend and
// SCIM servers, and the pipeline as child processes. Prints one table; writes bench/results/drill.json
// and the table into docs/drill.md. Options: --quick (the long MySQL outage lasts 30 s instead of
// 150 s), --only <words> (the drills whose name contains one of the comma-separated words; results then
// go to bench/results/drill-partial.json and the docs are left alone).
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { drills } from './drill/drills.js';
import { runDrill, type DrillEnvironment } from './drill/drill-run.js';
import { formatTable, type DrillRow } from './drill/drill-table.js';
import { reportMarkdown, writeReport } from './drill/drill-report.js';
import { liveOnrampChildren } from './drill/onramp-process.js';
import { startPrivateMariaDb, type PrivateMariaDb } from './drill/private-mariadb.js';
import { startPrivateRedis, type PrivateRedis } from './drill/private-redis.js';
import { describeMachine, machineLine } from './machine.js';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const DOC = fileURLToPath(new URL('../docs/drill.md', import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
const quick = values.quick === true;
const wanted = values.only?.split(',').map((w) => w.trim().toLowerCase()).filter(Boolean);

const folder = await mkdtemp(join(tmpdir(), 'onramp-drill-'));
const servers: { mariadb?: PrivateMariaDb; redis?: PrivateRedis } = {};

/** Everything the drill started goes, and its folder with it: at the end, on Ctrl-C, on a crash. */
function cleanUp(): void {
  for (const child of liveOnrampChildren()) child.kill('SIGKILL');
  for (const pid of [servers.mariadb?.pid(), servers.redis?.pid()]) {
    if (pid === undefined) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(folder, { recursive: true, force: true });
}
process.once('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    log(`\n${signal}: stopping the drill and removing ${folder}`);
    process.exit(130);
  });
}

const machine = describeMachine();
const loadAtStart = loadavg()[0]!;
log(`machine: ${machineLine(machine)}, load average ${loadAtStart.toFixed(1)}`);
log(`private MariaDB and Redis in ${folder} ...`);
const mariadb = (servers.mariadb = await startPrivateMariaDb(join(folder, 'mariadb')));
const redis = (servers.redis = await startPrivateRedis(join(folder, 'redis')));
const env: DrillEnvironment = { folder, mariadb, redis, quick, log };

const chosen = drills(quick).filter((d) => wanted === undefined || wanted.some((w) => d.name.toLowerCase().includes(w)));
const started = Date.now();
const rows: DrillRow[] = [];
const details: Record<string, unknown> = {};
const notes: Record<string, string[]> = {};
for (const drill of chosen) {
  log(`drill: ${drill.name} (at most ${drill.limitSeconds} s) ...`);
  const result = await runDrill(drill, env);
  rows.push(result.row);
  details[drill.name] = result.details;
  const exits = (result.details.unexpectedExits as unknown[]).length;
  notes[drill.name] = [
    ...(result.details.notes as string[]),
    ...(exits > 0 ? [`${exits} process exit(s) on their own, restarted by the drill`] : []),
    ...((result.details.jobsRestored as number | null) ? [`the relay restored lost jobs ${String(result.details.jobsRestored)} time(s)`] : []),
    ...((result.details.deadLetters as number | null) ? [`${String(result.details.deadLetters)} dead letter(s)`] : []),
  ];
  const r = result.row;
  log(`  ${r.seen}/${r.expected} effects, ${r.duplicates} duplicates, ${r.lost} lost, recovered: ${r.recovered ? 'yes' : 'no'}${r.recoverSeconds === undefined ? '' : ` in ${r.recoverSeconds.toFixed(1)} s`} (${String(result.details.seconds)} s)`);
}
const seconds = (Date.now() - started) / 1000;
await mariadb.stop();
await redis.kill();

process.stdout.write(`\n${formatTable(rows)}\n\n`);
log(`${rows.length} drills in ${Math.round(seconds)} s on ${machineLine(machine)}`);
const partial = wanted !== undefined;
await mkdir(RESULTS, { recursive: true });
const file = join(RESULTS, partial ? 'drill-partial.json' : 'drill.json');
await writeFile(file, `${JSON.stringify({ recordedAt: new Date().toISOString(), quick, seconds, machine, loadAverageAtStart: loadAtStart, rows, details }, null, 2)}\n`);
log(`written ${file}`);
if (!partial) {
  await writeReport(DOC, reportMarkdown(machine, rows, notes, quick, seconds, loadAtStart));
  log(`written ${DOC}`);
}
process.exit(rows.every((r) => r.recovered) ? 0 : 1);
