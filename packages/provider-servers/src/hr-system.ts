// A local HR system for tests: it posts employee events to a webhook URL signed as the Standard Webhooks
// specification says (https://www.standardwebhooks.com): webhook-id, webhook-timestamp (Unix seconds),
// webhook-signature `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` under the key of a
// `whsec_<base64>` secret. Written apart from onramp's verifier, so that a test of one checks the other.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';

/** A fresh `whsec_` secret with a 32-byte key. */
export function webhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export type HrEventType = 'employee.hired' | 'employee.changed' | 'employee.terminated';

/** An employee record as the example mapping (deploy/hr-mapping.json) reads it. */
export function hrEmployee(n: number | string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    employeeId: `E${n}`,
    workEmail: ` Employee${n}@Example.com `,
    firstName: `Employee${n}`,
    lastName: 'Example',
    department: 'ENG-SEARCH',
    jobTitle: 'Engineer',
    employmentType: 'FT',
    managerEmployeeId: 'E1',
    ...extra,
  };
}

export interface WebhookSendOptions {
  id?: string;
  /** Unix seconds; now by default. */
  timestamp?: number;
  /** Sign with these secrets instead (each gives one signature in the header). */
  secrets?: string[];
  /** The exact body to send (malformed payloads); signed as it is. */
  body?: string;
  /** Replace the signature header entirely. */
  signature?: string;
  omitHeaders?: boolean;
  contentType?: string;
}

export interface HrSystem {
  secret: string;
  /** Posts one event; answers the status and the parsed body. */
  send(url: string, type: HrEventType, employee: Record<string, unknown>, options?: WebhookSendOptions): Promise<{ status: number; body: Record<string, unknown>; id: string }>;
}

export function createHrSystem(secret: string = webhookSecret()): HrSystem {
  return {
    secret,
    async send(url, type, employee, options = {}) {
      const id = options.id ?? `msg_${randomUUID()}`;
      const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
      const body = options.body ?? JSON.stringify({ type, timestamp: new Date(timestamp * 1000).toISOString(), data: employee });
      const signature = options.signature ?? (options.secrets ?? [secret]).map((s) => signWebhook(s, id, timestamp, body)).join(' ');
      const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json' };
      if (options.omitHeaders !== true) Object.assign(headers, { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature });
      const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
      const text = await response.text();
      return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), id };
    },
  };
}
