import { Writable } from 'node:stream';
import t from 'tap';
import { appendFailure, createLogger, withoutValues } from '@onramp/core';
import { freshDatabase } from '@onramp/core/testing';

const row = (id: string, email: string) => ({
  source: 'com.aliyun.idaas', id, type: 'SCIM.UserCreated', subject: 'user/1', time: null, specversion: '1.0',
  datacontenttype: null, dataschema: null, data: JSON.stringify({ userName: email, name: { givenName: 'Siobhan' } }), extensions: '{}',
});

t.test('a real database error is logged with its code, without the statement, values or names', async (t) => {
  const { db, drop } = await freshDatabase('errlog');
  t.teardown(drop);
  await db.insertInto('events').values(row("o'brien.s@corp.example", 'siobhan@corp.example')).execute();
  const error = await db.insertInto('events').values([row('other', 'aoife@corp.example'), row("o'brien.s@corp.example", 'siobhan@corp.example')])
    .execute().then(() => undefined, (e: unknown) => e);
  t.match(error, { code: 'ER_DUP_ENTRY', sql: /aoife@corp\.example/ }, 'the driver error carries the values');
  const lines: string[] = [];
  const logger = createLogger('info', 'test', new Writable({ write(chunk: Buffer, _e, done) { lines.push(chunk.toString()); done(); } }));
  logger.error({ err: error }, 'append failed');
  logger.error({ err: appendFailure(error) }, 'wrapped in the typed error');
  logger.error(error as Error);
  t.equal(lines.length, 3);
  for (const line of lines) {
    t.notMatch(line, /corp\.example|brien|Siobhan|aoife|INSERT INTO/i, 'no value, name or statement');
    t.match(line, /ER_DUP_ENTRY/, 'but the code');
  }
  t.match(JSON.parse(lines[0]!), { err: { errno: 1062, sqlState: '23000', message: /^Duplicate entry '…'.*key.*events_identity/ } });
  t.match(JSON.parse(lines[1]!), { err: { code: 'unstorable_event', cause: { code: 'ER_DUP_ENTRY' } } });
  t.match(JSON.parse(lines[2]!), { msg: "Duplicate entry '…' (key events_identity)" }, 'an error logged alone gets its message without values');
});

t.test('quoted values are blanked as one span, identifiers kept', async (t) => {
  t.equal(withoutValues("Duplicate entry 'com.x-O'Brien' for key 'events_identity'"), "Duplicate entry '…' (key events_identity)");
  t.equal(withoutValues("Data too long for column 'subject' at row 1"), "Data too long for column '…' at row 1 (column subject)");
  t.equal(withoutValues('Unknown database'), 'Unknown database');
});
