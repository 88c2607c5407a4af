// Replay: re-deliver a range of the log to one consumer. Effects are idempotent and the completion
// record skips what was done, so a replay is safe; `force` delivers even completed events again.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { OnrampError } from '../errors.js';
import { OUTCOME, onrampSource } from '../events/event-types.js';
import type { Db } from '../log/database.js';
import { appendEvents } from '../log/event-log.js';
import { SUBSCRIPTIONS, type Consumer } from './consumers.js';
import { enqueueDeliveries, type DeliveryQueues } from './delivery-queues.js';

export interface ReplayRequest {
  consumer: Consumer;
  fromSeq?: number;
  toSeq?: number;
  type?: string;
  subject?: string;
  dryRun?: boolean;
  force?: boolean;
}

export interface ReplaySummary {
  replayId: string;
  dryRun: boolean;
  /** Events in the range that the consumer subscribes to. */
  matched: number;
  /** Of those, already completed by the consumer: skipped on delivery unless forced. */
  alreadyCompleted: number;
  /** Jobs added to the consumer's queue (0 on a dry run). */
  enqueued: number;
}

const PAGE = 2000;

function rangeQuery(db: Db, request: ReplayRequest) {
  const types = request.type === undefined ? [...SUBSCRIPTIONS[request.consumer]] : [request.type];
  let query = db.selectFrom('events').where('events.type', 'in', types);
  if (request.fromSeq !== undefined) query = query.where('events.seq', '>=', request.fromSeq);
  if (request.toSeq !== undefined) query = query.where('events.seq', '<=', request.toSeq);
  if (request.subject !== undefined) query = query.where('events.subject', '=', request.subject);
  return query;
}

export async function countReplay(db: Db, request: ReplayRequest): Promise<{ matched: number; alreadyCompleted: number }> {
  const row = await rangeQuery(db, request)
    .leftJoin('consumer_completions as c', (join) =>
      join.onRef('c.seq', '=', 'events.seq').on('c.consumer', '=', request.consumer),
    )
    .select([sql<number>`COUNT(*)`.as('matched'), sql<number>`COUNT(c.seq)`.as('completed')])
    .executeTakeFirstOrThrow();
  return { matched: Number(row.matched), alreadyCompleted: Number(row.completed) };
}

export async function replayRange(
  db: Db,
  queues: DeliveryQueues,
  request: ReplayRequest,
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<ReplaySummary> {
  if (request.type !== undefined && !SUBSCRIPTIONS[request.consumer].includes(request.type)) {
    throw new OnrampError('invalid_request', `${request.consumer} does not consume ${request.type}`);
  }
  const replayId = `replay-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const dryRun = request.dryRun === true;
  const counts = await countReplay(db, request);
  const summary: ReplaySummary = { replayId, dryRun, ...counts, enqueued: 0 };
  if (dryRun) return summary;

  const record = (type: string, data: object) =>
    appendEvents(db, [
      {
        specversion: '1.0',
        id: `${replayId}/${type}`,
        source: onrampSource('replay'),
        type,
        time: new Date().toISOString(),
        datacontenttype: 'application/json',
        data: { replayId, ...request, ...data },
        extensions: {},
      },
    ]);
  await record(OUTCOME.replayRequested, { matched: counts.matched, alreadyCompleted: counts.alreadyCompleted });

  const readPage = (after: number) =>
    rangeQuery(db, request).select(['events.seq', 'events.type']).where('events.seq', '>', after).orderBy('events.seq').limit(PAGE).execute();
  // Read the next page while the current one is being enqueued: the two limits overlap instead of adding up.
  let page = await readPage(0);
  while (page.length > 0) {
    const next = page.length === PAGE ? readPage(Number(page.at(-1)!.seq)) : Promise.resolve([]);
    await enqueueDeliveries(
      queues[request.consumer],
      page.map((row) => ({ seq: Number(row.seq), type: row.type, redelivery: replayId, force: request.force === true })),
    );
    summary.enqueued += page.length;
    onProgress(summary.enqueued, counts.matched);
    page = await next;
  }
  await record(OUTCOME.replayCompleted, { enqueued: summary.enqueued });
  return summary;
}
