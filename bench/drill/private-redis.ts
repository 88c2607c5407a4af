// A redis-server of the drill's own. It keeps an append-only file fsynced on every write, so that a
// Redis that was down comes back with what it had; `restartEmpty` throws that away, as a failover to an
// empty replica or a new instance does.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, killNow, untilRedisAnswers } from '@onramp/core/testing';

export interface PrivateRedis {
  url: string;
  /** SIGKILL: connections drop at once; the data on disk stays. */
  kill(): Promise<void>;
  /** Starts it again with its data. */
  start(): Promise<void>;
  /** Kills it, deletes its data, starts it empty. */
  restartEmpty(): Promise<void>;
  pid(): number | undefined;
}

export async function startPrivateRedis(folder: string): Promise<PrivateRedis> {
  await mkdir(folder, { recursive: true });
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', folder, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--logfile', join(folder, 'redis.log')],
      { stdio: 'ignore' },
    );
    await untilRedisAnswers(port, child, 300);
  };
  const kill = () => killNow(child);
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    kill,
    start,
    async restartEmpty() {
      await kill();
      await rm(join(folder, 'appendonlydir'), { recursive: true, force: true });
      await rm(join(folder, 'dump.rdb'), { force: true });
      await start();
    },
    pid: () => child?.pid,
  };
}
