// A local IDaaS for the HR → IDaaS loop: its inbound SCIM endpoint (what "Synchronize Application to
// IDaaS" gives a SCIM client: a base URL and a bearer token) is the local SCIM server, and every account
// written through it is announced to the application's event callback URL as IDaaS announces address-book
// changes (ud:user:create, update_info, enable, disable, delete), signed by the callback stand-in. As
// IDaaS, it retries an announcement that is not answered 200, up to five times.
import { startIdaasStandIn, type IdaasStandIn } from './idaas-callback-sender.js';
import { startScimServer, type ScimServer } from './scim-server.js';

type Json = Record<string, unknown>;

const EVENT = 'urn:alibaba:idaas:app:event:ud:user';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export interface Announcement {
  eventType: string;
  userId: string;
  status: number | undefined;
  attempts: number;
}

export interface IdaasDirectory {
  /** The SCIM base URL and token onramp's idaas-provisioner is given (IDAAS_SCIM_URL / IDAAS_SCIM_TOKEN). */
  scim: ScimServer;
  scimToken: string;
  /** The signing side: its applicationId and jwksUrl are IDAAS_CALLBACK_APP_ID / IDAAS_CALLBACK_JWKS_URL. */
  callback: IdaasStandIn;
  /** Where account changes are announced (onramp's POST /idaas/events); nothing is announced before. */
  announceTo(url: string): void;
  announcements(): Announcement[];
  close(): Promise<void>;
}

/** The IDaaS account (UserInfo in IDaaS's push SDK) a SCIM user is. */
export function idaasUserInfo(user: Json): Json {
  const emails = Array.isArray(user.emails) ? (user.emails as Json[]) : [];
  const email = (emails.find((e) => e.primary === true) ?? emails[0])?.value;
  const department = (user[ENTERPRISE] as Json | undefined)?.department;
  const name = user.name as Json | undefined;
  const ou = typeof department === 'string' ? { id: `ou_${Buffer.from(department).toString('hex').slice(0, 24)}`, name: department } : undefined;
  return {
    userId: user.id,
    username: user.userName,
    userExternalId: user.externalId ?? user.id,
    displayName: user.displayName ?? name?.formatted,
    ...(typeof email === 'string' ? { email, emailVerified: true } : {}),
    status: user.active === false ? 'disabled' : 'enabled',
    userSourceType: 'build_in',
    userSourceId: 'scim',
    updateTime: Date.now(),
    ...(ou === undefined ? {} : { primaryOrganizationalUnitId: ou.id, userOrganizationalUnits: [{ organizationalUnitId: ou.id, organizationalUnitName: ou.name, primary: true }] }),
  };
}

function eventTypeOf(after: Json | undefined, before: Json | undefined): string {
  if (after === undefined) return `${EVENT}:delete`;
  if (before === undefined) return `${EVENT}:create`;
  if (before.active !== false && after.active === false) return `${EVENT}:disable`;
  if (before.active === false && after.active !== false) return `${EVENT}:enable`;
  return `${EVENT}:update_info`;
}

export async function startIdaasDirectory(options: { scimToken?: string; retryDelayMs?: number } = {}): Promise<IdaasDirectory> {
  const scimToken = options.scimToken ?? 'idaas-scim-token-0123456789';
  const callback = await startIdaasStandIn();
  const announcements: Announcement[] = [];
  let target: string | undefined;
  let pending: Promise<unknown> = Promise.resolve();
  let closed = false;

  async function announce(eventType: string, user: Json): Promise<void> {
    const record: Announcement = { eventType, userId: String(user.id), status: undefined, attempts: 0 };
    announcements.push(record);
    // IDaaS: "return HTTP 200 within 10 seconds; otherwise IDaaS retries up to five times".
    for (let attempt = 1; attempt <= 6 && !closed && target !== undefined; attempt++) {
      record.attempts = attempt;
      try {
        record.status = (await callback.send(target, [{ eventType, bizData: idaasUserInfo(user) }])).status;
      } catch {
        record.status = undefined;
      }
      if (record.status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 500));
    }
  }

  const scim = await startScimServer({
    token: scimToken,
    onUserWritten(after, before) {
      const user = after ?? before;
      if (user === undefined || target === undefined) return;
      // One at a time, in the order written, as an address book's events are.
      pending = pending.then(() => announce(eventTypeOf(after, before), user));
    },
  });
  return {
    scim,
    scimToken,
    callback,
    announceTo(url) {
      target = url;
    },
    announcements: () => announcements.map((a) => ({ ...a })),
    async close() {
      closed = true;
      await pending.catch(() => undefined);
      await scim.close();
      await callback.close();
    },
  };
}
