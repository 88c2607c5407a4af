// The HR webhook door (POST /hr/events), driven by a local HR system that signs as Standard Webhooks
// specifies: accepted, duplicate (a webhook-id seen before), bad signature (401), stale (401), malformed
// or unmappable (400, nothing written), every HR event type mapped, and the door's allow-list.
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { HR_WEBHOOK_SOURCE, readHrMapping, SCIM_ENTERPRISE_USER, verifyWebhook, webhookKey, type HrMapping } from '@onramp/core';
import { createHrSystem, hrEmployee, signWebhook, webhookSecret } from '@onramp/provider-servers';
import { startDoorApp } from './door-app.js';

const MAPPING_FILE = fileURLToPath(new URL('../../../deploy/hr-mapping.json', import.meta.url));

async function door(t: Test, options: { secrets?: string[]; failAppends?: () => boolean } = {}) {
  const hr = createHrSystem(options.secrets?.[0]);
  const mapping = readHrMapping(MAPPING_FILE) as HrMapping;
  const hrWebhook = { keys: (options.secrets ?? [hr.secret]).map((s) => webhookKey(s) as Buffer), mapping, toleranceSeconds: 300 };
  const { base, events } = await startDoorApp(t, 'hrwh', { hrWebhook, maxBodyBytes: 64 * 1024 }, options.failAppends);
  return { hr, url: `${base}/hr/events`, events };
}

t.test('a signed hire is appended as HR.EmployeeHired under the webhook-id, its data the mapped SCIM User', async (t) => {
  const { hr, url, events } = await door(t);
  const sent = await hr.send(url, 'employee.hired', hrEmployee(7, { salary: 100000, ssn: '078-05-1120' }), { id: 'msg_hire_7' });
  t.equal(sent.status, 202);
  t.match(sent.body, { id: 'msg_hire_7', type: 'HR.EmployeeHired', status: 'appended', seq: Number });
  const [event] = await events();
  t.match(event, {
    source: HR_WEBHOOK_SOURCE,
    id: 'msg_hire_7',
    type: 'HR.EmployeeHired',
    subject: 'employee/E7',
    data: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', SCIM_ENTERPRISE_USER],
      userName: 'employee7@example.com',
      externalId: 'E7',
      emails: [{ value: 'employee7@example.com', type: 'work', primary: true }],
      name: { givenName: 'Employee7', familyName: 'Example', formatted: 'Employee7 Example' },
      displayName: 'Employee7 Example',
      title: 'Engineer',
      userType: 'Employee',
      active: true,
      [SCIM_ENTERPRISE_USER]: { employeeNumber: 'E7', department: 'R&D / Search', manager: { value: 'E1' } },
    },
  });
  t.notOk(JSON.stringify(event).includes('078-05-1120'), 'HR fields the mapping does not name never reach the log');
  const withCharset = await hr.send(url, 'employee.hired', hrEmployee(70), { contentType: 'application/json; charset=utf-8' });
  t.equal(withCharset.status, 202, 'application/json with a charset parameter');
});

t.test('the same webhook-id again is a duplicate, not a second event — also when re-signed later', async (t) => {
  const { hr, url, events } = await door(t);
  await hr.send(url, 'employee.hired', hrEmployee(8), { id: 'msg_8' });
  const again = await hr.send(url, 'employee.hired', hrEmployee(8), { id: 'msg_8', timestamp: Math.floor(Date.now() / 1000) + 30 });
  t.equal(again.status, 202);
  t.match(again.body, { status: 'duplicate' });
  t.equal((await events()).length, 1);
});

t.test('a wrong, missing or tampered signature is 401; nothing is written', async (t) => {
  const { hr, url, events } = await door(t);
  const cases = [
    { name: 'another secret', options: { secrets: [webhookSecret()] } },
    { name: 'no headers', options: { omitHeaders: true } },
    { name: 'not v1', options: { signature: 'v2,AAAA' } },
    { name: 'garbage', options: { signature: 'v1,not-base64!!' } },
  ];
  for (const c of cases) {
    const sent = await hr.send(url, 'employee.hired', hrEmployee(9), c.options);
    t.equal(sent.status, 401, c.name);
    t.match(sent.body, { type: 'urn:onramp:problem:unauthorized' });
  }
  // Signed over one body, sent with another: the signature is over the raw bytes.
  const body = JSON.stringify({ type: 'employee.hired', timestamp: new Date().toISOString(), data: hrEmployee(9) });
  const signed = signWebhook(hr.secret, 'msg_t', Math.floor(Date.now() / 1000), body);
  const tampered = await hr.send(url, 'employee.hired', {}, { id: 'msg_t', body: body.replace('Employee9', 'Mallory'), signature: signed });
  t.equal(tampered.status, 401, 'tampered body');
  const reformatted = await hr.send(url, 'employee.hired', {}, { id: 'msg_t', body: JSON.stringify(JSON.parse(body), null, 2), signature: signed });
  t.equal(reformatted.status, 401, 'the same JSON with other whitespace is other bytes');
  t.equal((await events()).length, 0);
});

