import { resolve } from 'node:path';
import t from 'tap';
import { loadConfig } from '@onramp/core';

t.test('DOCS_ROOTS defaults to $ONRAMP_HOME/docs and the current folder', async (t) => {
  t.same(loadConfig({ ONRAMP_HOME: '/var/lib/onramp' }).docsRoots, { paths: ['/var/lib/onramp/docs', process.cwd()], buckets: [] });
  t.same(loadConfig({}).docsRoots.paths[0], resolve('.onramp', 'docs'), 'a relative home is resolved');
});

t.test('DOCS_ROOTS takes absolute folders and oss:// buckets, comma-separated', async (t) => {
  t.same(loadConfig({ DOCS_ROOTS: '/srv/docs, oss://KB-Docs/ ,/srv/wiki/../kb' }).docsRoots, { paths: ['/srv/docs', '/srv/kb'], buckets: ['kb-docs'] });
});

t.test('DOCS_ROOTS refuses relative paths, the file system root and kernel file systems', async (t) => {
  for (const [value, message] of [
    ['docs', /DOCS_ROOTS entries must be absolute paths or oss:\/\/bucket, got "docs"/],
    ['/', /DOCS_ROOTS must not include \/ or \/proc, \/sys, \/dev, got "\/"/],
    ['/srv/docs,/proc/self', /got "\/proc\/self"/],
    ['/sys', /got "\/sys"/],
    ['/tmp/../dev', /got "\/tmp\/..\/dev"/],
    ['oss://', /must be absolute paths or oss:\/\/bucket/],
  ] as const) {
    t.throws(() => loadConfig({ DOCS_ROOTS: value }), { code: 'config_invalid', message }, value);
  }
});
