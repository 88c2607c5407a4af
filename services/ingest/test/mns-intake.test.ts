// MNS intake through ali-mns against a local MNS server (HTTPS, signatures checked): ali-mns's defaults
// (plain HTTP, Google Analytics) are off; messages become events and are deleted only after the append
// committed; duplicates stay one event; poison messages are kept with their raw body; while the log is
// down the message is kept invisible and retried; `mns drain` empties a queue into the log.
import { globalAgent } from 'node:https';
import { createRequire } from 'node:module';
import t from 'tap';
import { appendEvents, ConfigError, listIntakeDeadLetters, loadConfig, LogUnavailable, mnsIntakeDoor, readEvents, silentLogger, type CloudEvent } from '@onramp/core';
import { eventBridgeJoiner, freshDatabase, waitFor } from '@onramp/core/testing';
import { selfSignedCertificate, startMnsServer } from '@onramp/provider-servers';
import { aliMns, drainMnsQueue, mnsAccount, mnsMessageHandler, mqAt, openMnsQueue, startMnsIntake } from '@onramp/ingest';

const credentials = { accessKeyId: 'LTAI-local-key-id', accessKeySecret: 'local-secret-0123456789' };
const tls = await selfSignedCertificate();
// This process trusts the local server's certificate, as a host trusts MNS's (ali-mns uses the global agent).
globalAgent.options.ca = [tls.cert];
const server = await startMnsServer({ ...credentials, tls, queues: ['intake', 'dead-letters'], visibilityTimeoutSeconds: 30 });
t.teardown(() => server.close());
const settings = { endpoint: server.url, ...credentials };

t.test('ali-mns defaults to plain HTTP and Google Analytics; the account onramp makes has HTTPS on and analytics off', async (t) => {
  const raw = new aliMns.Account('123', 'id', 'secret');
  t.equal(raw.getHttps(), false, 'the SDK’s default: http');
  t.equal(raw.getGA(), true, 'the SDK’s default: analytics on');
  const account = mnsAccount(settings);
  t.equal(account.getHttps(), true);
  t.equal(account.getGA(), false);
  t.match(openMnsQueue(settings, 'intake').transport, { https: true, analytics: false, url: `${server.url}/queues/intake` });
  t.match(server.url, /^https:/, 'and the requests below go to a server that speaks only HTTPS');
  t.throws(() => loadConfig({ MNS_ENDPOINT: 'http://123.mns.cn-hangzhou.aliyuncs.com' }), ConfigError, 'an http endpoint is refused');
});

t.test('no usage report leaves the process: analytics calls counted at universal-analytics, with a control that reports', async (t) => {
  const ua = createRequire(createRequire(import.meta.url).resolve('ali-mns'))('universal-analytics') as { Visitor: { prototype: { send: (...args: unknown[]) => unknown } } };
  const original = ua.Visitor.prototype.send;
  let reports = 0;
  ua.Visitor.prototype.send = function () {
    reports += 1;
  };
  t.teardown(() => {
    ua.Visitor.prototype.send = original;
  });
  const MQ = mqAt(server.url);
  const defaults = new aliMns.Account('123', credentials.accessKeyId, credentials.accessKeySecret);
  defaults.setHttps(true);
  await new MQ('intake', defaults).getAttrsP();
  t.equal(reports, 1, 'control: the SDK’s default account reports the call');
  await new MQ('intake', mnsAccount(settings)).getAttrsP();
  await openMnsQueue(settings, 'intake').receive(1);
  t.equal(reports, 1, 'onramp’s account reports nothing');
});

t.test('requests signed with another secret are refused by the server', async (t) => {
  const queue = openMnsQueue({ ...settings, accessKeySecret: 'not-the-secret' }, 'intake');
  await t.rejects(queue.receive(1), { code: 'mns_failed', message: /SignatureDoesNotMatch/ });
  t.match(server.requests.at(-1), { status: 403, code: 'SignatureDoesNotMatch' });
});

t.test('the intake appends each message’s event, deletes it after the commit, and a second delivery is a duplicate', async (t) => {
  const database = await freshDatabase('mns');
  t.teardown(() => database.drop());
  const queue = openMnsQueue(settings, 'intake');
  let appended = 0;
  const intake = startMnsIntake({
    queue,
    db: database.db,
    append: (events) => appendEvents(database.db, events),
    door: mnsIntakeDoor(),
    logger: silentLogger,
    visibilitySeconds: 30,
    waitSeconds: 1,
    onAppended: () => (appended += 1),
  });
  t.teardown(() => intake.close());
  server.enqueue('intake', JSON.stringify(eventBridgeJoiner('mns-1')), { base64: true });
  await waitFor(async () => (await readEvents(database.db)).length === 1 && server.messages('intake').length === 0, 10_000, 'the event in the log, the message gone');
  // EventBridge may deliver again; and a body sent without base64 is read as it is.
  server.enqueue('intake', JSON.stringify(eventBridgeJoiner('mns-1')));
  await waitFor(() => server.messages('intake').length === 0, 10_000, 'the duplicate deleted');
  const events = await readEvents(database.db);
  t.equal(events.length, 1);
  t.match(events[0], { source: 'com.aliyun.idaas', id: 'joiner-mns-1', type: 'SCIM.UserCreated' });
  t.equal(appended, 1);
  const deletes = server.requests.filter((r) => r.method === 'DELETE' && r.status === 204).length;
  t.ok(deletes >= 2, 'each message deleted with its receipt handle');
});

