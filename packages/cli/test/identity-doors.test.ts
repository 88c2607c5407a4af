// The identity doors through the real pipeline (`onramp migrate`, then `onramp start` with mns-intake):
// a joiner created through the IDaaS event callback, one through MNS and one through the SCIM endpoint
// (POST /scim/v2/Users) get the same three outcomes as one through today's CloudEvents door — a welcome
// email, GitBook access, a search profile.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { eventBridgeJoiner, TEST_REDIS, unmigratedDatabase, waitFor } from '@onramp/core/testing';
import { idaasUser, selfSignedCertificate, startIdaasStandIn, startMnsServer } from '@onramp/provider-servers';

const BIN = fileURLToPath(new URL('../../../bin/onramp.js', import.meta.url));
const SCIM_TOKEN = 'scim-server-token-0123456789abcdef';
const OUTCOMES = ['onramp.mail.WelcomeSent', 'onramp.gitbook.AccessGranted', 'onramp.index.ProfileIndexed'];

interface Listed { seq: number; event: { type: string; source: string; id: string; data?: { cause?: { source: string; id: string } } } }

t.test('a joiner through the IDaaS callback, through MNS, through SCIM and through POST /events: the same three outcomes each', async (t) => {
  const { url, drop } = unmigratedDatabase('doors');
  const home = await mkdtemp(join(tmpdir(), 'onramp-doors-'));
  const tls = await selfSignedCertificate();
  await writeFile(join(home, 'mns-ca.pem'), tls.cert);
  const credentials = { accessKeyId: 'LTAI-local-key-id', accessKeySecret: 'local-secret-0123456789' };
  const mns = await startMnsServer({ ...credentials, tls, queues: ['onramp-intake'] });
  const idaas = await startIdaasStandIn();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: url, REDIS_URL: TEST_REDIS, ONRAMP_HOME: home, INGEST_PORT: '0', SEARCH_PORT: '0', SEARCH_AUTH: 'disabled', LOG_LEVEL: 'warn',
    IDAAS_CALLBACK_APP_ID: idaas.applicationId, IDAAS_CALLBACK_JWKS_URL: idaas.jwksUrl,
    SCIM_SERVER_TOKEN: SCIM_TOKEN,
    MNS_ENDPOINT: mns.url, MNS_ACCESS_KEY_ID: credentials.accessKeyId, MNS_ACCESS_KEY_SECRET: credentials.accessKeySecret, MNS_QUEUE: 'onramp-intake', MNS_WAIT_SECONDS: '1',
    // The host trusts the local MNS server's certificate as it trusts MNS's.
    NODE_EXTRA_CA_CERTS: join(home, 'mns-ca.pem'),
  };
  for (const name of ['RESEND_API_KEY', 'MAIL_MODE', 'GITBOOK_SCIM_URL', 'GITBOOK_SCIM_TOKEN', 'GITBOOK_MODE', 'INGEST_TOKEN', 'ADMIN_TOKEN', 'NODE_ENV']) delete env[name];
  await promisify(execFile)(process.execPath, [BIN, 'migrate'], { env });
  const child = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await mns.close();
    await idaas.close();
    await drop();
    await rm(home, { recursive: true, force: true });
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const ingestUrl = await waitFor(() => /ingest listening on (\S+)/.exec(output)?.[1], 30_000, 'ingest to listen');
  await waitFor(() => output.includes('mns-intake polling https://') && output.includes('onramp started'), 30_000, 'every component, mns-intake among them');
  const token = (JSON.parse(readFileSync(join(home, 'tokens.json'), 'utf8')) as { ingest: string }).ingest;

  const posted = await fetch(`${ingestUrl}/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(eventBridgeJoiner('http')),
  });
  t.equal(posted.status, 202);
  const called = await idaas.send(`${ingestUrl}/idaas/events`, [{ eventType: 'urn:alibaba:idaas:app:event:ud:user:create', bizData: idaasUser('callback'), eventId: 'evt-callback' }]);
  t.equal(called.status, 200);
  mns.enqueue('onramp-intake', JSON.stringify(eventBridgeJoiner('mns')), { base64: true });
  // IDaaS in SCIM mode: the joiner's SCIM User, as the event door's joiner carries it.
  const scimUser = { ...(eventBridgeJoiner('scim').data as Record<string, unknown>) };
  const created = await fetch(`${ingestUrl}/scim/v2/Users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SCIM_TOKEN}`, 'content-type': 'application/scim+json' },
    body: JSON.stringify(scimUser),
  });
  t.equal(created.status, 201);
  const scimId = ((await created.json()) as { id: string }).id;
  const scimEventId = await waitFor(async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'events', 'list', '--json', '--subject', `user/${scimId}`], { env });
    return stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Listed).find((e) => e.event.source === 'scim/v2')?.event.id;
  }, 20_000, 'the SCIM joiner in the log');

  const joiners = [
    { door: 'POST /events', source: 'com.aliyun.idaas', id: 'joiner-http' },
    { door: 'IDaaS callback', source: `idaas-callback/${idaas.applicationId}`, id: 'evt-callback' },
    { door: 'MNS intake', source: 'com.aliyun.idaas', id: 'joiner-mns' },
    { door: 'SCIM endpoint', source: 'scim/v2', id: scimEventId },
  ];
  const listed = await waitFor(async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'events', 'list', '--json', '--limit', '1000'], { env });
    const events = stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Listed);
    const done = joiners.every((j) => OUTCOMES.every((type) => events.some((e) => e.event.type === type && e.event.data?.cause?.source === j.source && e.event.data.cause.id === j.id)));
    return done ? events : undefined;
  }, 60_000, 'three outcomes for each joiner');
  for (const j of joiners) {
    const outcomes = listed.filter((e) => e.event.data?.cause?.source === j.source && e.event.data.cause.id === j.id).map((e) => e.event.type).sort();
    t.same(outcomes, [...OUTCOMES].sort(), `${j.door}: welcome email, GitBook access, search profile — once each`);
  }
  t.equal(mns.messages('onramp-intake').length, 0, 'the MNS message was deleted after its append');

  // A message that can never become an event is kept, and `onramp dlq list` shows it.
  const poison = mns.enqueue('onramp-intake', 'this is not an event', { base64: true });
  const dlq = await waitFor(async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'dlq', 'list'], { env });
    return stdout.includes(poison.id) ? stdout : undefined;
  }, 20_000, 'the poison message in dlq list');
  t.match(dlq, /mns:onramp-intake\s+\S+\s+\S+\s+not_json/);
  const { stdout: json } = await promisify(execFile)(process.execPath, [BIN, 'dlq', 'list', '--json'], { env });
  t.match(json, 'this is not an event', '--json shows the raw body');
});
