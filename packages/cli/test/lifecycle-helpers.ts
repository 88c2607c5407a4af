// The whole lifecycle as it runs for the tests: the log, the relay, gitbook-sync against the local SCIM
// server (quirks switchable), and the indexer into an embedded index; events of one person as a directory
// sends them.
import type { Test } from 'tap';
import { loadConfig, readEvents, silentLogger, type CloudEvent, type Db } from '@onramp/core';
import { TEST_JOB_OPTIONS, TEST_REDIS, freshDatabase, freshPrefix, joinerEvent, startTestDelivery, waitFor } from '@onramp/core/testing';
import { startScimServer, type ScimQuirks } from '@onramp/provider-servers';
import { createEmbeddedStore, createLocalEmbedder } from '@onramp/search';
import { startGitbookSync } from '@onramp/gitbook-sync';
import { startIndexer } from '@onramp/indexer';

const TOKEN = 'lifecycle-scim-token-0123456789';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
type Json = Record<string, unknown>;

export async function startLifecycle(t: Test, options: { env?: Record<string, string>; quirks?: ScimQuirks; indexer?: boolean } = {}) {
  const { db, url, drop } = await freshDatabase('lifecycle');
  const prefix = freshPrefix('lifecycle');
  const scim = await startScimServer({ token: TOKEN, ...(options.quirks === undefined ? {} : { quirks: options.quirks }) });
  const config = loadConfig({ DATABASE_URL: url, REDIS_URL: TEST_REDIS, GITBOOK_SCIM_URL: scim.url, GITBOOK_SCIM_TOKEN: TOKEN, ...options.env });
  const worker = { db, logger: silentLogger, queuePrefix: prefix, runtime: { jobOptions: TEST_JOB_OPTIONS } };
  const sync = await startGitbookSync(config, worker);
  const store = createEmbeddedStore();
  const embedder = createLocalEmbedder();
  const search = { embedder, store, close: () => store.close() };
  const indexer = options.indexer === false ? undefined : await startIndexer(config, { ...worker, acquireSearch: async () => ({ search, release: () => store.close() }) });
  const delivery = await startTestDelivery(db, TEST_REDIS, prefix, silentLogger);
  t.teardown(async () => {
    await sync.close();
    await indexer?.close();
    await delivery.close();
    await scim.close();
    await drop();
  });
  return {
    db,
    url,
    prefix,
    scim,
    store,
    outcomes: (type: string) => readEvents(db, { type, limit: 10_000 }),
    /** Every delivery of the consumers running here is finished (completed or dead-lettered). */
    settled: (timeoutMs = 60_000) => waitFor(() => isSettled(db, indexer === undefined ? ['gitbook-sync'] : ['gitbook-sync', 'indexer']), timeoutMs, 'every delivery finished'),
    /** The person's account as the SCIM server has it, and the groups it is in. */
    account(n: number) {
      const user = scim.users().find((u) => String(u.userName).toLowerCase() === `hire${n}@example.com`);
      const groups = scim
        .groups()
        .filter((g) => (g.members as { value: string }[] | undefined)?.some((m) => m.value === user?.id))
        .map((g) => String(g.displayName));
      return { user, groups };
    },
    /** Whether the search index has the person's profile. */
    async indexed(n: number) {
      const hits = await store.search({ query: `Hire${n}`, k: 50, mode: 'keyword', filter: { groups: 'all' } });
      return hits.some((h) => h.id === `person:idaas-${n}`);
    },
  };
}

async function isSettled(db: Db, running: string[]): Promise<boolean> {
  const outbox = await db.selectFrom('outbox').select('seq').limit(1).execute();
  // The test relay registers every shipped consumer; only the rows of those running here go.
  const deliveries = await db.selectFrom('deliveries').select('seq').where('consumer', 'in', running).limit(1).execute();
  return outbox.length === 0 && deliveries.length === 0;
}

export type Step = 'J' | 'M' | 'L' | 'R' | 'D';

/**
 * Person n's lifecycle as the directory sends it, each step with the time it happened (J joins Sales, M
 * moves to Engineering, L leaves, R is re-enabled in Engineering, D is deleted), whatever order they are
 * appended in. `copy` makes a duplicate: the same fact under another event id.
 */
export function step(n: number, which: Step, copy = 0): CloudEvent {
  const base = joinerEvent(n, which === 'J' ? 'Sales' : 'Engineering');
  const at = (k: number) => new Date(Date.UTC(2026, 0, 1, 9, 0, k)).toISOString();
  const id = `${which}-${n}${copy === 0 ? '' : `-copy${copy}`}`;
  const user = base.data as Json;
  if (which === 'J') return { ...base, id, time: at(1) };
  if (which === 'M') return { ...base, id, type: 'SCIM.UserUpdated', time: at(2) };
  if (which === 'L') return { ...base, id, type: 'SCIM.UserDeactivated', time: at(3), data: { id: user.id, userName: user.userName, active: false } };
  if (which === 'R') return { ...base, id, type: 'SCIM.UserUpdated', time: at(4), data: { ...user, active: true, [ENTERPRISE]: { department: 'Engineering' } } };
  return { ...base, id, type: 'SCIM.UserDeleted', time: at(5), data: { id: user.id, userName: user.userName } };
}

export function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}
