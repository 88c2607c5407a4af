// HR system → IDaaS → onramp, the whole loop through the real pipeline (`onramp migrate`, `onramp start`):
// a signed HR hire webhook is appended, the idaas-provisioner creates the account through the local
// IDaaS's inbound SCIM endpoint, IDaaS announces it to the event callback door, and the joiner flow runs
// (welcome email, GitBook access, search profile). A termination ends, the same way, in the leaver flow.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { TEST_REDIS, unmigratedDatabase, waitFor } from '@onramp/core/testing';
import { createHrSystem, hrEmployee, startIdaasDirectory } from '@onramp/provider-servers';
import { cleanEnv, REPO_ROOT, runOnramp, spawnOnramp } from './helpers/onramp-process.js';

interface Listed { seq: number; event: { type: string; source: string; id: string; subject?: string; data?: { active?: boolean; action?: string; cause?: { source: string; id: string; type: string } } } }

const JOINER_OUTCOMES = ['onramp.gitbook.AccessGranted', 'onramp.index.ProfileIndexed', 'onramp.mail.WelcomeSent'];
const LEAVER_OUTCOMES = ['onramp.gitbook.AccessRevoked', 'onramp.index.ProfileRemoved'];

t.test('a signed HR hire ends in the joiner flow through IDaaS, and a termination in the leaver flow', async (t) => {
  const { url, drop } = unmigratedDatabase('hrloop');
  const home = await mkdtemp(join(tmpdir(), 'onramp-hrloop-'));
  const idaas = await startIdaasDirectory({ retryDelayMs: 200 });
  const hr = createHrSystem();
  const env = cleanEnv({
    DATABASE_URL: url, REDIS_URL: TEST_REDIS, ONRAMP_HOME: home, INGEST_PORT: '0', SEARCH_PORT: '0', SEARCH_AUTH: 'disabled', LOG_LEVEL: 'warn',
    IDAAS_CALLBACK_APP_ID: idaas.callback.applicationId, IDAAS_CALLBACK_JWKS_URL: idaas.callback.jwksUrl,
    HR_WEBHOOK_SECRET: hr.secret, HR_MAPPING_FILE: join(REPO_ROOT, 'deploy/hr-mapping.json'),
    IDAAS_SCIM_URL: idaas.scim.url, IDAAS_SCIM_TOKEN: idaas.scimToken,
  });
  t.equal((await runOnramp(['migrate'], env)).code, 0);
  const onramp = spawnOnramp(['start'], env);
  t.teardown(async () => {
    if (onramp.child.exitCode === null) {
      onramp.child.kill('SIGTERM');
      await onramp.exited;
    }
    await idaas.close();
    await drop();
    await rm(home, { recursive: true, force: true });
  });
  const ingestUrl = await waitFor(() => /ingest listening on (\S+)/.exec(onramp.stdout())?.[1], 30_000, 'ingest to listen');
  await waitFor(() => onramp.stdout().includes('onramp started'), 30_000, 'every component');
  t.match(onramp.stdout(), /idaas-provisioner upserting HR employees into IDaaS through SCIM/);
  idaas.announceTo(`${ingestUrl}/idaas/events`);

  const list = async () => {
    const run = await runOnramp(['events', 'list', '--json', '--limit', '1000'], env);
    return run.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Listed);
  };
  const causedBy = (events: Listed[], cause: Listed) => events.filter((e) => e.event.data?.cause?.source === cause.event.source && e.event.data.cause.id === cause.event.id).map((e) => e.event.type).sort();
  const callbackSource = `idaas-callback/${idaas.callback.applicationId}`;
  /** The log once IDaaS has announced `type` for the person and every one of `outcomes` followed from it. */
  const flowRan = (type: string, outcomes: string[], what: string) =>
    waitFor(async () => {
      const events = await list();
      const announced = events.find((e) => e.event.source === callbackSource && e.event.type === type);
      return announced !== undefined && outcomes.every((o) => causedBy(events, announced).includes(o)) ? { events, announced } : undefined;
    }, 90_000, what);

  // The hire.
  const hired = await hr.send(`${ingestUrl}/hr/events`, 'employee.hired', hrEmployee(42));
  t.equal(hired.status, 202);
  const joined = await flowRan('SCIM.UserCreated', JOINER_OUTCOMES, 'the joiner flow for the hire, through IDaaS');
  const hire = joined.events.find((e) => e.event.id === hired.id)!;
  t.match(hire.event, { source: 'hr-webhook', type: 'HR.EmployeeHired', subject: 'employee/E42' });
  t.same(causedBy(joined.events, hire), ['onramp.idaas.UserProvisioned'], 'the HR event itself only provisions IDaaS');
  t.match(joined.events.find((e) => e.event.type === 'onramp.idaas.UserProvisioned')!.event.data, { action: 'created' });
  const [account] = idaas.scim.users();
  t.match(account, { userName: 'employee42@example.com', externalId: 'E42', active: true });
  t.match(joined.announced.event, { subject: `user/${String(account!.id)}`, data: { userName: 'employee42@example.com' } });
  t.same(causedBy(joined.events, joined.announced), JOINER_OUTCOMES, 'welcome email, GitBook access, search profile — once each');
  const mail = await readdir(join(home, 'mail'));
  t.equal(mail.length, 1, 'one welcome email captured');
  t.match(await readFile(join(home, 'mail', mail[0]!), 'utf8'), /To: .*employee42@example\.com/);

  // The same hire webhook again: a duplicate; nothing more happens.
  t.match((await hr.send(`${ingestUrl}/hr/events`, 'employee.hired', hrEmployee(42), { id: hired.id })).body, { status: 'duplicate' });

  // The termination.
  const terminated = await hr.send(`${ingestUrl}/hr/events`, 'employee.terminated', hrEmployee(42));
  t.equal(terminated.status, 202);
  const left = await flowRan('SCIM.UserDeactivated', LEAVER_OUTCOMES, 'the leaver flow for the termination, through IDaaS');
  t.match(left.events.filter((e) => e.event.type === 'onramp.idaas.UserProvisioned').map((e) => e.event.data?.action), ['created', 'deactivated']);
  t.equal(idaas.scim.users()[0]!.active, false, 'the IDaaS account is deactivated');
  t.same(causedBy(left.events, left.announced), LEAVER_OUTCOMES, 'GitBook access revoked, profile removed');
  t.equal(idaas.scim.users().length, 1, 'one IDaaS account throughout');
  t.equal((await readdir(join(home, 'mail'))).length, 1, 'still one welcome email');
  t.same(idaas.announcements().map((a) => [a.eventType.split(':').at(-1), a.status]), [['create', 200], ['disable', 200]]);
});
