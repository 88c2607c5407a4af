// Progress bars on a terminal from the first item on, with the whole total: replay (which showed none
// for 8,000 events and started at 50 % for 20,000) and docs add (which showed nothing for 1,400 files).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { appendEvents } from '@onramp/core';
import { TEST_REDIS, freshDatabase, joinerEvent } from '@onramp/core/testing';
import { main, registerModules, type Io } from '@onramp/cli';

/** A terminal's worth of Io whose bar frames are kept (the text of each redraw, escapes removed). */
function terminal(): Io & { frames: () => string[]; lines: string[] } {
  const stream = new PassThrough();
  let drawn = '';
  stream.on('data', (chunk: Buffer) => (drawn += chunk.toString()));
  const lines: string[] = [];
  return {
    lines,
    out: (line) => lines.push(line),
    err: (line) => lines.push(line),
    isTty: true,
    progressStream: stream,
    // eslint-disable-next-line no-control-regex -- the bar's cursor escapes are what is stripped here
    frames: () => drawn.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '\n').split(/[\r\n]+/).map((f) => f.trim()).filter(Boolean),
  };
}

t.test('replay of 8,000 events: the bar shows from 0/8000 on, never another total', async (t) => {
  const database = await freshDatabase('progress');
  t.teardown(database.drop);
  await registerModules(database.db);
  const events = Array.from({ length: 8000 }, (_, i) => joinerEvent(`bar-${i}`));
  for (let i = 0; i < events.length; i += 1000) await appendEvents(database.db, events.slice(i, i + 1000));
  Object.assign(process.env, { DATABASE_URL: database.url, REDIS_URL: TEST_REDIS, LOG_LEVEL: 'silent' });
  const io = terminal();
  t.equal(await main(['replay', '--consumer', 'mailer'], io), 0);
  const frames = io.frames().filter((f) => /\d+\/\d+/.test(f));
  t.ok(frames.length >= 2, `${frames.length} frames`);
  t.match(frames[0], /^scheduling .* 0\/8000$/, 'the first frame is the start, with the whole total');
  t.ok(frames.every((f) => f.endsWith('/8000')), 'one total throughout');
  t.match(frames.at(-1), /8000\/8000$/);
  t.match(io.lines.join('\n'), /scheduled 8000 of 8000 event\(s\) for mailer/);
});

t.test('docs add of 150 files: a bar from the first file, to the last', async (t) => {
  const database = await freshDatabase('docsbar');
  t.teardown(database.drop);
  const home = await mkdtemp(join(tmpdir(), 'onramp-docsbar-'));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  const folder = join(home, 'docs', 'handbook');
  await mkdir(folder, { recursive: true });
  for (let i = 0; i < 150; i++) await writeFile(join(folder, `page-${String(i).padStart(3, '0')}.md`), `# Page ${i}\n\nText ${i}.\n`);
  Object.assign(process.env, { DATABASE_URL: database.url, REDIS_URL: TEST_REDIS, LOG_LEVEL: 'silent', ONRAMP_HOME: home, DOCS_ROOTS: join(home, 'docs') });
  t.teardown(() => {
    delete process.env.ONRAMP_HOME;
    delete process.env.DOCS_ROOTS;
  });
  const io = terminal();
  t.equal(await main(['docs', 'add', folder, '--acl', 'everyone'], io), 0);
  const frames = io.frames().filter((f) => /\d+\/\d+/.test(f));
  t.match(frames[0], /^publishing .* 0\/150$/);
  t.match(frames.at(-1), /150\/150$/);
  t.match(io.lines.join('\n'), /150 document\(s\) published/);
});

t.test('no terminal, no bar', async (t) => {
  const database = await freshDatabase('nobar');
  t.teardown(database.drop);
  await registerModules(database.db);
  await appendEvents(database.db, [joinerEvent('quiet')]);
  Object.assign(process.env, { DATABASE_URL: database.url, REDIS_URL: TEST_REDIS, LOG_LEVEL: 'silent' });
  const io = { ...terminal(), isTty: false };
  t.equal(await main(['replay', '--consumer', 'mailer'], io), 0);
  t.same(io.frames(), []);
});