t.test('poison messages are kept with their raw body, deleted, and nothing is written to the log', async (t) => {
  const database = await freshDatabase('mns-poison');
  t.teardown(() => database.drop());
  const handler = mnsMessageHandler({ queue: openMnsQueue(settings, 'intake'), db: database.db, append: (events) => appendEvents(database.db, events), door: mnsIntakeDoor(), logger: silentLogger, visibilitySeconds: 30 });
  const bodies = ['not json {', JSON.stringify({ ...eventBridgeJoiner('bad'), data: { userName: 'x' } }), JSON.stringify({ ...eventBridgeJoiner('forged'), type: 'onramp.mail.WelcomeSent' })];
  for (const body of bodies) {
    server.enqueue('intake', body, { base64: true });
    const message = await openMnsQueue(settings, 'intake').receive(1);
    t.equal(await handler.handle(message!, () => false), 'dead-lettered');
  }
  const letters = await listIntakeDeadLetters(database.db);
  t.same(letters.map((l) => [l.intake, l.body, l.code]), [['mns:intake', bodies[0], 'not_json'], ['mns:intake', bodies[1], 'invalid_event'], ['mns:intake', bodies[2], 'forbidden_event']]);
  t.equal(server.messages('intake').length, 0);
  t.equal((await readEvents(database.db)).length, 0);
});

t.test('while the log cannot be written the message stays invisible (visibility extended) and is deleted only after the append', async (t) => {
  const database = await freshDatabase('mns-down');
  t.teardown(() => database.drop());
  let failures = 2;
  const append = (events: CloudEvent[]) => (failures-- > 0 ? Promise.reject(new LogUnavailable(new Error('ECONNREFUSED'))) : appendEvents(database.db, events));
  const queue = openMnsQueue(settings, 'intake');
  const slept: number[] = [];
  const handler = mnsMessageHandler({
    queue, db: database.db, append, door: mnsIntakeDoor(), logger: silentLogger, visibilitySeconds: 30,
    sleep: async (ms) => {
      slept.push(ms);
      t.equal(server.messages('intake').length, 1, 'the message is still in the queue while the append is retried');
      t.ok(server.messages('intake')[0]!.visibleAt > Date.now() + 25_000, 'and kept invisible for the visibility extension');
    },
  });
  const before = server.requests.filter((r) => r.method === 'PUT').length;
  server.enqueue('intake', JSON.stringify(eventBridgeJoiner('down')), { base64: true });
  const message = await queue.receive(1);
  t.equal(await handler.handle(message!, () => false), 'appended');
  t.equal(slept.length, 2);
  t.equal(server.requests.filter((r) => r.method === 'PUT' && r.status === 200).length - before, 2, 'ChangeMessageVisibility once per retry');
  t.equal(server.messages('intake').length, 0, 'deleted with the latest receipt handle');
  t.equal((await readEvents(database.db)).length, 1);
});

t.test('onramp mns drain moves every message of a queue into the log and keeps the poison ones', async (t) => {
  const database = await freshDatabase('mns-drain');
  t.teardown(() => database.drop());
  server.enqueue('dead-letters', JSON.stringify(eventBridgeJoiner('dl-1')), { base64: true });
  server.enqueue('dead-letters', JSON.stringify(eventBridgeJoiner('dl-2')), { base64: true });
  server.enqueue('dead-letters', '<xml/>', { base64: true });
  const config = loadConfig({ MNS_ENDPOINT: settings.endpoint, MNS_ACCESS_KEY_ID: credentials.accessKeyId, MNS_ACCESS_KEY_SECRET: credentials.accessKeySecret });
  const counts = await drainMnsQueue(config, { db: database.db, logger: silentLogger }, 'dead-letters');
  t.match(counts, { appended: 2, duplicate: 0, 'dead-lettered': 1 });
  t.same((await readEvents(database.db)).map((e) => e.id), ['joiner-dl-1', 'joiner-dl-2']);
  t.equal(server.messages('dead-letters').length, 0);
  await t.rejects(drainMnsQueue(loadConfig({}), { db: database.db, logger: silentLogger }, 'dead-letters'), { message: /MNS_ENDPOINT is required for mns drain/ }, 'no endpoint: the variables are named');
});
