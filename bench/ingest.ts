// Ingest and replay benchmark (issue 2). Each figure stands beside the limit it cannot beat, measured in
// the same run on the same machine: a bare Fastify route for ingest, a plain SELECT scan and BullMQ's
// own addBulk for replay.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { appendEvents, deliveryPrefix, openDeliveryQueues, replayRange, redisOptions } from '@onramp/core';
import { TEST_REDIS, eventBridgeJoiner, freshDatabase, joinerEvent } from '@onramp/core/testing';
import { openLoop } from './open-loop.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = `bench-${randomBytes(16).toString('hex')}`;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

const joiner = (id: string) => eventBridgeJoiner(id, 'Platform Engineering');

async function startProcess(args: string[], env: NodeJS.ProcessEnv, ready = /listening on (\S+)/): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (match) resolve({ url: match[1] ?? '', child });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

export interface LoadResult {
  requestsPerSecond: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

let counter = 0;
async function load(url: string, options: { connections: number; batch: number; seconds?: number }): Promise<LoadResult> {
  const run = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const result = await autocannon({
    url: `${url}/events`,
    method: 'POST',
    connections: options.connections,
    duration: options.seconds ?? SECONDS,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': options.batch > 1 ? 'application/cloudevents-batch+json' : 'application/cloudevents+json',
    },
    requests: [
      {
        setupRequest: (request) => {
          const events = Array.from({ length: options.batch }, () => joiner(`${run}-${counter++}`));
          return { ...request, body: JSON.stringify(options.batch > 1 ? events : events[0]) };
        },
      },
    ],
  });
  const ok = result.requests.total - result.non2xx;
  return {
    requestsPerSecond: Math.round(ok / (result.duration || 1)),
    eventsPerSecond: Math.round((ok * options.batch) / (result.duration || 1)),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

export interface IngestBenchResult {
  bare: LoadResult;
  single: LoadResult;
  batch100: LoadResult;
  bareBatch100: LoadResult;
  at1000PerSecond: LoadResult;
  burst: { batch100: LoadResult; relayEventsPerSecond: number; backlog: number };
  replay: { events: number; replayPerSecond: number; selectScanPerSecond: number; addBulkPerSecond: number; ratioToSlowerLimit: number };
}

export async function benchIngest(log: (line: string) => void): Promise<IngestBenchResult> {
  const database = await freshDatabase('bench');
  const configured = `onramp-bench-${randomBytes(3).toString('hex')}`;
  const prefix = await deliveryPrefix(database.db, configured);
  const home = await mkdtemp(join(tmpdir(), 'onramp-bench-'));
  const env = {
    DATABASE_URL: database.url, QUEUE_PREFIX: configured, INGEST_PORT: '0', INGEST_TOKEN: TOKEN, ADMIN_TOKEN: TOKEN,
    LOG_LEVEL: 'warn', ONRAMP_HOME: home,
  };
  const outbox = async () =>
    Number((await database.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  // Each scenario starts with the relay caught up, so none pays for the previous one's backlog.
  const drained = async () => {
    while ((await outbox()) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
  };
  const bare = await startProcess(['--import', 'tsx', 'bench/bare-server.ts'], {});
  // Ingest and the relay run as two processes, as they would in two containers, on the same two cores.
  const ingest = await startProcess(['bin/onramp.js', 'start', '--only', 'ingest'], env);
  const relay = () => startProcess(['bin/onramp.js', 'start', '--only', 'dispatcher'], env, /onramp started/);
  let dispatcher = await relay();
  try {
    log('ingest: warming up');
    await load(ingest.url, { connections: 20, batch: 1, seconds: 3 });
    await load(bare.url, { connections: 20, batch: 1, seconds: 2 });
    log('ingest: bare Fastify route (ceiling), single events');
    const bareSingle = await load(bare.url, { connections: 100, batch: 1 });
    log('ingest: bare Fastify route, batches of 100');
    const bareBatch100 = await load(bare.url, { connections: 20, batch: 100 });
    await drained();
    log('ingest: onramp, 1,000 single events/s offered (open loop), relay running');
    const paced = await openLoop(`${ingest.url}/events`, {
      ratePerSecond: 1000,
      seconds: SECONDS,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/cloudevents+json' },
      body: () => JSON.stringify(joiner(`paced-${counter++}`)),
    });
    const at1000PerSecond: LoadResult = { requestsPerSecond: Math.round(paced.ok / SECONDS), eventsPerSecond: Math.round(paced.ok / SECONDS), p50Ms: paced.p50Ms, p99Ms: paced.p99Ms, errors: paced.failed, non2xx: 0 };
    await drained();
    log('ingest: onramp, single events, 100 connections, relay running');
    const single = await load(ingest.url, { connections: 100, batch: 1 });
    await drained();
    log('ingest: onramp, batches of 100, relay running');
    const batch100 = await load(ingest.url, { connections: 20, batch: 100 });
    await drained();
    log('ingest: onramp, batches of 100, relay stopped (a burst the outbox absorbs)');
    await stop(dispatcher.child);
    const burst = await load(ingest.url, { connections: 20, batch: 100 });
    const backlog = await outbox();
    log(`relay: draining a backlog of ${backlog} events to three queues`);
    const drain = await timed(async () => {
      dispatcher = await relay();
      await drained();
    });
    // Replay: the whole log so far (topped up to at least 100,000 UserCreated events) to one consumer.
    const { count } = await database.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
    for (let have = Number(count); have < 100_000; have += 2000) {
      await appendEvents(database.db, Array.from({ length: 2000 }, (_, i) => joinerEvent(`top-${have + i}`)));
    }
    const events = Number((await database.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('type', '=', 'SCIM.UserCreated').executeTakeFirstOrThrow()).n);
    log(`replay: ${events} events — SELECT scan, addBulk, replay`);
    const scan = await timed(async () => {
      let after = 0;
      for (;;) {
        const rows = await database.db.selectFrom('events').select(['seq', 'type']).where('type', '=', 'SCIM.UserCreated').where('seq', '>', after).orderBy('seq').limit(2000).execute();
        if (rows.length === 0) return;
        after = Number(rows.at(-1)!.seq);
      }
    });
    const scratch = new Queue('addbulk-baseline', { prefix, connection: redisOptions(TEST_REDIS, 'producer') });
    const addBulk = await timed(async () => {
      for (let i = 0; i < events; i += 2000) {
        const n = Math.min(2000, events - i);
        await scratch.addBulk(Array.from({ length: n }, (_, j) => ({ name: 'SCIM.UserCreated', data: { seq: i + j + 1 }, opts: { jobId: `seq-${i + j + 1}-baseline`, attempts: 8, backoff: { type: 'exponential', delay: 1000, jitter: 0.5 }, removeOnComplete: { age: 86400, count: 50000 }, removeOnFail: { age: 1209600 } } })));
      }
    });
    await scratch.obliterate({ force: true });
    await scratch.close();
    const queues = openDeliveryQueues(TEST_REDIS, prefix);
    const replay = await timed(() => replayRange(database.db, { consumer: 'indexer' }));
    const perSecond = (ms: number) => Math.round(events / (ms / 1000));
    const limits = { selectScanPerSecond: perSecond(scan.ms), addBulkPerSecond: perSecond(addBulk.ms) };
    const replayPerSecond = perSecond(replay.ms);
    for (const queue of ['mailer', 'gitbook-sync', 'indexer'] as const) await queues.queue(queue).obliterate({ force: true });
    await queues.close();
    return {
      bare: bareSingle,
      single,
      batch100,
      bareBatch100,
      at1000PerSecond,
      burst: { batch100: burst, backlog, relayEventsPerSecond: Math.round(backlog / (drain.ms / 1000)) },
      replay: { events, replayPerSecond, ...limits, ratioToSlowerLimit: Math.round((replayPerSecond / Math.min(limits.selectScanPerSecond, limits.addBulkPerSecond)) * 100) / 100 },
    };
  } finally {
    await stop(dispatcher.child);
    await stop(ingest.child);
    await stop(bare.child);
    await database.drop();
  }
}
