import t from 'tap';
import { InvalidEvent, parseEvent, parseEvents } from '@onramp/core';
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
