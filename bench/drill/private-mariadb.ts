// A MariaDB of the drill's own, in a folder of its own, so that it can be killed and restarted without
// touching the machine's database. Killing is SIGKILL (a crash: InnoDB recovers at the next start).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { freePort, sleep } from './free-port.js';

export interface PrivateMariaDb {
  /** mysql://root@127.0.0.1:PORT (add /database). */
  url: string;
  /** Crashes the server (SIGKILL); its data stays. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Shuts it down cleanly (the end of the drill). */
  stop(): Promise<void>;
  pid(): number | undefined;
}

export async function startPrivateMariaDb(folder: string): Promise<PrivateMariaDb> {
  const datadir = join(folder, 'data');
  await mkdir(datadir, { recursive: true });
  // As root, mariadbd needs --user=root; `normal` gives root a plain (password-less) login over TCP.
  const installed = spawnSync(
    'mariadb-install-db',
    ['--no-defaults', `--datadir=${datadir}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'],
    { encoding: 'utf8' },
  );
  if (installed.status !== 0) throw new Error(`mariadb-install-db failed: ${installed.stderr || installed.stdout}`);
  const port = await freePort();
  const url = `mysql://root@127.0.0.1:${port}`;
  const errorLog = openSync(join(folder, 'mariadbd.log'), 'a');
  let child: ChildProcess | undefined;

  const start = async () => {
    child = spawn(
      'mariadbd',
      [
        '--no-defaults', `--datadir=${datadir}`, `--port=${port}`, '--bind-address=127.0.0.1',
        `--socket=${join(folder, 'mariadbd.sock')}`, `--pid-file=${join(folder, 'mariadbd.pid')}`, '--user=root',
        '--skip-log-bin', '--innodb-buffer-pool-size=256M', '--max-connections=500',
      ],
      { stdio: ['ignore', errorLog, errorLog] },
    );
    const running = child;
    for (let i = 0; i < 600; i++) {
      if (running.exitCode !== null) throw new Error(`mariadbd exited with ${running.exitCode}; see ${join(folder, 'mariadbd.log')}`);
      try {
        const connection = await createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 1000 });
        await connection.ping();
        await connection.end();
        return;
      } catch {
        await sleep(100);
      }
    }
    throw new Error('the private mariadbd did not start within 60 s');
  };
  const signal = async (name: NodeJS.Signals) => {
    const running = child;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise((resolve) => {
      running.once('exit', resolve);
      running.kill(name);
    });
  };
  await start();
  return { url, start, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM'), pid: () => child?.pid };
}
