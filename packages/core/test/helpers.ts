// Builders and waits shared by the core tests.
import { Queue } from 'bullmq';
import type { CloudEvent, Consumer } from '@onramp/core';

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
