import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { simpleParser } from 'mailparser';
import type { DataOf, TypedEvent } from '@onramp/core';
import { buildWelcomeMail, createLocalCaptureSender } from '@onramp/mailer';

// The test's people are partial on purpose (no schemas, emails of any shape): what buildWelcomeMail copes with.
const event = (data: Record<string, unknown>, id = 'evt-1'): TypedEvent<'SCIM.UserCreated'> => ({
  seq: 1,
  recordedAt: new Date(),
  specversion: '1.0',
  id,
  source: 'com.aliyun.idaas',
  type: 'SCIM.UserCreated',
  data: data as DataOf<'SCIM.UserCreated'>,
  extensions: {},
});
const settings = { from: 'Onboarding <onboarding@example.com>', subject: 'Welcome', docsUrl: 'https://docs.example.com/start?a=1&b=2' };

async function directory(t: Test) {
  const dir = await mkdtemp(join(tmpdir(), 'onramp-mail-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

t.test('writes a parseable RFC 5322 message with escaped HTML and the plain text', async (t) => {
  const dir = await directory(t);
  const sender = createLocalCaptureSender(dir);
  const welcome = buildWelcomeMail(
    event({
      userName: 'jdoe',
      name: { givenName: '<script>alert(1)</script>', familyName: '王' },
      emails: [{ value: 'other@example.com', type: 'home' }, { value: 'j.doe@example.com', type: 'work' }],
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'R&D "Search"' },
    }),
    settings,
  );
  const sent = await sender.send(welcome);
  const files = await readdir(dir);
  t.equal(files.length, 1);
  const raw = await readFile(join(dir, files[0]!), 'utf8');
  t.ok(raw.includes('\r\n'), 'CRLF line ends');
  const parsed = await simpleParser(raw);
  t.equal(parsed.subject, 'Welcome');
  t.equal(parsed.messageId, `<${sent.messageId}>`);
  t.same((Array.isArray(parsed.to) ? parsed.to[0] : parsed.to)?.value.map((a) => a.address), ['j.doe@example.com'], 'the work email');
  t.equal(parsed.from?.value[0]?.name, 'Onboarding');
  t.match(parsed.text, /Hello <script>alert\(1\)<\/script> 王,/);
  t.match(parsed.text, /https:\/\/docs\.example\.com\/start\?a=1&b=2/);
  t.match(parsed.html, /Hello &lt;script&gt;alert\(1\)&lt;\/script&gt; 王,/);
  t.match(parsed.html, /the R&amp;D &quot;Search&quot; team/);
  t.match(parsed.html, /href="https:\/\/docs\.example\.com\/start\?a=1&amp;b=2"/);
  t.notMatch(parsed.html, /<script>/);
});

t.test('the same idempotency key is the same file, once, even when sent at the same time', async (t) => {
  const dir = await directory(t);
  const sender = createLocalCaptureSender(dir);
  const welcome = buildWelcomeMail(event({ userName: 'a@example.com', emails: [{ value: 'a@example.com', primary: true }] }), settings);
  const results = await Promise.all(Array.from({ length: 10 }, () => sender.send(welcome)));
  t.equal(new Set(results.map((r) => r.messageId)).size, 1);
  t.equal((await readdir(dir)).length, 1);
  await createLocalCaptureSender(dir).send(buildWelcomeMail(event({ userName: 'a@example.com', emails: [{ value: 'a@example.com' }] }, 'evt-2'), settings));
  t.equal((await readdir(dir)).length, 2, 'another event is another email');
});

t.test('no usable address is a permanent failure', async (t) => {
  t.throws(() => buildWelcomeMail(event({ userName: 'jdoe', emails: [{ value: 'not an address' }] }), settings), { code: 'no_recipient' });
});
