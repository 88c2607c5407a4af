// `onramp search eval`: nDCG@10 and recall@100 per mode of the configured index, on a small corpus whose
// rankings are known; malformed files are refused with the file, the line and exit code 1.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { loadConfig, silentLogger } from '@onramp/core';
import { createSearch, type IndexedItem } from '@onramp/search';
import { cleanEnv, runOnramp } from './helpers/onramp-process.js';

const CORPUS: [string, string, string][] = [
  ['file:///docs/vpn.md', 'VPN access', 'Install the WireGuard client to reach the staging network from home.'],
  ['file:///docs/wireguard-keys.md', 'Rotating keys', 'WireGuard keys are rotated every quarter by the platform team.'],
  ['file:///docs/payroll.md', 'Payroll calendar', 'Salaries are paid on the last working day of the month.'],
  ['file:///docs/oncall.md', 'On-call handbook', 'Page the incident commander, then open a bridge; postmortems within a week.'],
  ['file:///docs/laptop.md', 'Laptop setup', 'Enroll the laptop in device management before installing anything.'],
];

async function setUp(t: Test) {
  const home = await mkdtemp(join(tmpdir(), 'onramp-eval-'));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  const search = await createSearch(loadConfig({ ONRAMP_HOME: home }), silentLogger);
  await search.store.open(search.embedder);
  const vectors = await search.embedder.embed(CORPUS.map(([, title, text]) => `${title}\n${text}`), 'passage');
  const items = CORPUS.map(([uri, title, text], i): IndexedItem => ({ id: `doc:${uri}#0`, sourceId: `doc:${uri}`, kind: 'document', title, text, acl: ['staff'], vector: vectors[i]!, fields: { uri } }));
  await search.store.upsert(items);
  await search.close();
  return { home, env: cleanEnv({ ONRAMP_HOME: home, LOG_LEVEL: 'silent' }) };
}

t.test('prints nDCG@10 and recall@100 per mode for the judged queries, as a table and as JSON', async (t) => {
  const { home, env } = await setUp(t);
  const queries = join(home, 'queries.jsonl');
  const qrels = join(home, 'qrels.tsv');
  await writeFile(queries, [
    JSON.stringify({ id: 'payroll', text: 'when are salaries paid' }),
    JSON.stringify({ id: 'oncall', text: 'incident commander bridge' }),
    JSON.stringify({ id: 'unjudged', text: 'laptop' }),
  ].join('\n'));
  // The on-call query is judged to want the laptop page (graded 2) and the on-call page less (1): the
  // index ranks the on-call page first, so that query scores below 1. The payroll page, judged 3, is found first.
  await writeFile(qrels, 'query_id\tdoc_id\trelevance\npayroll\tfile:///docs/payroll.md\t3\npayroll\tfile:///docs/vpn.md\t0\noncall\tfile:///docs/laptop.md\t2\noncall\tfile:///docs/oncall.md\t1\n');

  const json = await runOnramp(['search', 'eval', queries, qrels, '--json'], env);
  t.equal(json.code, 0, json.stderr);
  const result = JSON.parse(json.stdout) as { queries: number; modes: { mode: string; ndcgAt10: number; recallAt100: number }[] };
  t.equal(result.queries, 2, 'the two judged queries with a relevant document');
  const keyword = result.modes.find((m) => m.mode === 'keyword')!;
  // payroll: 1. oncall: the laptop page (gain 2) is not matched by the words; the on-call page (gain 1) is
  // first: DCG 1, ideal 2 + 1/log2(3) → 0.3801; mean 0.6900. Recall: payroll 1, oncall 1/2.
  t.same(keyword, { mode: 'keyword', ndcgAt10: 0.69, recallAt100: 0.75 });
  t.same(result.modes.map((m) => m.mode), ['keyword', 'vector', 'hybrid']);

  const table = await runOnramp(['search', 'eval', queries, qrels], env);
  t.equal(table.code, 0);
  t.match(table.stdout, /^keyword\s+0\.6900\s+0\.7500$/m, 'one line per mode');
});

t.test('a malformed line is refused with its file and number (exit 1); a missing argument is a usage error (2)', async (t) => {
  const { home, env } = await setUp(t);
  const queries = join(home, 'queries.jsonl');
  const qrels = join(home, 'qrels.tsv');
  await writeFile(queries, `${JSON.stringify({ id: 'q1', text: 'vpn' })}\n{"id": "q2", "text": \n`);
  await writeFile(qrels, 'query_id\tdoc_id\trelevance\nq1\tfile:///docs/vpn.md\t1\n');
  let run = await runOnramp(['search', 'eval', queries, qrels], env);
  t.equal(run.code, 1);
  t.equal(run.stderr.trim(), 'onramp search: queries.jsonl:2: not a JSON object');

  await writeFile(queries, `${JSON.stringify({ id: 'q1', text: 'vpn' })}\n`);
  await writeFile(qrels, 'query_id\tdoc_id\trelevance\nq1\tfile:///docs/vpn.md\t1\nq1 file:///docs/payroll.md 1\n');
  run = await runOnramp(['search', 'eval', queries, qrels], env);
  t.equal(run.code, 1);
  t.equal(run.stderr.trim(), 'onramp search: qrels.tsv:3: expected 3 tab-separated fields, found 1');

  await writeFile(qrels, 'q1\tfile:///docs/vpn.md\t1\n');
  run = await runOnramp(['search', 'eval', queries, qrels], env);
  t.match(run.stderr, /qrels\.tsv:1: the first line must be the header/, 'a file without its header');

  run = await runOnramp(['search', 'eval', queries], env);
  t.equal(run.code, 2, 'one file only: usage');
});
