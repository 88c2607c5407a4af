// The ops console in a real browser, over the real pipeline: `onramp migrate` and `onramp start` (ingest,
// the relay, mailer, gitbook-sync, indexer, search-api) against the local Resend and SCIM servers. The
// operator logs in (a wrong token is refused), finds a joiner and sees the three outcomes, retries a
// welcome email that Resend refused into a dead letter, approves a held deprovisioning, and reads the
// consumers page, whose numbers are `onramp consumers`'.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { connectDatabase, readEvents } from '@onramp/core';
import { eventBridgeJoiner, TEST_REDIS, unmigratedDatabase, waitFor } from '@onramp/core/testing';
import { startResendServer, startScimServer } from '@onramp/provider-servers';
import { openBrowser } from './helpers/console-browser.js';
import { cleanEnv, runOnramp, spawnOnramp } from './helpers/onramp-process.js';

const ADMIN = 'console-admin-token-0123456789';
const INGEST = 'console-ingest-token-0123456789';
const SCIM_TOKEN = 'console-scim-token-0123456789';
const OUTCOMES = ['onramp.mail.WelcomeSent', 'onramp.gitbook.AccessGranted', 'onramp.index.ProfileIndexed'];

const leaver = (n: string) => {
  const joiner = eventBridgeJoiner(n);
  const data = joiner.data as Record<string, unknown>;
  return { ...joiner, id: `leaver-${n}`, type: 'SCIM.UserDeactivated', data: { id: data.id, userName: data.userName, active: false } };
};

