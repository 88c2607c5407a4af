// idaas-provisioner as it runs: HR events in the log, the dispatcher, the worker, the SCIM client, and
// the local IDaaS directory's inbound SCIM endpoint (the local SCIM server, following RFC 7644 and its
// errors): create, update, deactivate, idempotent on replay, retried on 429/5xx, dead-lettered on 4xx,
// and never acting on an answer that is not the account asked for.
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import {
  appendEvents,
  HR,
  HR_WEBHOOK_SOURCE,
  listDeadLetters,
  loadConfig,
  mapEmployee,
  readEvents,
  readHrMapping,
  replayRange,
  SCIM_ENTERPRISE_USER,
  silentLogger,
  type CloudEvent,
  type HrEmployeeRecord,
  type HrMapping,
} from '@onramp/core';
import { freshDatabase, freshPrefix, startTestDelivery, TEST_JOB_OPTIONS, TEST_REDIS, waitFor } from '@onramp/core/testing';
import { hrEmployee, startScimServer, type ScimQuirks } from '@onramp/provider-servers';
import { startIdaasProvisioner } from '@onramp/idaas-provisioner';

const TOKEN = 'idaas-scim-token-0123456789';
const mapping = readHrMapping(fileURLToPath(new URL('../../../deploy/hr-mapping.json', import.meta.url))) as HrMapping;

