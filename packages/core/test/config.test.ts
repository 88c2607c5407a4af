import t from 'tap';
import { ConfigError, loadConfig } from '@onramp/core';

t.test('defaults give a working local setup', async (t) => {
  const config = loadConfig({});
  t.equal(config.databaseUrl, 'mysql://root@127.0.0.1:3306/onramp');
  t.equal(config.redisUrl, 'redis://127.0.0.1:6379');
  t.equal(config.ingest.port, 8080);
  t.equal(config.search.port, 8081);
  t.equal(config.ingest.maxBodyBytes, 1024 * 1024);
  t.equal(config.search.backend, 'embedded');
  t.equal(config.search.auth, 'jwt');
  t.equal(config.mail.from, 'Onboarding <onboarding@example.com>');
});

t.test('a bad value stops start-up with the variable named and what is expected', async (t) => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (error) {
      t.type(error, ConfigError);
      return (error as ConfigError).problems;
    }
    return [];
  };
  t.match(problems({ INGEST_PORT: 'eighty' }), [/INGEST_PORT must be an integer from 0 to 65535, got "eighty"/]);
  t.match(problems({ DATABASE_URL: 'postgres://x' }), [/DATABASE_URL must be a URL \(mysql: or mariadb:\)/]);
  t.match(problems({ SEARCH_BACKEND: 'solr' }), [/SEARCH_BACKEND must be one of embedded, opensearch/]);
  t.match(problems({ SEARCH_BACKEND: 'opensearch' }), [/OPENSEARCH_URL is required when SEARCH_BACKEND=opensearch/]);
  t.match(problems({ NODE_ENV: 'production' }), [/INGEST_TOKEN is required/, /ADMIN_TOKEN is required/]);
  t.match(problems({ INGEST_TOKEN: 'short' }), [/INGEST_TOKEN must be at least 16 characters/]);
  t.match(problems({ INGEST_PORT: 'x', REDIS_URL: 'http://r' }).length, 2, 'every problem at once');
});

t.test('a password in a URL is not echoed back', async (t) => {
  try {
    loadConfig({ DATABASE_URL: 'postgres://admin:hunter2@db/x' });
    t.fail('should throw');
  } catch (error) {
    t.notMatch((error as Error).message, /hunter2/);
  }
});
