// Ingest on a fresh database with one door configured, for the door tests: its URL, the log's events,
// and appends that fail (the log unavailable) while `failAppends` says so.
import type { Test } from 'tap';
import { Registry } from 'prom-client';
import { appendEvents, createAppendBatcher, LogUnavailable, readEvents, silentLogger, type CloudEvent } from '@onramp/core';
import { freshDatabase } from '@onramp/core/testing';
import { buildIngestApp, type IngestDeps } from '@onramp/ingest';

export const DOOR_TOKENS = { ingest: 'ingest-token-0123456789', admin: 'admin-token-0123456789' };

export async function startDoorApp(
  t: Test,
  label: string,
  door: Pick<IngestDeps, 'idaasCallback' | 'hrWebhook'> & { maxBodyBytes?: number },
  failAppends?: () => boolean,
) {
  const database = await freshDatabase(label);
  const batcher = createAppendBatcher((events) => appendEvents(database.db, events));
  const app = buildIngestApp({
    db: database.db,
    append: (events: CloudEvent[]) => {
      if (failAppends?.() === true) return Promise.reject(new LogUnavailable(new Error('connection refused')));
      return batcher.append(events);
    },
    tokens: DOOR_TOKENS,
    logger: silentLogger,
    registry: new Registry(),
    checks: {},
    docsRoots: { paths: [], buckets: [] },
    ...door,
    maxBodyBytes: door.maxBodyBytes ?? 1024 * 1024,
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  t.teardown(async () => {
    await app.close();
    await database.drop();
  });
  return { base, app, events: () => readEvents(database.db) };
}