async function setup(t: Test, quirks: ScimQuirks = {}) {
  const { db, url, drop } = await freshDatabase('idaasprov');
  const prefix = freshPrefix('idaasprov');
  const scim = await startScimServer({ token: TOKEN, quirks });
  const config = loadConfig({ DATABASE_URL: url, REDIS_URL: TEST_REDIS, IDAAS_SCIM_URL: scim.url, IDAAS_SCIM_TOKEN: TOKEN });
  const provisioner = await startIdaasProvisioner(config, { db, logger: silentLogger, queuePrefix: prefix, runtime: { jobOptions: TEST_JOB_OPTIONS } });
  const delivery = await startTestDelivery(db, TEST_REDIS, prefix, silentLogger);
  t.teardown(async () => {
    await provisioner.close();
    await delivery.close();
    await scim.close();
    await drop();
  });
  const outcomes = async (type: string, n: number) => {
    const all = await readEvents(db, { type, limit: 1000 });
    return all.length >= n ? all : undefined;
  };
  return {
    db,
    scim,
    waitOutcomes: (type = 'onramp.idaas.UserProvisioned', n = 1) => waitFor(() => outcomes(type, n), 15_000, `${n} ${type}`),
    /** Creates an account directly in IDaaS, as an administrator would. */
    async existing(user: Record<string, unknown>) {
      const response = await fetch(`${scim.url}/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], active: true, ...user }),
      });
      t.equal(response.status, 201);
    },
  };
}

let ids = 0;
const hrEvent = (type: string, n: number | string, extra: Record<string, unknown> = {}): CloudEvent => {
  const employee = hrEmployee(n, extra) as HrEmployeeRecord;
  return {
    specversion: '1.0',
    id: `msg_${++ids}_${Date.now()}`,
    source: HR_WEBHOOK_SOURCE,
    type,
    subject: `employee/${employee.employeeId}`,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data: mapEmployee(mapping, employee, type !== HR.employeeTerminated),
    extensions: {},
  };
};

t.test('a hire becomes an active IDaaS account with the enterprise extension; the outcome names it', async (t) => {
  const { db, scim, waitOutcomes } = await setup(t);
  await appendEvents(db, [hrEvent(HR.employeeHired, 1)]);
  const [outcome] = await waitOutcomes();
  const [account] = scim.users();
  t.match(account, {
    userName: 'employee1@example.com',
    externalId: 'E1',
    active: true,
    emails: [{ value: 'employee1@example.com', type: 'work', primary: true }],
    name: { givenName: 'Employee1', familyName: 'Example' },
    [SCIM_ENTERPRISE_USER]: { department: 'R&D / Search', employeeNumber: 'E1', manager: { value: 'E1' } },
  });
  t.match(outcome!.data, { action: 'created', idaasUserId: account!.id, userName: 'employee1@example.com', cause: { type: 'HR.EmployeeHired' } });
});

t.test('the same hire delivered again (a replay) makes no second account and changes nothing', async (t) => {
  const { db, scim, waitOutcomes } = await setup(t);
  await appendEvents(db, [hrEvent(HR.employeeHired, 2)]);
  await waitOutcomes();
  const before = scim.requests.length;
  await replayRange(db, { consumer: 'idaas-provisioner', force: true });
  const [, again] = await waitOutcomes('onramp.idaas.UserProvisioned', 2);
  t.match(again!.data, { action: 'unchanged' });
  t.same(scim.requests.slice(before).map((r) => r.method).filter((m) => m !== 'GET'), [], 'only look-ups the second time');
  t.equal(scim.users().length, 1);
});

t.test('a change updates only what differs, and finds the account by externalId when the email changed', async (t) => {
  const { db, scim, waitOutcomes } = await setup(t);
  await appendEvents(db, [hrEvent(HR.employeeHired, 3)]);
  await waitOutcomes();
  const before = scim.requests.length;
  await appendEvents(db, [hrEvent(HR.employeeChanged, 3, { department: 'fin', workEmail: 'e3.new@example.com' })]);
  const [, changed] = await waitOutcomes('onramp.idaas.UserProvisioned', 2);
  t.match(changed!.data, { action: 'updated', userName: 'e3.new@example.com' });
  t.equal(scim.users().length, 1, 'still one account');
  t.match(scim.users()[0], { userName: 'e3.new@example.com', externalId: 'E3', emails: [{ value: 'e3.new@example.com' }], [SCIM_ENTERPRISE_USER]: { department: 'Finance' } });
  t.same(scim.requests.slice(before).filter((r) => r.method !== 'GET').map((r) => r.method), ['PATCH'], 'one PATCH');
});

t.test('a termination deactivates the account, once; one for nobody creates nothing', async (t) => {
  const { db, scim, waitOutcomes } = await setup(t);
  await appendEvents(db, [hrEvent(HR.employeeHired, 4)]);
  await waitOutcomes();
  await appendEvents(db, [hrEvent(HR.employeeTerminated, 4)]);
  const [, left] = await waitOutcomes('onramp.idaas.UserProvisioned', 2);
  t.match(left!.data, { action: 'deactivated' });
  t.equal(scim.users()[0]!.active, false);
  await appendEvents(db, [hrEvent(HR.employeeTerminated, 4)]);
  t.match((await waitOutcomes('onramp.idaas.UserProvisioned', 3))[2]!.data, { action: 'unchanged' });
  await appendEvents(db, [hrEvent(HR.employeeTerminated, 'nobody')]);
  t.match((await waitOutcomes('onramp.idaas.UserProvisioned', 4))[3]!.data, { action: 'absent' });
  t.equal(scim.users().length, 1);
});

t.test('429 with Retry-After and 503s are retried; the account is created once', async (t) => {
  const { db, scim, waitOutcomes } = await setup(t);
  scim.failNext(1, { status: 429, detail: 'slow down', headers: { 'retry-after': '1' } });
  scim.failNext(2, { status: 503, detail: 'maintenance' });
  await appendEvents(db, [hrEvent(HR.employeeHired, 5)]);
  const [outcome] = await waitOutcomes();
  t.match(outcome!.data, { action: 'created' });
  t.same(scim.requests.filter((r) => r.status >= 400).map((r) => r.status), [429, 503, 503]);
  t.equal(scim.requests.filter((r) => r.method === 'POST' && r.status === 201).length, 1);
  t.equal(scim.users().length, 1);
});

t.test('a 4xx IDaaS refusal is dead-lettered at once with its reason', async (t) => {
  const { db, scim, waitOutcomes } = await setup(t);
  await appendEvents(db, [hrEvent(HR.employeeHired, 6)]);
  scim.failNext(1, { status: 400, scimType: 'invalidValue', detail: 'department is not an organizational unit' });
  const [failed] = await waitOutcomes('onramp.idaas.ProvisioningFailed');
  t.match(failed!.data, { consumer: 'idaas-provisioner', attempts: 1, code: 'scim_invalid', reason: /IDaaS SCIM refused: GET \/Users: 400 invalidValue \(department is not an organizational unit\)/ });
  const [letter] = await listDeadLetters(db, 'idaas-provisioner');
  t.match(letter, { type: 'HR.EmployeeHired', code: 'scim_invalid' });
  t.equal(scim.users().length, 0);
});

t.test('an answer that is not the account asked for is never acted on', async (t) => {
  await t.test('a filter that matches more (eq as a regular expression): the other account is left alone', async (t) => {
    const { db, scim, waitOutcomes, existing } = await setup(t, { eqAsRegex: true });
    await existing({ userName: 'employee777x@example.com', externalId: 'OTHER' });
    await appendEvents(db, [hrEvent(HR.employeeHired, 7, { workEmail: 'employee7+x@example.com' })]);
    const [outcome] = await waitOutcomes();
    t.match(outcome!.data, { action: 'created', userName: 'employee7+x@example.com' });
    t.match(scim.users().find((u) => u.externalId === 'OTHER'), { userName: 'employee777x@example.com', active: true }, 'untouched');
    t.equal(scim.users().length, 2);
  });
  await t.test('an account listed without its id: dead-lettered, no second account', async (t) => {
    const { db, scim, waitOutcomes, existing } = await setup(t, { listedWithoutIdFor: /^employee8@/ });
    await existing({ userName: 'employee8@example.com', externalId: 'E8' });
    await appendEvents(db, [hrEvent(HR.employeeHired, 8)]);
    const [failed] = await waitOutcomes('onramp.idaas.ProvisioningFailed');
    t.match(failed!.data, { code: 'scim_missing_id' });
    t.equal(scim.users().length, 1);
  });
});

t.test('off without IDAAS_SCIM_URL: no worker, HR events wait in the log', async (t) => {
  const { db, url, drop } = await freshDatabase('idaasoff');
  t.teardown(drop);
  const running = await startIdaasProvisioner(loadConfig({ DATABASE_URL: url, REDIS_URL: TEST_REDIS }), { db, logger: silentLogger, queuePrefix: freshPrefix('idaasoff') });
  await running.close();
  t.pass('started and closed without a SCIM endpoint');
});
