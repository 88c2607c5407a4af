import t from 'tap';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '@onramp/core';

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
  t.match(problems({ NODE_ENV: 'production', MAIL_MODE: 'capture', GITBOOK_MODE: 'dry-run', SEARCH_AUTH: 'disabled' }), [/INGEST_TOKEN is required/, /ADMIN_TOKEN is required/]);
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

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems;
  }
};

// What a production deployment that really sends, syncs and authenticates sets.
const PRODUCTION = {
  NODE_ENV: 'production',
  INGEST_TOKEN: 'ingest-token-0123456789',
  ADMIN_TOKEN: 'admin-token-0123456789',
  RESEND_API_KEY: 're_live_key',
  GITBOOK_SCIM_URL: 'https://app.gitbook.com/scim/v2',
  GITBOOK_SCIM_TOKEN: 'gitbook-token',
  SEARCH_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json',
  SEARCH_JWT_AUDIENCE: 'onramp-search',
  SEARCH_JWT_ISSUER: 'https://idp.example.com/',
};
const without = (env: Record<string, string>, ...names: string[]) =>
  Object.fromEntries(Object.entries(env).filter(([name]) => !names.includes(name)));

t.test('outside production, no keys means mail capture and a GitBook dry run, as before', async (t) => {
  const config = loadConfig({});
  t.equal(config.mail.mode, 'capture');
  t.equal(config.gitbook.mode, 'dry-run');
  const real = loadConfig({ RESEND_API_KEY: 're_key', GITBOOK_SCIM_URL: 'https://scim.example.com/v2', GITBOOK_SCIM_TOKEN: 'tok' });
  t.equal(real.mail.mode, 'send');
  t.equal(real.gitbook.mode, 'sync');
  t.equal(loadConfig({ RESEND_API_KEY: 're_key', MAIL_MODE: 'capture' }).mail.mode, 'capture', 'capture asked for by name wins over a key');
});

t.test('production is real unless a stand-in is asked for by name', async (t) => {
  const config = loadConfig(PRODUCTION);
  t.equal(config.mail.mode, 'send');
  t.equal(config.gitbook.mode, 'sync');
  t.match(problemsOf(without(PRODUCTION, 'RESEND_API_KEY')), [/^RESEND_API_KEY is required when NODE_ENV=production, unless MAIL_MODE=capture is set$/]);
  t.equal(loadConfig({ ...without(PRODUCTION, 'RESEND_API_KEY'), MAIL_MODE: 'capture' }).mail.mode, 'capture');
  t.match(problemsOf(without(PRODUCTION, 'GITBOOK_SCIM_URL', 'GITBOOK_SCIM_TOKEN')), [
    /^GITBOOK_SCIM_URL is required when NODE_ENV=production, unless GITBOOK_MODE=dry-run is set$/,
    /^GITBOOK_SCIM_TOKEN is required when NODE_ENV=production, unless GITBOOK_MODE=dry-run is set$/,
  ]);
  t.match(problemsOf(without(PRODUCTION, 'GITBOOK_SCIM_TOKEN')), [/^GITBOOK_SCIM_TOKEN is required when GITBOOK_SCIM_URL is set$/]);
  t.equal(loadConfig({ ...without(PRODUCTION, 'GITBOOK_SCIM_URL', 'GITBOOK_SCIM_TOKEN'), GITBOOK_MODE: 'dry-run' }).gitbook.mode, 'dry-run');
});

t.test('MAIL_MODE=send without a key, or GITBOOK_MODE=sync without a URL, is an error in any environment', async (t) => {
  t.match(problemsOf({ MAIL_MODE: 'send' }), [/^RESEND_API_KEY is required when MAIL_MODE=send$/]);
  t.match(problemsOf({ GITBOOK_MODE: 'sync' }), [/^GITBOOK_SCIM_URL is required when GITBOOK_MODE=sync$/, /^GITBOOK_SCIM_TOKEN is required when GITBOOK_MODE=sync$/]);
  t.match(problemsOf({ MAIL_MODE: 'smtp', GITBOOK_MODE: 'dry' }), [/GITBOOK_MODE must be one of sync, dry-run/, /MAIL_MODE must be one of send, capture/]);
});

t.test('search JWTs: audience and issuer required in production, HS256 secrets of at least 32 bytes', async (t) => {
  t.match(problemsOf(without(PRODUCTION, 'SEARCH_JWT_AUDIENCE', 'SEARCH_JWT_ISSUER')), [
    /^SEARCH_JWT_AUDIENCE is required when NODE_ENV=production$/,
    /^SEARCH_JWT_ISSUER is required when NODE_ENV=production$/,
  ]);
  t.same(problemsOf({ ...without(PRODUCTION, 'SEARCH_JWT_AUDIENCE', 'SEARCH_JWT_ISSUER'), SEARCH_AUTH: 'disabled' }), [], 'no JWTs, nothing to check them against');
  const config = loadConfig({ SEARCH_JWT_AUDIENCE: 'onramp-search', SEARCH_JWT_ISSUER: 'https://idp.example.com/' });
  t.match(config.search, { jwtAudience: 'onramp-search', jwtIssuer: 'https://idp.example.com/' }, 'checked when set, outside production too');
  t.match(problemsOf({ SEARCH_JWT_SECRET: 'a' }), [/^SEARCH_JWT_SECRET must be at least 32 bytes$/]);
  t.match(problemsOf({ SEARCH_JWT_SECRET: 'x'.repeat(31) }), [/SEARCH_JWT_SECRET must be at least 32 bytes/]);
  t.equal(loadConfig({ SEARCH_JWT_SECRET: 'x'.repeat(32) }).search.jwtSecret, 'x'.repeat(32));
  t.notMatch(problemsOf({ SEARCH_JWT_SECRET: 'short-secret' }).join('\n'), /short-secret/, 'the secret is not echoed');
});

t.test('every variable the config reads is listed in CONFIG_VARIABLES', async (t) => {
  for (const name of ['MAIL_MODE', 'GITBOOK_MODE', 'SEARCH_JWT_AUDIENCE', 'SEARCH_JWT_ISSUER']) t.ok(CONFIG_VARIABLES.includes(name as never), name);
});

t.test('SCIM_SERVER_TOKEN: the SCIM endpoint is off without it; 16 characters at least, 32 in production', async (t) => {
  t.equal(loadConfig({}).scimServer.token, undefined, 'off by default, in production too');
  t.equal(loadConfig(PRODUCTION).scimServer.token, undefined);
  t.equal(loadConfig({ SCIM_SERVER_TOKEN: 'x'.repeat(16) }).scimServer.token, 'x'.repeat(16));
  t.match(problemsOf({ SCIM_SERVER_TOKEN: 'short' }), [/^SCIM_SERVER_TOKEN must be at least 16 characters$/]);
  t.match(problemsOf({ ...PRODUCTION, SCIM_SERVER_TOKEN: 'x'.repeat(31) }), [/^SCIM_SERVER_TOKEN must be at least 32 characters when NODE_ENV=production$/]);
  t.equal(loadConfig({ ...PRODUCTION, SCIM_SERVER_TOKEN: 'x'.repeat(32) }).scimServer.token, 'x'.repeat(32));
  t.ok(CONFIG_VARIABLES.includes('SCIM_SERVER_TOKEN'));
});
