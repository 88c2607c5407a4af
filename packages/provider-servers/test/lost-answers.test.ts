// A provider that acted and whose answer never arrived: the work is done, the caller sees a dropped
// connection, and asking again (same key, or a look-up) finds what was done, as with the real services.
import t from 'tap';
import { startResendServer, startScimServer } from '@onramp/provider-servers';

const email = { from: 'Onboarding <onboarding@example.com>', to: ['new.hire@example.com'], subject: 'Welcome', html: '<p>hi</p>' };

t.test('Resend: the email is accepted, the connection dropped; the same key then gets the answer, no second email', async (t) => {
  const server = await startResendServer({ ratePerSecond: 100 });
  t.teardown(() => server.close());
  server.loseAnswersNext(1);
  const send = () =>
    fetch(`${server.url}/emails`, {
      method: 'POST',
      headers: { authorization: 'Bearer re_test', 'content-type': 'application/json', 'idempotency-key': 'welcome/lost/1' },
      body: JSON.stringify(email),
    });
  await t.rejects(send(), 'the caller sees no answer');
  t.equal(server.emails.length, 1, 'but the email was accepted');
  t.match(server.requests, [{ status: 200, emails: 1, answerLost: true }]);
  const again = await send();
  t.equal(again.status, 200);
  t.equal(((await again.json()) as { id: string }).id, server.emails[0]!.id, 'the stored answer');
  t.equal(server.emails.length, 1, 'no second email');
});

t.test('SCIM: the user is created, the connection dropped; a look-up finds it and a second create is a 409', async (t) => {
  const token = 'scim-test-token-0123456789';
  const server = await startScimServer({ token });
  t.teardown(() => server.close());
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
  const user = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'new.hire@example.com' };
  server.loseAnswersNext(1);
  const lookup = await fetch(`${server.url}/Users?filter=${encodeURIComponent('userName eq "new.hire@example.com"')}`, { headers });
  t.equal(lookup.status, 200, 'reads are answered: only a write loses its answer');
  const create = () => fetch(`${server.url}/Users`, { method: 'POST', headers, body: JSON.stringify(user) });
  await t.rejects(create(), 'the caller sees no answer');
  t.equal(server.users().length, 1, 'but the user exists');
  t.match(server.requests.at(-1), { method: 'POST', status: 201, answerLost: true });
  t.equal((await create()).status, 409, 'creating again finds it taken');
  t.equal(server.users().length, 1);
});
