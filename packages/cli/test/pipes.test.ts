// Output piped into another program arrives whole: the process ends when its output is flushed, never
// by process.exit() right after a write (a pipe then gets only its first 64 KiB).
import t from 'tap';
import { appendEvents } from '@onramp/core';
import { TEST_REDIS, freshDatabase, joinerEvent } from '@onramp/core/testing';
import { main, type Io } from '@onramp/cli';
import { BIN, REPO_ROOT, cleanEnv, spawnCommand } from './helpers/onramp-process.js';

// Reads all of stdin, parses it (whole JSON, or JSON lines), prints what it got; fails on a cut-off input.
const PARSE_ALL = `
let text = '';
process.stdin.on('data', (c) => (text += c)).on('end', () => {
  const lines = process.argv[1] === 'lines' ? text.trimEnd().split('\\n').map((l) => JSON.parse(l)) : [JSON.parse(text)];
  console.log(JSON.stringify({ bytes: Buffer.byteLength(text), items: lines.length, last: lines.at(-1).seq ?? null }));
});`;

/** `onramp <args> | node -e PARSE_ALL`, with pipefail: the exit codes of both sides. */
async function pipeThroughNode(args: string[], mode: 'lines' | 'whole', env: NodeJS.ProcessEnv) {
  const quoted = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const script = `set -o pipefail; ${quoted(process.execPath)} ${quoted(BIN)} ${args.map(quoted).join(' ')} | ${quoted(process.execPath)} -e ${quoted(PARSE_ALL)} ${mode}`;
  const finished = await spawnCommand('bash', ['-c', script], env, REPO_ROOT).exited;
  return { ...finished, parsed: finished.code === null ? undefined : (JSON.parse(finished.stdout || 'null') as { bytes: number; items: number; last: number | null } | null) };
}

t.test('events list --json of 3,000 events (over 1 MB) piped into node parses whole', async (t) => {
  const database = await freshDatabase('pipes');
  t.teardown(database.drop);
  const events = Array.from({ length: 3000 }, (_, i) => joinerEvent(`pipe-${i}`));
  for (let i = 0; i < events.length; i += 500) await appendEvents(database.db, events.slice(i, i + 500));
  const run = await pipeThroughNode(['events', 'list', '--json', '--limit', '20000'], 'lines', cleanEnv({ DATABASE_URL: database.url, REDIS_URL: TEST_REDIS, LOG_LEVEL: 'silent' }));
  t.equal(run.code, 0, run.stderr);
  t.equal(run.parsed?.items, 3000, 'every event arrived');
  t.ok((run.parsed?.bytes ?? 0) > 1024 * 1024, `${run.parsed?.bytes} bytes`);
  t.equal(run.parsed?.last, 3000, 'up to the last one');
});

t.test('infra check --format sarif piped into node parses whole', async (t) => {
  // Exit 1 is the findings (pipefail reports the left side's code); what matters is the document.
  const run = await pipeThroughNode(['infra', 'check', 'infra', '--format', 'sarif'], 'whole', cleanEnv({ LOG_LEVEL: 'silent' }));
  t.ok(run.code === 0 || run.code === 1, `exit ${run.code}: ${run.stderr}`);
  t.equal(run.parsed?.items, 1, 'one JSON document');
  t.ok((run.parsed?.bytes ?? 0) > 64 * 1024, `${run.parsed?.bytes} bytes, beyond one pipe buffer`);
});

t.test('events list says when more events follow, on stderr, and not when none do', async (t) => {
  const database = await freshDatabase('more');
  t.teardown(database.drop);
  await appendEvents(database.db, [joinerEvent('m1'), joinerEvent('m2'), joinerEvent('m3')]);
  process.env.DATABASE_URL = database.url;
  process.env.REDIS_URL = TEST_REDIS;
  process.env.LOG_LEVEL = 'silent';
  const run = async (argv: string[]) => {
    const io: Io & { lines: string[]; errors: string[] } = { lines: [], errors: [], out: (l) => io.lines.push(l), err: (l) => io.errors.push(l), isTty: false };
    t.equal(await main(argv, io), 0, argv.join(' '));
    return io;
  };
  const page = await run(['events', 'list', '--limit', '2', '--json']);
  t.equal(page.lines.length, 2);
  t.same(page.errors, ['2 event(s) shown and more follow: run it again with --after 2 (or a larger --limit)']);
  const rest = await run(['events', 'list', '--after', '2', '--limit', '1']);
  t.equal(rest.lines.length, 1);
  t.same(rest.errors, [], 'the last page says nothing more');
});
