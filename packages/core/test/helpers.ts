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

export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

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