t.test('a timestamp more than five minutes old or ahead is 401 (a replay of a captured request); nothing is written', async (t) => {
  const { hr, url, events } = await door(t);
  // Margins wide enough for a slow machine; the exact edge is checked with a fixed clock below.
  const now = () => Math.floor(Date.now() / 1000);
  t.equal((await hr.send(url, 'employee.hired', hrEmployee(10), { timestamp: now() - 400 })).status, 401, 'stale');
  t.equal((await hr.send(url, 'employee.hired', hrEmployee(10), { timestamp: now() + 400 })).status, 401, 'future');
  t.equal((await hr.send(url, 'employee.hired', hrEmployee(10), { timestamp: now() - 200 })).status, 202, 'within tolerance');
  t.equal((await events()).length, 1);
});

t.test('the tolerance is five minutes either way, to the second', async (t) => {
  const secret = webhookSecret();
  const key = webhookKey(secret) as Buffer;
  const at = new Date('2026-12-01T00:00:00Z');
  const body = Buffer.from('{"type":"employee.hired"}');
  const headers = (timestamp: number) => ({ 'webhook-id': 'msg_edge', 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(secret, 'msg_edge', timestamp, body.toString()) });
  const seconds = at.getTime() / 1000;
  for (const offset of [-300, 300]) t.doesNotThrow(() => verifyWebhook([key], headers(seconds + offset), body, 300, at), `${offset} s accepted`);
  for (const offset of [-301, 301]) t.throws(() => verifyWebhook([key], headers(seconds + offset), body, 300, at), { code: 'unauthorized' }, `${offset} s refused`);
});

t.test('several signatures (the sender rotating) and several secrets (onramp rotating): one match is enough', async (t) => {
  const [current, next] = [webhookSecret(), webhookSecret()];
  const { hr, url, events } = await door(t, { secrets: [current, next] });
  t.equal((await hr.send(url, 'employee.hired', hrEmployee(11), { secrets: [webhookSecret(), next] })).status, 202, 'second signature matches the second secret');
  t.equal((await hr.send(url, 'employee.hired', hrEmployee(12), { secrets: [current] })).status, 202, 'the first secret still accepted');
  t.equal((await events()).length, 2);
});

t.test('malformed or unmappable payloads are 400 with a clear reason; nothing is written', async (t) => {
  const { hr, url, events } = await door(t);
  const payload = (type: string, data: unknown) => JSON.stringify({ type, timestamp: new Date().toISOString(), data });
  const cases: [string, string, RegExp][] = [
    ['not JSON', '{"type":', /not JSON/],
    ['unknown type', payload('employee.promoted', hrEmployee(13)), /\/type/],
    ['no employeeId', payload('employee.hired', { ...hrEmployee(13), employeeId: undefined }), /\/data\/employeeId is required/],
    ['nested value', payload('employee.hired', { ...hrEmployee(13), address: { city: 'Hangzhou' } }), /\/data\/address/],
    ['no timestamp', JSON.stringify({ type: 'employee.hired', data: hrEmployee(13) }), /\/timestamp is required/],
    ['no work email', payload('employee.hired', { ...hrEmployee(13), workEmail: '  ' }), /cannot be mapped.*userName/],
    ['not an address', payload('employee.hired', hrEmployee(13, { workEmail: 'not-an-address' })), /emails/],
  ];
  for (const [name, body, detail] of cases) {
    const sent = await hr.send(url, 'employee.hired', {}, { body });
    t.equal(sent.status, 400, name);
    t.match(sent.body, { detail }, name);
  }
  t.equal((await events()).length, 0);
});

t.test('every HR event type is mapped: hire and change active, termination active=false', async (t) => {
  const { hr, url, events } = await door(t);
  for (const type of ['employee.hired', 'employee.changed', 'employee.terminated'] as const) {
    t.equal((await hr.send(url, type, hrEmployee(14, { department: 'fin' }))).status, 202, type);
  }
  const stored = await events();
  t.same(stored.map((e) => [e.type, (e.data as { active: boolean }).active, (e.data as Record<string, { department: string }>)[SCIM_ENTERPRISE_USER]!.department]), [
    ['HR.EmployeeHired', true, 'Finance'],
    ['HR.EmployeeChanged', true, 'Finance'],
    ['HR.EmployeeTerminated', false, 'Finance'],
  ]);
});

t.test('when the log cannot be written the answer is 503, and the HR system’s retry of the same webhook is accepted', async (t) => {
  let down = true;
  const { hr, url, events } = await door(t, { failAppends: () => down });
  t.equal((await hr.send(url, 'employee.hired', hrEmployee(15), { id: 'msg_15' })).status, 503);
  down = false;
  t.equal((await hr.send(url, 'employee.hired', hrEmployee(15), { id: 'msg_15' })).status, 202);
  t.equal((await events()).length, 1);
});

t.test('a body over the limit is 413, another media type 415; nothing is written', async (t) => {
  const { hr, url, events } = await door(t);
  const big = await hr.send(url, 'employee.hired', hrEmployee(16, { note: 'x'.repeat(1000) }), { body: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }) });
  t.equal(big.status, 413);
  const form = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
  t.equal(form.status, 415);
  t.equal((await events()).length, 0);
});
