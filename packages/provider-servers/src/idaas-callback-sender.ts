// A local IDaaS stand-in for the event callback ("shortcut mode"): it holds RS256 signing keys, serves
// their public half at a key endpoint (a JWKS, as IDaaS's "Public Key Endpoint"), and posts callbacks
// shaped as the IDaaS developer reference and IDaaS's push SDK (aliyunidaas/java-push-sdk) show them:
// body {"event": "<JWT>"}, header {kid, typ: JWT, alg: RS256}, claims iss urn:alibaba:idaas:app:event,
// sub, aud (the application id), exp, iat, jti, dataEncrypted and plainData, or cipherData: the same
// data as a JWE (alg dir, enc A256GCM) under the 32-byte key given as 64 hex characters.
import { randomBytes, randomUUID } from 'node:crypto';
import { CompactEncrypt, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { listen, send } from './http-helpers.js';

export interface IdaasEventInput {
  eventType: string;
  bizData: Record<string, unknown>;
  eventId?: string;
  eventTime?: number;
  bizId?: string;
}

export interface CallbackTokenOptions {
  /** Encrypt the data under this key (64 hex characters). */
  encryptionKey?: string;
  jti?: string;
  /** Seconds since the epoch. */
  iat?: number;
  exp?: number;
  audience?: string;
  issuer?: string;
  /** Sign with a key the endpoint does not publish. */
  foreignKey?: boolean;
  /** Replace the claims entirely (malformed payloads). */
  claims?: Record<string, unknown>;
}

export interface IdaasStandIn {
  /** The key endpoint's URL (JWKS). */
  jwksUrl: string;
  jwks(): { keys: JWK[] };
  applicationId: string;
  instanceId: string;
  /** A new signing key with a new kid, published at once; the old one stays published. */
  rotateKey(): Promise<string>;
  token(events: IdaasEventInput[], options?: CallbackTokenOptions): Promise<string>;
  /** Posts a callback to `url` as IDaaS does; answers status and parsed body. */
  send(url: string, events: IdaasEventInput[], options?: CallbackTokenOptions): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Times the key endpoint was fetched. */
  jwksFetches(): number;
  close(): Promise<void>;
}

interface SigningKey { kid: string; privateKey: CryptoKey; publicJwk: JWK }

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `KEY${randomBytes(16).toString('hex')}`;
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** An IDaaS account (UserInfo in the push SDK) for person `n`, in organizational unit `ou`. */
export function idaasUser(n: number | string, ou: { id: string; name: string } | null = { id: 'ou_rd', name: 'R&D / Search' }, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    userId: `user_${n}`,
    username: `hire${n}`,
    userExternalId: `user_${n}`,
    displayName: `Hire${n} Example`,
    email: `hire${n}@example.com`,
    emailVerified: true,
    phoneNumber: '13800000000',
    phoneRegion: '86',
    status: 'enabled',
    userSourceType: 'build_in',
    userSourceId: 'idaas',
    createTime: Date.now(),
    updateTime: Date.now(),
    ...(ou === null ? {} : { primaryOrganizationalUnitId: ou.id, userOrganizationalUnits: [{ organizationalUnitId: ou.id, organizationalUnitName: ou.name, primary: true }] }),
    ...extra,
  };
}

export async function startIdaasStandIn(options: { applicationId?: string; instanceId?: string } = {}): Promise<IdaasStandIn> {
  const applicationId = options.applicationId ?? `app_${randomBytes(8).toString('hex')}`;
  const instanceId = options.instanceId ?? `idaas-${randomBytes(6).toString('hex')}`;
  const keys: SigningKey[] = [await newKey()];
  const foreign = await newKey();
  let fetches = 0;
  const jwks = () => ({ keys: keys.map((k) => k.publicJwk) });
  const server = await listen(async (req, res) => {
    if (req.method === 'GET' && req.url === '/jwks') {
      fetches += 1;
      return send(res, 200, jwks(), { 'content-type': 'application/json' });
    }
    send(res, 404, { error: 'not_found' }, { 'content-type': 'application/json' });
  });

  const token = async (events: IdaasEventInput[], opts: CallbackTokenOptions = {}) => {
    const eventData = events.map((e) => ({
      eventId: e.eventId ?? `evt_${randomUUID()}`,
      eventType: e.eventType,
      eventTime: e.eventTime ?? Date.now(),
      bizId: e.bizId ?? (typeof e.bizData.userId === 'string' ? e.bizData.userId : undefined),
      // The SDK reads bizData and eventData as JSON text inside the JSON.
      bizData: JSON.stringify(e.bizData),
    }));
    const plain = { aliUid: 1234567890, instanceId, eventVersion: 'V1.0', eventData: JSON.stringify(eventData) };
    const now = Math.floor(Date.now() / 1000);
    let data: Record<string, unknown> = { dataEncrypted: false, plainData: plain };
    if (opts.encryptionKey !== undefined) {
      const cipherData = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(plain)))
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
        .encrypt(Buffer.from(opts.encryptionKey, 'hex'));
      data = { dataEncrypted: true, cipherData };
    }
    const key = opts.foreignKey === true ? foreign : keys.at(-1)!;
    return new SignJWT(opts.claims ?? { ...data, sub: instanceId })
      .setProtectedHeader({ kid: key.kid, typ: 'JWT', alg: 'RS256' })
      .setIssuer(opts.issuer ?? 'urn:alibaba:idaas:app:event')
      .setAudience(opts.audience ?? applicationId)
      .setIssuedAt(opts.iat ?? now)
      .setExpirationTime(opts.exp ?? (opts.iat ?? now) + 60)
      .setJti(opts.jti ?? randomBytes(16).toString('base64url'))
      .sign(key.privateKey);
  };

  return {
    jwksUrl: `${server.url}/jwks`,
    jwks,
    applicationId,
    instanceId,
    async rotateKey() {
      const key = await newKey();
      keys.push(key);
      return key.kid;
    },
    token,
    async send(url, events, opts) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json;charset=utf-8' },
        body: JSON.stringify({ event: await token(events, opts) }),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
    },
    jwksFetches: () => fetches,
    close: () => server.close(),
  };
}
