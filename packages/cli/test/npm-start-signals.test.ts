// `npm start` passes a stop signal on: its script ends in `exec node bin/onramp.js start`, so the shell
// npm runs becomes onramp itself and SIGTERM to npm reaches it; the ports are free again right after.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { TEST_REDIS, unmigratedDatabase, waitFor } from '@onramp/core/testing';
import { REPO_ROOT, cleanEnv, freePort, killGroup, portIsFree, spawnCommand } from './helpers/onramp-process.js';

t.test('SIGTERM to npm start stops onramp and frees the ingest and search-api ports', async (t) => {
  const database = unmigratedDatabase('npmstart');
  const home = await mkdtemp(join(tmpdir(), 'onramp-npmstart-'));
  const [ingestPort, searchPort] = [await freePort(), await freePort()];
  const npm = spawnCommand('npm', ['start'], cleanEnv({
    DATABASE_URL: database.url, REDIS_URL: TEST_REDIS, ONRAMP_HOME: home,
    INGEST_PORT: String(ingestPort), SEARCH_PORT: String(searchPort), LOG_LEVEL: 'warn',
  }), REPO_ROOT, true);
  t.teardown(async () => {
    killGroup(npm);
    await database.drop();
    await rm(home, { recursive: true, force: true });
  });
  await waitFor(() => npm.stdout().includes('onramp started') || npm.child.exitCode !== null, 90_000, 'npm start to start');
  t.match(npm.stdout(), `ingest listening on http://127.0.0.1:${ingestPort}`);
  t.notOk(await portIsFree(ingestPort), 'ingest holds its port');
  t.notOk(await portIsFree(searchPort), 'search-api holds its port');
  npm.child.kill('SIGTERM');
  // Without `exec`, npm waits for a child that never got the signal: this wait is where that fails.
  const finished = await Promise.race([npm.exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('npm start did not end within 15 s of SIGTERM')), 15_000))]);
  t.equal(finished.signal ?? finished.code, finished.signal === null ? 0 : 'SIGTERM', 'npm ended');
  await waitFor(async () => (await portIsFree(ingestPort)) && (await portIsFree(searchPort)), 5000, 'both ports to be free');
  t.pass('8080/8081 (here: their stand-ins) are free');
});
