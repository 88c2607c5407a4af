import t from 'tap';
import { InvalidEvent, MAX_DATA_BYTES, MAX_DATA_DEPTH, parseEvent, parseEvents } from '@onramp/core';
import { joiner } from './helpers.js';

const structured = (overrides: Record<string, unknown> = {}) => {
  const { extensions: _ignored, ...event } = joiner('v1');
  return { ...event, aliyunaccountid: '123', aliyunpublishtime: '2026-11-28T10:00:00.000Z', aliyuneventbusname: 'default', aliyunregionid: 'cn-hangzhou', aliyunpublishaddr: '10.0.0.1', ...overrides };
};

function fields(input: unknown, index = 0) {
  try {
    parseEvent(input, index);
  } catch (error) {
    if (error instanceof InvalidEvent) return { index: error.index, fields: error.fields };
    throw error;
  }
  return undefined;
}

t.test('an EventBridge SCIM.UserCreated is accepted with its aliyun* extensions kept', async (t) => {
  const event = parseEvent(structured(), 0);
  t.equal(event.type, 'SCIM.UserCreated');
  t.same(event.extensions, { aliyunaccountid: '123', aliyunpublishtime: '2026-11-28T10:00:00.000Z', aliyuneventbusname: 'default', aliyunregionid: 'cn-hangzhou', aliyunpublishaddr: '10.0.0.1' });
});

t.test('names the failing field', async (t) => {
  t.match(fields(structured({ specversion: '0.3' })), { fields: [{ pointer: '/specversion' }] });
  t.match(fields(structured({ id: '' })), { fields: [{ pointer: '/id' }] });
  t.match(fields(structured({ time: 'yesterday' })), { fields: [{ pointer: '/time' }] });
  t.match(fields(structured({ data_base64: 'AAAA' })), { fields: [{ pointer: '' }] });
  const noEmail = structured();
  (noEmail.data as Record<string, unknown>).emails = [];
  t.match(fields(noEmail), { fields: [{ pointer: '/data/emails' }] });
  const noActive = structured();
  delete (noActive.data as Record<string, unknown>).active;
  t.match(fields(noActive), { fields: [{ pointer: '/data/active', message: 'is required' }] });
  const badEmail = structured();
  (badEmail.data as { emails: { value: string }[] }).emails[0]!.value = 'not-an-address';
  t.match(fields(badEmail), { fields: [{ pointer: '/data/emails/0/value' }] });
  t.match(fields('a string'), { fields: [{ message: 'must be a JSON object' }] });
});

t.test('a batch reports the index of the first invalid event', async (t) => {
  const bad = structured({ type: '' });
  try {
    parseEvents([structured(), bad]);
    t.fail('should throw');
  } catch (error) {
    t.equal((error as InvalidEvent).index, 1);
  }
});

t.test('other types need only a valid envelope', async (t) => {
  t.ok(parseEvent(structured({ type: 'com.example.Other', data: 'anything' }), 0));
});

t.test('identities with surrounding whitespace, control characters or unpaired surrogates are refused with a pointer', async (t) => {
  const cases: [string, unknown, string][] = [
    ['id', 'joiner-1 ', 'must not start or end with whitespace'],
    ['id', ' joiner-1', 'must not start or end with whitespace'],
    ['id', 'joiner-1\u3000', 'must not start or end with whitespace'],
    ['id', 'joiner\u00001', 'must not contain control characters'],
    ['source', 'com.aliyun.idaas\u0000x', 'must not contain control characters'],
    ['source', 'com.aliyun\u007f.idaas', 'must not contain control characters'],
    ['type', 'SCIM.User\u0085Created', 'must not contain control characters'],
    ['subject', 'user/1\n', 'must not start or end with whitespace'],
    ['subject', 'user/\u001b[31m1', 'must not contain control characters'],
    ['id', 'joiner-\ud800', 'must not contain unpaired surrogates'],
  ];
  for (const [name, value, message] of cases) {
    t.match(fields(structured({ [name]: value })), { fields: [{ pointer: `/${name}`, message }] }, JSON.stringify(value));
  }
  t.ok(parseEvent(structured({ id: '入职-0001 😀', subject: 'user/王 伟' }), 0), 'inner spaces and any script are fine');
});

t.test('data nested too deep or too large is refused with a clear message, and 10,000 levels do not crash', async (t) => {
  const nested = (levels: number) => {
    let value: unknown = 'leaf';
    for (let i = 0; i < levels; i++) value = { v: value };
    return value;
  };
  const at = (data: unknown) => fields(structured({ type: 'com.example.Other', data }));
  t.equal(at(nested(MAX_DATA_DEPTH)), undefined, `${MAX_DATA_DEPTH} levels are fine`);
  t.match(at(nested(MAX_DATA_DEPTH + 1)), { fields: [{ pointer: '/data', message: `must not nest deeper than ${MAX_DATA_DEPTH} levels` }] });
  t.match(at(nested(10_000)), { fields: [{ pointer: '/data' }] });
  const deepUser = structured();
  (deepUser.data as Record<string, unknown>).custom = nested(10_000);
  t.match(fields(deepUser), { fields: [{ pointer: '/data', message: /nest deeper/ }] }, 'inside a SCIM user too');
  t.match(at({ blob: 'x'.repeat(MAX_DATA_BYTES) }), { fields: [{ pointer: '/data', message: /must not exceed \d+ bytes/ }] });
});

t.test('values longer than their columns are refused: time, datacontenttype, extensions together', async (t) => {
  t.match(fields(structured({ time: `2026-11-28T10:00:00.${'1'.repeat(80)}Z` })), { fields: [{ pointer: '/time' }] });
  t.match(fields(structured({ datacontenttype: `application/json;${'x'.repeat(260)}` })), { fields: [{ pointer: '/datacontenttype' }] });
  const many: Record<string, string> = {};
  for (let i = 0; i < 20; i++) many[`ext${i}`] = 'v'.repeat(2048);
  t.match(fields(structured(many)), { fields: [{ pointer: '', message: /extension attributes must not exceed/ }] });
});
