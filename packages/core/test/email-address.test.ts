// Internationalised addresses (RFC 6531) at validation, and the text cleaning every email shares.
import t from 'tap';
import { cleanText, InvalidEvent, parseEvent, parseEvents, workEmailOf } from '@onramp/core';
import { eventBridgeJoiner } from '@onramp/core/testing';

const withEmail = (value: string, n = 1) => {
  const event = eventBridgeJoiner(n);
  return { ...event, data: { ...(event.data as object), emails: [{ value, type: 'work', primary: true }] } };
};

function refusedAt(inputs: unknown[]): { index: number; pointers: string[] } | undefined {
  try {
    parseEvents(inputs);
    return undefined;
  } catch (error) {
    if (!(error instanceof InvalidEvent)) throw error;
    return { index: error.index, pointers: error.fields.map((f) => f.pointer) };
  }
}

t.test('internationalised addresses are valid, in the local part and in the domain', async (t) => {
  for (const address of ['josé@example.com', '用户@例子.公司', 'üser@münchen.de', 'δοκιμή@παράδειγμα.δοκιμή', 'user@xn--fsqu00a.xn--55qx5d', "o'brien+tag@sub.example-mail.com"]) {
    t.doesNotThrow(() => parseEvent(withEmail(address), 0), address);
  }
});

t.test('what was never an address stays invalid, and the batch is refused naming the event', async (t) => {
  for (const address of ['no-at-sign', 'two@@example.com', 'space in@example.com', 'user@nodot', 'user@-bad-.com', 'a..b@example.com', 'ali\u202Ece@example.com', 'c1\u0085@example.com', 'nbsp\u00a0@example.com']) {
    t.equal(refusedAt([withEmail(address)])?.pointers[0], '/data/emails/0/value', JSON.stringify(address));
  }
  t.same(refusedAt([withEmail('josé@example.com', 1), withEmail('not an address', 2)]), { index: 1, pointers: ['/data/emails/0/value'] }, 'all or nothing, 400 names index 1');
});

t.test('the address check stays fast on a long hostile input', async (t) => {
  const started = Date.now();
  refusedAt([withEmail(`a@${'a-'.repeat(100_000)}!`)]);
  refusedAt([withEmail(`${'a.'.repeat(100_000)}@`)]);
  t.ok(Date.now() - started < 1000, `${Date.now() - started} ms`);
});

t.test('cleanText strips bidi and invisible direction marks and turns C0/C1 controls into spaces', async (t) => {
  t.equal(cleanText('Ali\u202Ece'), 'Alice', 'U+202E right-to-left override');
  t.equal(cleanText('\u2066Bob\u2069 \u200eSmith\u200f\u061c'), 'Bob Smith', 'isolates, LRM/RLM, Arabic letter mark');
  t.equal(cleanText('\u202a\u202b\u202c\u202d'), undefined, 'nothing left');
  t.equal(cleanText('Zoë\u0085Line\u009bX\u0007Y'), 'Zoë Line X Y', 'C1 and C0 controls');
  t.equal(cleanText('王小明'), '王小明');
  t.equal(workEmailOf({ emails: [{ value: '用户@例子.公司', primary: true }] }), '用户@例子.公司');
});
