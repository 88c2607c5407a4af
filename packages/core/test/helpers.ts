// Builders and waits shared by the core tests.
import { Queue } from 'bullmq';
import { OUTCOME, outcomeEvent, type CloudEvent, type Consumer, type StoredEvent } from '@onramp/core';

export const joiner = (id: string, subject = `user/${id}`): CloudEvent => ({
  specversion: '1.0',
  id,
  source: 'com.aliyun.idaas',
  type: 'SCIM.UserCreated',
  subject,
  data: {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: `${id}@example.com`,
    emails: [{ value: `${id}@example.com`, primary: true }],
    active: true,
  },
  extensions: {},
});

/** Person `person`'s event number `n`: created first, updated after. */
export const personEvent = (person: number, n: number): CloudEvent => ({
  ...joiner(`p${person}-e${n}`, `user/p${person}`),
  type: n === 0 ? 'SCIM.UserCreated' : 'SCIM.UserUpdated',
});

/** Job ids in a consumer's queue, whatever their state. */
export async function jobIds(redisUrl: string, prefix: string, consumer: Consumer): Promise<string[]> {
  const url = new URL(redisUrl);
  const queue = new Queue(consumer, { prefix, connection: { host: url.hostname, port: Number(url.port) } });
  try {
    const jobs = await queue.getJobs(['wait', 'active', 'delayed', 'completed', 'failed', 'prioritized', 'paused']);
    return jobs.map((j) => j.id!).sort();
  } finally {
    await queue.close();
  }
}

/** A WelcomeSent outcome for `event`, as the mailer writes it. */
export const welcomeSent = (event: StoredEvent, messageId: string): CloudEvent =>
  outcomeEvent('mailer', OUTCOME.welcomeSent, event, { messageId, provider: 'resend', idempotencyKey: `welcome/${messageId}`, mode: 'send' });
