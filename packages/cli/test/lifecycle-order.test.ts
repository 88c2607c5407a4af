// Order and repetition: every order in which one person's joiner, mover, leaver and rehire can be
// appended, and duplicates of each, end in the same state at the SCIM server and in the search index.
import t from 'tap';
import { appendEvents, listDeadLetters } from '@onramp/core';
import { permutations, startLifecycle, step, type Step } from './lifecycle-helpers.js';

// Many people leave at once here on purpose; the deletion threshold is tested on its own.
const env = { DEPROVISION_THRESHOLD: '100000' };

/** Appends each order as one person's events (person `first + i` gets order i); returns who got which. */
async function appendOrders(db: Parameters<typeof appendEvents>[0], first: number, orders: Step[][]) {
  const people = orders.map((order, i) => ({ n: first + i, order }));
  for (const { n, order } of people) {
    const seen = new Map<Step, number>();
    const events = order.map((s) => {
      const copy = seen.get(s) ?? 0;
      seen.set(s, copy + 1);
      return step(n, s, copy);
    });
    await appendEvents(db, events);
  }
  return people;
}

t.test('joiner, mover, leaver, rehire in each of the 24 orders: active, in the new department only, indexed', async (t) => {
  const life = await startLifecycle(t, { env });
  const people = await appendOrders(life.db, 100, permutations<Step>(['J', 'M', 'L', 'R']));
  await life.settled();
  t.same(await listDeadLetters(life.db), [], 'nothing failed');
  for (const { n, order } of people) {
    const { user, groups } = life.account(n);
    t.equal(user?.active, true, `${order.join('')}: the account is active`);
    t.same(groups, ['engineering-readers'], `${order.join('')}: in engineering-readers only`);
    t.equal(await life.indexed(n), true, `${order.join('')}: the profile is in the index`);
  }
  t.equal(life.scim.users().length, 24, 'one account per person');
});

t.test('joiner, mover, leaver in each of the 6 orders: no active account, in no group, not indexed', async (t) => {
  const life = await startLifecycle(t, { env });
  const people = await appendOrders(life.db, 200, permutations<Step>(['J', 'M', 'L']));
  await life.settled();
  t.same(await listDeadLetters(life.db), [], 'nothing failed');
  for (const { n, order } of people) {
    const { user, groups } = life.account(n);
    t.not(user?.active, true, `${order.join('')}: no active account (${user === undefined ? 'never created' : 'deactivated'})`);
    t.same(groups, [], `${order.join('')}: in no group`);
    t.equal(await life.indexed(n), false, `${order.join('')}: not in the index`);
  }
});

t.test('a leaver appended before the joiner it follows: the account is never left active', async (t) => {
  const life = await startLifecycle(t, { env });
  await appendOrders(life.db, 300, [['L', 'J'], ['J', 'L']]);
  await life.settled();
  for (const n of [300, 301]) {
    t.not(life.account(n).user?.active, true, `person ${n}`);
    t.same(life.account(n).groups, []);
    t.equal(await life.indexed(n), false);
  }
  t.equal(life.account(300).user, undefined, 'the joiner handled after the leaver creates no account');
});

t.test('every step sent twice (another event id each time), in shuffled orders: the same end as once', async (t) => {
  const life = await startLifecycle(t, { env });
  const twice: Step[][] = [
    ['J', 'J', 'M', 'M', 'L', 'L', 'R', 'R'],
    ['R', 'L', 'M', 'J', 'R', 'L', 'M', 'J'],
    ['L', 'J', 'R', 'M', 'J', 'L', 'M', 'R'],
    ['M', 'R', 'J', 'L', 'L', 'J', 'R', 'M'],
  ];
  const rehired = await appendOrders(life.db, 400, twice);
  const left = await appendOrders(life.db, 410, [['J', 'L', 'J', 'M', 'L', 'M'], ['L', 'M', 'J', 'L', 'J', 'M']]);
  await life.settled();
  t.same(await listDeadLetters(life.db), [], 'nothing failed');
  for (const { n, order } of rehired) {
    t.equal(life.account(n).user?.active, true, `${order.join('')}: active`);
    t.same(life.account(n).groups, ['engineering-readers'], `${order.join('')}: engineering-readers only`);
    t.equal(await life.indexed(n), true);
  }
  for (const { n, order } of left) {
    t.not(life.account(n).user?.active, true, `${order.join('')}: not active`);
    t.same(life.account(n).groups, []);
    t.equal(await life.indexed(n), false);
  }
});

t.test('a rehire after a delete with GITBOOK_ON_LEAVE=delete gets a new account in the group', async (t) => {
  const life = await startLifecycle(t, { env: { ...env, GITBOOK_ON_LEAVE: 'delete' } });
  await appendEvents(life.db, [step(500, 'J'), step(500, 'D')]);
  await life.settled();
  t.equal(life.account(500).user, undefined, 'deleted');
  await appendEvents(life.db, [{ ...step(500, 'R'), time: new Date(Date.UTC(2026, 0, 1, 9, 0, 9)).toISOString() }]);
  await life.settled();
  t.equal(life.account(500).user?.active, true);
  t.same(life.account(500).groups, ['engineering-readers']);
  t.equal(await life.indexed(500), true);
});
