// The deletion threshold: more leavers in the window than DEPROVISION_THRESHOLD allows are held, shown by
// `onramp lifecycle held` and /metrics, and released by `approve` or skipped by `reject`.
import t from 'tap';
import { appendEvents, listHeldDeprovisionings, loadConfig, silentLogger } from '@onramp/core';
import { TEST_REDIS } from '@onramp/core/testing';
import { main, type Io } from '@onramp/cli';
import { startIngest } from '@onramp/ingest';
import { startLifecycle, step } from './lifecycle-helpers.js';

function capture(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), isTty: false };
}

const people = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
const LEAVE_AT = (i: number) => new Date(Date.UTC(2026, 0, 1, 10, 0, i * 20)).toISOString(); // 25 leavers within ten minutes

t.test('25 leavers in ten minutes: 20 deprovisioned, 5 held until approve releases them', async (t) => {
  const life = await startLifecycle(t, { env: { DEPROVISION_THRESHOLD: '20', DEPROVISION_WINDOW: '1h' } });
  process.env.DATABASE_URL = life.url;
  process.env.REDIS_URL = TEST_REDIS;
  process.env.LOG_LEVEL = 'silent';
  const staff = people(1, 25);
  await appendEvents(life.db, staff.map((n) => step(n, 'J')));
  await life.settled();
  t.equal(life.scim.users().filter((u) => u.active === true).length, 25, '25 joiners, none held');

  await appendEvents(life.db, staff.map((n, i) => ({ ...step(n, 'L'), time: LEAVE_AT(i) })));
  await life.settled();
  const revoked = await life.outcomes('onramp.gitbook.AccessRevoked');
  const held = await life.outcomes('onramp.lifecycle.DeprovisionHeld');
  t.equal(revoked.length, 20, 'the first 20 are deprovisioned');
  t.equal(held.length, 5, 'the 21st to 25th are held');
  // Different people are handled in parallel, so the holds are in the log in any order: the first by seq.
  const firstHeld = held.map((e) => e.data as { cause: { seq: number } }).sort((a, b) => a.cause.seq - b.cause.seq)[0];
  t.match(firstHeld, { consumer: 'gitbook-sync', leaversInWindow: 21, threshold: 20, windowMs: 3_600_000 });
  const stillActive = staff.filter((n) => life.account(n).user?.active === true);
  t.same(stillActive, [21, 22, 23, 24, 25], 'the held leavers still have their account');
  t.ok(stillActive.every((n) => life.account(n).groups.length === 1), 'and their group');
  t.same(await Promise.all(staff.map((n) => life.indexed(n))), staff.map(() => false), 'the search index removed every leaver (not held; docs/lifecycle.md)');

  const list = capture();
  t.equal(await main(['lifecycle', 'held'], list), 0);
  t.equal(list.lines.length, 6, 'five holds and a hint');
  t.match(list.lines[0], /gitbook-sync\s+\d+\s+SCIM\.UserDeactivated\s+user\/21\s+21 leavers > 20/);

  // /metrics shows the holds.
  const config = loadConfig({ DATABASE_URL: life.url, REDIS_URL: TEST_REDIS, INGEST_PORT: '0' });
  const ingest = await startIngest(config, { db: life.db, logger: silentLogger, tokens: { ingest: 'ingest-token-0123456789', admin: 'admin-token-0123456789' } });
  t.teardown(() => ingest.close());
  const metrics = await (await fetch(`${ingest.url}/metrics`)).text();
  t.match(metrics, /onramp_deprovisionings_held\{consumer="gitbook-sync",service="ingest"\} 5/);

  const bad = capture();
  t.equal(await main(['lifecycle', 'approve'], bad), 2, 'approve needs --all or --seq (a usage error)');
  const approve = capture();
  t.equal(await main(['lifecycle', 'approve', '--all'], approve), 0);
  t.match(approve.lines, ['5 deprovisioning(s) approved; the relay hands them to their consumer again']);
  await life.settled();
  t.equal((await life.outcomes('onramp.gitbook.AccessRevoked')).length, 25, 'the held five are deprovisioned now');
  t.match((await life.outcomes('onramp.gitbook.AccessRevoked')).slice(20), Array(5).fill({ data: { action: 'deactivated', approved: true } }));
  t.equal(life.scim.users().filter((u) => u.active === true).length, 0);
  t.equal(life.scim.groups().flatMap((g) => g.members as unknown[]).length, 0, 'in no group');
  t.same(await listHeldDeprovisionings(life.db), []);
  t.equal((await life.outcomes('onramp.lifecycle.DeprovisionApproved')).length, 5);
});

t.test('reject: the held leaver keeps access, the decision is recorded, and a later rehire clears nothing it should not', async (t) => {
  const life = await startLifecycle(t, { env: { DEPROVISION_THRESHOLD: '2' }, indexer: false });
  process.env.DATABASE_URL = life.url;
  process.env.LOG_LEVEL = 'silent';
  await appendEvents(life.db, people(1, 4).map((n) => step(n, 'J')));
  await life.settled();
  await appendEvents(life.db, people(1, 4).map((n) => step(n, 'L')));
  await life.settled();
  const held = await listHeldDeprovisionings(life.db);
  t.same(held.map((h) => h.subject), ['user/3', 'user/4']);

  t.equal(await main(['lifecycle', 'reject', '--seq', String(held[0]!.seq)], capture()), 0);
  t.equal(await main(['lifecycle', 'reject', '--seq', String(held[0]!.seq)], capture()), 1, 'a seq that is not held is an error');
  t.match(await life.outcomes('onramp.lifecycle.DeprovisionRejected'), [{ subject: 'user/3', data: { heldSeq: held[0]!.seq } }]);
  t.equal(life.account(3).user?.active, true, 'the rejected leaver keeps the account');

  // Person 4 is re-enabled in the directory before anyone decides: the hold is moot.
  await appendEvents(life.db, [{ ...step(4, 'R'), time: new Date(Date.UTC(2026, 0, 1, 9, 0, 8)).toISOString() }]);
  await life.settled();
  t.same(await listHeldDeprovisionings(life.db), [], 'the rehire superseded the hold');
  t.equal(await main(['lifecycle', 'approve', '--all'], capture()), 0);
  await life.settled();
  t.equal(life.account(4).user?.active, true, 'approving nothing deactivates no rehire');
  t.same(life.account(4).groups, ['engineering-readers']);
  t.equal(life.account(1).user?.active, false);
});

t.test('DEPROVISION_THRESHOLD as a percentage of the people the log knows', async (t) => {
  const life = await startLifecycle(t, { env: { DEPROVISION_THRESHOLD: '10%' }, indexer: false });
  await appendEvents(life.db, people(1, 20).map((n) => step(n, 'J')));
  await life.settled();
  await appendEvents(life.db, people(1, 3).map((n) => step(n, 'L')));
  await life.settled();
  t.equal((await life.outcomes('onramp.gitbook.AccessRevoked')).length, 2, '10% of 20 people: 2 may leave');
  t.equal((await life.outcomes('onramp.lifecycle.DeprovisionHeld')).length, 1);
  t.throws(() => loadConfig({ DEPROVISION_THRESHOLD: '0%' }), /DEPROVISION_THRESHOLD must be/);
  t.throws(() => loadConfig({ DEPROVISION_WINDOW: 'soon' }), /DEPROVISION_WINDOW must be/);
  t.throws(() => loadConfig({ GITBOOK_ON_LEAVE: 'archive' }), /GITBOOK_ON_LEAVE must be one of deactivate, delete/);
});
