// Test support shared by every workspace's tests: a database and a queue prefix of their own, so that
// test files can run side by side against the one MariaDB and Redis of the machine.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';
import { migrateDatabase, type Db } from './log/database.js';
import { toStructured, type CloudEvent } from './events/cloud-event.js';
import { SCIM_ENTERPRISE_USER, SCIM_USER } from './events/schemas.js';
import type { Logger } from './logger.js';
import { DELIVERY_OPTIONS } from './queue/consumers.js';
import { openDeliveryQueues } from './queue/delivery-queues.js';
import { startDispatcher } from './queue/dispatcher.js';
import { registerSubscriptions } from './queue/subscriptions.js';

export const TEST_MYSQL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
export const TEST_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestDatabase {
  db: Db;
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A database name no other test uses, not created yet (for tests of `onramp migrate`); drop() removes it if made. */
export function unmigratedDatabase(label = 't'): { url: string; name: string; drop(): Promise<void> } {
  const name = `onramp_test_${label.replace(/\W/g, '').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  return {
    url: `${TEST_MYSQL}/${name}`,
    name,
    async drop() {
      const connection = await createConnection(TEST_MYSQL);
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await connection.end();
    },
  };
}

/** A new, migrated database `onramp_test_<random>`; drop() destroys the pool and the database. */
export async function freshDatabase(label = 't'): Promise<TestDatabase> {
  const database = unmigratedDatabase(label);
  const { db } = await migrateDatabase(database.url);
  return {
    db,
    url: database.url,
    name: database.name,
    async drop() {
      await db.destroy();
      await database.drop();
    },
  };
}

/** A BullMQ prefix no other test uses. */
export function freshPrefix(label = 't'): string {
  return `onramp-test-${label}-${randomBytes(4).toString('hex')}`;
}

export interface PrivateRedis {
  url: string;
  port: number;
  /** Kills the server (SIGKILL: nothing is saved, as in a crash). */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
}

/** A loopback TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

/** Waits until the redis-server on `port` answers PING; fails when `child` exits first or after `tries` × 50 ms. */
export async function untilRedisAnswers(port: number, child: ChildProcess, tries = 100): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => undefined); // refused (or LOADING) while the server starts: retried below
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return;
    } catch {
      probe.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`redis-server on port ${port} did not answer within ${tries * 50} ms`);
}

/** A redis-server of the test's own on a free port, for tests that stop Redis for real. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await untilRedisAnswers(port, child);
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, kill: () => killNow(child), restart: start };
}

/** SIGKILL (as in a crash), resolved once the process has ended; a process that already ended is left alone. */
export async function killNow(child: ChildProcess | undefined): Promise<void> {
  // A process ended by a signal has signalCode set and exitCode null: it has ended all the same.
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGKILL');
  });
}

/** Polls `probe` until it returns something other than undefined/false; fails after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000, what = 'the condition'): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A SCIM.UserCreated as IDaaS sends it through EventBridge, for person `n` (department null: none). */
export function joinerEvent(n: number | string, department: string | null = 'R&D / Search'): CloudEvent {
  const email = `hire${n}@example.com`;
  return {
    specversion: '1.0',
    id: `joiner-${n}`,
    source: 'com.aliyun.idaas',
    type: 'SCIM.UserCreated',
    subject: `user/${n}`,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data: {
      schemas: [SCIM_USER, SCIM_ENTERPRISE_USER],
      id: `idaas-${n}`,
      userName: email,
      name: { givenName: `Hire${n}`, familyName: 'Example' },
      emails: [{ value: email, type: 'work', primary: true }],
      active: true,
      ...(department === null ? {} : { [SCIM_ENTERPRISE_USER]: { department } }),
    },
    extensions: { aliyunregionid: 'cn-hangzhou' },
  };
}

/** joinerEvent(n) as the structured CloudEvents JSON that EventBridge posts to ingest. */
export function eventBridgeJoiner(n: number | string, department: string | null = 'R&D / Search'): Record<string, unknown> {
  const event = joinerEvent(n, department);
  return toStructured({ ...event, extensions: { ...event.extensions, aliyunaccountid: '1234567890', aliyuneventbusname: 'default' } });
}

/** The three consumers onramp ships and what they take, for tests that run no consumer module. */
export const TEST_SUBSCRIPTIONS: Record<string, string[]> = {
  mailer: ['SCIM.UserCreated'],
  'gitbook-sync': ['SCIM.UserCreated', 'SCIM.UserUpdated', 'SCIM.UserDeactivated', 'SCIM.UserDeleted'],
  indexer: ['SCIM.UserCreated', 'SCIM.UserUpdated', 'SCIM.UserDeactivated', 'SCIM.UserDeleted', 'Document.Published'],
};

/** Registers the shipped consumers' subscriptions, so that they take every event appended from now on. */
export async function registerTestConsumers(db: Db, consumers: Record<string, string[]> = TEST_SUBSCRIPTIONS): Promise<void> {
  for (const [consumer, types] of Object.entries(consumers)) await registerSubscriptions(db, consumer, types);
}

/** Job options with short back-offs, so that retries happen within a test. */
export const TEST_JOB_OPTIONS = { ...DELIVERY_OPTIONS, backoff: { type: 'fixed', delay: 200 } };

/**
 * The dispatcher and delivery queues of a test. The shipped consumers are registered first, so that
 * events the test appends before its consumers start are theirs.
 */
export async function startTestDelivery(db: Db, redisUrl: string, prefix: string, logger: Logger) {
  await registerTestConsumers(db);
  const queues = openDeliveryQueues(redisUrl, prefix);
  const jobOptions = TEST_JOB_OPTIONS;
  const dispatcher = startDispatcher(db, queues, logger, { pollMs: 50, jobOptions, restoreEveryMs: 500, restoreGraceMs: 1000 });
  return {
    queues,
    dispatcher,
    async close() {
      await dispatcher.close();
      await queues.close();
    },
  };
}

export interface OutageProxy {
  /** A DATABASE_URL that reaches the database through the proxy. */
  url: string;
  /** Drops every connection and refuses new ones, as a database that went down does. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of the test MariaDB, to take "the database" down and up again without touching
 * the server other tests share. `databaseUrl` is the database's URL as the tests know it.
 */
export async function startOutageProxy(databaseUrl: string): Promise<OutageProxy> {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 3306), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => socket.destroy());
        }
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  const down = async () => {
    const closing = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (closing !== undefined) await new Promise((resolve) => closing.close(resolve));
  };
  await listen();
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return { url: url.href, down, up: () => (server === undefined ? listen() : Promise.resolve()), close: down };
}