t.test('an operator logs in, follows a joiner, retries a dead letter and approves a held deprovisioning', async (t) => {
  const { url, drop } = unmigratedDatabase('console');
  const home = await mkdtemp(join(tmpdir(), 'onramp-console-'));
  const resend = await startResendServer({ ratePerSecond: 20 });
  const scim = await startScimServer({ token: SCIM_TOKEN });
  const env = cleanEnv({
    DATABASE_URL: url, REDIS_URL: TEST_REDIS, ONRAMP_HOME: home, INGEST_PORT: '0', SEARCH_PORT: '0', SEARCH_AUTH: 'disabled', LOG_LEVEL: 'warn',
    QUEUE_PREFIX: `onramp-console-${process.pid}`, INGEST_TOKEN: INGEST, ADMIN_TOKEN: ADMIN,
    RESEND_API_KEY: 're_console_key', RESEND_BASE_URL: resend.url, MAIL_RATE_PER_SECOND: '20',
    GITBOOK_SCIM_URL: scim.url, GITBOOK_SCIM_TOKEN: SCIM_TOKEN,
    DEPROVISION_THRESHOLD: '1', DEPROVISION_WINDOW: '1h',
  });
  t.equal((await runOnramp(['migrate'], env)).code, 0, 'migrated');
  const onramp = spawnOnramp(['start'], env);
  t.teardown(async () => {
    if (onramp.child.exitCode === null) {
      onramp.child.kill('SIGTERM');
      await onramp.exited;
    }
    await resend.close();
    await scim.close();
    await drop();
    await rm(home, { recursive: true, force: true });
  });
  const ingest = await waitFor(() => /ingest listening on (\S+)/.exec(onramp.stdout())?.[1], 60_000, 'ingest to listen');
  await waitFor(() => onramp.stdout().includes('onramp started'), 60_000, 'every component');
  const post = async (body: unknown) => {
    const answer = await fetch(`${ingest}/events`, { method: 'POST', headers: { authorization: `Bearer ${INGEST}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    t.equal(answer.status, 202);
  };
  // The log as the test reads it (the console reads it through onramp's process).
  const log = connectDatabase(url, 2).db;
  t.teardown(() => log.destroy());
  const events = async () => (await readEvents(log, { limit: 1000 })).map((event) => ({ event }));
  const outcomesOf = async (subject: string) => (await readEvents(log, { subject, limit: 1000 })).filter((e) => e.type.startsWith('onramp.')).map((e) => e.type);

  // Person 1 joins and goes through the whole pipeline.
  await post(eventBridgeJoiner('console-1'));
  await waitFor(async () => OUTCOMES.every((type) => outcomesOf('user/console-1').then((o) => o.includes(type))) && (await outcomesOf('user/console-1')).length >= 3, 60_000, 'the three outcomes');

  const { page } = await openBrowser(t);
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });

  // No session: the login form. A wrong token is refused; the admin token lets in.
  await page.goto(`${ingest}/console/`);
  t.match(page.url(), /\/console\/login$/, 'sent to the login form');
  await page.fill('input[name=token]', 'not-the-admin-token');
  await page.click('button[type=submit]');
  t.match(await page.textContent('[role=alert]'), 'That is not the admin token.');
  t.match(page.url(), /\/console\/login$/);
  await page.fill('input[name=token]', ADMIN);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/console\/consumers$/);
  t.equal(await page.textContent('h1'), 'Consumers', 'logged in');

  // Find person 1 by email address: their timeline has the joiner event and the three outcomes.
  await page.click('text=People');
  await page.fill('input[name=q]', 'hireconsole-1@example.com');
  await page.click('button:has-text("Find")');
  await page.waitForURL(/\/console\/person\?subject=user%2Fconsole-1$/);
  const types = await page.$$eval('#timeline tbody tr', (rows) => rows.map((r) => r.getAttribute('data-type')));
  t.same(types.slice(0, 1), ['SCIM.UserCreated'], 'the joiner event first');
  t.same(types.slice(1).sort(), [...OUTCOMES].sort(), 'then its three outcomes, once each');
  t.match(await page.textContent('#timeline'), /mailer answered seq \d+[\s\S]*"provider": "resend"[\s\S]*"idempotencyKey": "welcome\//, 'what Resend was asked and answered');
  t.match(await page.textContent('#timeline'), /gitbook-sync answered[\s\S]*"mode": "sync"/);
  t.match(await page.textContent('#dead-letters, p.ok'), 'No open dead letters.');

  // Resend refuses person 2's welcome email (422): a dead letter, with a Retry button that sends it.
  resend.failNext(1, { status: 422, name: 'validation_error', message: 'Invalid `to` field.' });
  await post(eventBridgeJoiner('console-2'));
  await waitFor(async () => (await outcomesOf('user/console-2')).includes('onramp.consumer.DeadLettered'), 60_000, 'the dead letter');
  await page.click('text=People');
  await page.fill('input[name=q]', 'Hireconsole-2');
  await page.click('button:has-text("Find")');
  await page.waitForURL(/subject=user%2Fconsole-2$/);
  t.match(await page.textContent('#dead-letters'), /mailer[\s\S]*validation_error[\s\S]*Invalid `to` field/, 'the dead letter and Resend’s answer');
  t.equal(resend.emails.filter((e) => JSON.stringify(e).includes('hireconsole-2@')).length, 0, 'no email yet');
  await page.click('#dead-letters button:has-text("Retry")');
  await page.waitForURL(/done=retried&n=1$/);
  t.match(await page.textContent('[role=status]'), '1 dead letter(s) scheduled again');
  await waitFor(async () => (await outcomesOf('user/console-2')).includes('onramp.mail.WelcomeSent'), 60_000, 'the retried email to be sent');
  await page.reload();
  t.match(await page.textContent('main'), 'No open dead letters.', 'the dead letter is resolved');
  t.ok(await page.$('#timeline tr[data-type="onramp.mail.WelcomeSent"]'), 'and the timeline has the welcome email');
  t.equal(resend.emails.filter((e) => JSON.stringify(e).includes('hireconsole-2@')).length, 1, 'sent once');

  // Two leavers with a threshold of one: the second is held until the operator approves it.
  await post(eventBridgeJoiner('console-3'));
  await post(eventBridgeJoiner('console-4'));
  await waitFor(async () => (await events()).filter((e) => e.event.type === 'onramp.gitbook.AccessGranted').length === 4, 60_000, 'four joiners in GitBook');
  await post(leaver('console-3'));
  await post(leaver('console-4'));
  await waitFor(async () => (await events()).some((e) => e.event.type === 'onramp.lifecycle.DeprovisionHeld'), 60_000, 'a held deprovisioning');
  await page.click('text=Held deprovisionings');
  const heldRows = await page.$$('#held tbody tr');
  t.equal(heldRows.length, 1, 'one hold');
  const heldSubject = (await page.textContent('#held tbody tr td:nth-child(4)'))!.trim();
  t.match(heldSubject, /^user\/console-[34]$/);
  await page.click('#held button:has-text("Approve")');
  await page.waitForURL(/done=approved&n=1$/);
  t.match(await page.textContent('main'), 'Nothing is held.');
  await waitFor(async () => (await events()).filter((e) => e.event.type === 'onramp.gitbook.AccessRevoked').length === 2, 60_000, 'the approved leaver deprovisioned');
  const revoked = (await events()).find((e) => e.event.type === 'onramp.gitbook.AccessRevoked' && e.event.subject === heldSubject);
  t.match(revoked?.event.data as object, { approved: true }, 'deprovisioned because it was approved');

  // The consumers page says what `onramp consumers` says, once everything is done.
  const expected = await waitFor(async () => {
    const listed = await runOnramp(['consumers', '--json'], env);
    const statuses = listed.stdout.trim().split('\n').map((l) => JSON.parse(l) as { consumer: string; pending: number; inFlight: number; deadLetters: number });
    return statuses.every((s) => s.pending === 0) ? statuses : undefined;
  }, 30_000, 'every consumer idle');
  await page.click('text=Consumers');
  for (const status of expected) {
    const cell = (field: string) => page.textContent(`#consumers tr[data-consumer="${status.consumer}"] td[data-field="${field}"]`);
    t.equal(await cell('pending'), String(status.pending), `${status.consumer}: lag`);
    t.equal(await cell('inFlight'), String(status.inFlight), `${status.consumer}: in flight`);
    t.equal(await cell('deadLetters'), String(status.deadLetters), `${status.consumer}: dead letters`);
  }
  t.equal(await page.textContent('#consumers tr[data-consumer="mailer"] td[data-field="completed"]'), '4', 'the mailer completed four welcome emails in the window');
  t.equal(await page.textContent('#consumers tr[data-consumer="gitbook-sync"] td[data-field="completed"]'), '6', 'gitbook-sync: four joiners and two leavers');

  // The queues' Bull Board, behind the same session.
  await page.click('text=Queues');
  for (const queue of ['mailer', 'gitbook-sync', 'indexer']) await page.waitForSelector(`text=${queue}`);
  t.pass('Bull Board shows the three queues');
  t.same(cspViolations.filter((v) => !/fonts\.googleapis/.test(v)), [], 'nothing on any page was blocked by the Content-Security-Policy (but Bull Board’s web font)');

  // Logout ends the session.
  await page.goto(`${ingest}/console/consumers`);
  await page.click('button:has-text("Log out")');
  await page.waitForURL(/\/console\/login$/);
  await page.goto(`${ingest}/console/consumers`);
  t.match(page.url(), /\/console\/login$/, 'logged out');
});
