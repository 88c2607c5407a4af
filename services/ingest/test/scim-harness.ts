// A SCIM endpoint on a fresh database for a test, and raw HTTP against it: the requests are the literal
// bodies of RFC 7644, Entra ID's and Okta's documents, sent as bytes, not through the server's code.
import type { Test } from 'tap';
import { Registry } from 'prom-client';
import { appendEvents, readEvents, silentLogger, type StoredEvent } from '@onramp/core';
import { freshDatabase, type TestDatabase } from '@onramp/core/testing';
import { buildIngestApp } from '@onramp/ingest';

export const SCIM_TOKEN = 'scim-server-token-0123456789abcdef';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export interface Answer {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or undefined when there is none. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- a test reads whatever the server answered
  text: string;
}

export interface ScimEndpoint {
  base: string;
  database: TestDatabase;
  appended: () => number;
  events(): Promise<StoredEvent[]>;
  request(method: string, path: string, body?: string | object, headers?: Record<string, string>): Promise<Answer>;
}

export async function scimEndpoint(t: Test, options: { token?: string | undefined; maxBodyBytes?: number } = {}): Promise<ScimEndpoint> {
  const database = await freshDatabase('scim');
  let appended = 0;
  const app = buildIngestApp({
    db: database.db,
    append: (events) => appendEvents(database.db, events),
    tokens: { ingest: 'ingest-token-0123456789', admin: 'admin-token-0123456789' },
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    logger: silentLogger,
    registry: new Registry(),
    checks: {},
    docsRoots: { paths: [], buckets: [] },
    onAppended: () => appended++,
    scimServerToken: 'token' in options ? options.token : SCIM_TOKEN,
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  t.teardown(async () => {
    await app.close();
    await database.drop();
  });
  const base = `${url}/scim/v2`;
  return {
    base,
    database,
    appended: () => appended,
    events: () => readEvents(database.db, { limit: 1000 }),
    async request(method, path, body, headers = {}) {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${SCIM_TOKEN}`,
          accept: 'application/scim+json',
          ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: response.status, headers: response.headers, body: parsed, text };
    },
  };
}

/** A SCIM error as RFC 7644 §3.12 shapes it. */
export function isScimError(t: Test, answer: Answer, status: number, scimType?: string): void {
  t.equal(answer.status, status, `status ${status}: ${answer.text.slice(0, 300)}`);
  t.match(answer.headers.get('content-type'), /^application\/scim\+json/);
  t.same(answer.body?.schemas, [ERROR_SCHEMA]);
  t.equal(answer.body?.status, String(status), 'status is a string');
  if (scimType !== undefined) t.equal(answer.body?.scimType, scimType);
  t.type(answer.body?.detail, 'string');
}
