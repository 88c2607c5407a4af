import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import t from 'tap';
import { CLOCK_TOLERANCE_SECONDS, createAuthenticator } from '@onramp/search-api';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
}

async function sign(key: CryptoKey, claims: Record<string, unknown>, kid = 'k1'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).setIssuedAt().setExpirationTime('5m').sign(key);
}

t.test('verifies IdP tokens against its JWKS and reads the groups claim', async (t) => {
  const idp = await generateKeyPair('RS256');
  const stranger = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(idp.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  let requests = 0;
  const server = createServer((request, response) => {
    requests++;
    if (request.url !== '/.well-known/jwks.json') return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  const jwksUrl = await listen(server);
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const authenticate = createAuthenticator({ mode: 'jwt', jwksUrl });

  t.same(await authenticate(`Bearer ${await sign(idp.privateKey, { sub: 'u1', groups: ['eng-readers', 'all-staff'] })}`), {
    subject: 'u1',
    groups: ['eng-readers', 'all-staff'],
  });
  t.same((await authenticate(`Bearer ${await sign(idp.privateKey, { sub: 'u2' })}`)).groups, [], 'no groups claim: profiles only');
  t.same((await authenticate(`Bearer ${await sign(idp.privateKey, { groups: 'one-group' })}`)).groups, ['one-group']);
  t.equal(requests, 1, 'the key set is fetched once and cached');
  await t.rejects(authenticate(`Bearer ${await sign(stranger.privateKey, { groups: ['x'] })}`), { code: 'unauthorized' }, 'another key');
  await t.rejects(authenticate(`Bearer ${await sign(stranger.privateKey, { groups: ['x'] }, 'unknown-kid')}`), { code: 'unauthorized' }, 'unknown key id');
  await t.rejects(authenticate(undefined), { code: 'unauthorized' });
  await t.rejects(authenticate('Basic dXNlcjpwYXNz'), { code: 'unauthorized' });
  const hs = await new SignJWT({ groups: ['x'] }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('guessable-secret-guessable-secret'));
  await t.rejects(authenticate(`Bearer ${hs}`), { code: 'unauthorized' }, 'an HMAC token is refused where the IdP signs with keys');
});

t.test('an unreachable JWKS is a 503-class error, not a 401', async (t) => {
  const server = createServer();
  const jwksUrl = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const idp = await generateKeyPair('RS256');
  const authenticate = createAuthenticator({ mode: 'jwt', jwksUrl });
  await t.rejects(authenticate(`Bearer ${await sign(idp.privateKey, { groups: [] })}`), { code: 'unavailable' });
});

t.test('authentication is off only when disabled explicitly, and needs a key source otherwise', async (t) => {
  t.same(await createAuthenticator({ mode: 'disabled' })(undefined), { subject: undefined, groups: 'all' });
  t.throws(() => createAuthenticator({ mode: 'jwt' }), { code: 'config_invalid', message: /SEARCH_JWKS_URL or SEARCH_JWT_SECRET/ });
});

const SECRET = new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes');
const hs256 = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();

t.test('a token without exp is refused: it would never expire', async (t) => {
  const authenticate = createAuthenticator({ mode: 'jwt', jwtSecret: 'a-shared-secret-of-at-least-32-bytes' });
  await t.rejects(authenticate(`Bearer ${await hs256({ groups: ['x'] }).sign(SECRET)}`), { code: 'unauthorized', message: /ERR_JWT_CLAIM_VALIDATION_FAILED/ });
  t.same((await authenticate(`Bearer ${await hs256({ groups: ['x'] }).setExpirationTime('5m').sign(SECRET)}`)).groups, ['x']);
});

t.test('expiry is honoured within the bounded clock skew, not beyond', async (t) => {
  const authenticate = createAuthenticator({ mode: 'jwt', jwtSecret: 'a-shared-secret-of-at-least-32-bytes' });
  const now = Math.floor(Date.now() / 1000);
  const expiredAgo = (seconds: number) => hs256({ groups: ['x'] }).setExpirationTime(now - seconds).sign(SECRET);
  t.ok(await authenticate(`Bearer ${await expiredAgo(CLOCK_TOLERANCE_SECONDS - 10)}`), 'inside the tolerance');
  await t.rejects(authenticate(`Bearer ${await expiredAgo(CLOCK_TOLERANCE_SECONDS + 10)}`), { code: 'unauthorized', message: /ERR_JWT_EXPIRED/ });
});

t.test('audience and issuer are checked when configured', async (t) => {
  const authenticate = createAuthenticator({ mode: 'jwt', jwtSecret: 'a-shared-secret-of-at-least-32-bytes', audience: 'onramp-search', issuer: 'https://idp.example.com/' });
  const token = (aud: string | undefined, iss: string | undefined) => {
    const jwt = hs256({ groups: ['x'] }).setExpirationTime('5m');
    if (aud !== undefined) jwt.setAudience(aud);
    if (iss !== undefined) jwt.setIssuer(iss);
    return jwt.sign(SECRET);
  };
  t.same((await authenticate(`Bearer ${await token('onramp-search', 'https://idp.example.com/')}`)).groups, ['x']);
  await t.rejects(authenticate(`Bearer ${await token('another-app', 'https://idp.example.com/')}`), { code: 'unauthorized' }, 'a token meant for another application');
  await t.rejects(authenticate(`Bearer ${await token('onramp-search', 'https://evil.example.com/')}`), { code: 'unauthorized' }, 'a token from another issuer');
  await t.rejects(authenticate(`Bearer ${await token(undefined, 'https://idp.example.com/')}`), { code: 'unauthorized' }, 'no audience');
  await t.rejects(authenticate(`Bearer ${await token('onramp-search', undefined)}`), { code: 'unauthorized' }, 'no issuer');
});
