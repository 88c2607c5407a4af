// A local stand-in for the Resend API, following its documentation: POST /emails and /emails/batch
// (up to 100, strict or permissive validation), Idempotency-Key (24 h: same key and body → the same
// answer and no second email; another body → 409 invalid_idempotent_request; still running → 409
// concurrent_idempotent_requests), the per-team request rate with ratelimit-* and retry-after headers,
// daily quotas, and the error body {statusCode, name, message}. Tests and benchmarks send to it with
// the real `resend` SDK; faults are injected with failNext(), and loseAnswersNext() makes the server
// send the emails and then drop the connection without answering (the answer lost on the way back).
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, readBody, send, slidingWindow } from './http-helpers.js';

export interface AcceptedEmail {
  id: string;
  from: string;
  to: string[];
  subject: string;
  html?: string;
  text?: string;
  headers?: Record<string, string>;
  idempotencyKey?: string;
  batch: boolean;
  acceptedAt: Date;
}

export interface ResendRequestRecord {
  path: string;
  status: number;
  emails: number;
  idempotencyKey?: string;
  at: number;
  /** The emails were accepted but the connection was dropped instead of answering. */
  answerLost?: boolean;
  /** The W3C trace context the caller sent, if any. */
  traceparent?: string;
}

export interface InjectedFault {
  status: number;
  name: string;
  message?: string;
  headers?: Record<string, string>;
  /** Accept (and keep) the emails first, then answer with the fault: the "lost answer" case. */
  afterAccept?: boolean;
}

export interface ResendServerOptions {
  apiKey?: string;
  /** Requests per second for the whole team (Resend's default is 2). */
  ratePerSecond?: number;
  /** Domains `from` may use; unset: any. */
  verifiedDomains?: string[];
  /**
   * Whether a recipient's local part may be beyond ASCII (RFC 6531). Resend does not document it either
   * way; false models a provider that refuses such addresses with 422 validation_error. Default true.
   */
  smtpUtf8?: boolean;
  dailyQuota?: number;
  /** Called after emails are accepted and before the answer goes out (fault tests kill a worker here). */
  onAccepted?: (emails: AcceptedEmail[]) => void | Promise<void>;
  /** Added to every answer, e.g. to model a slow provider. */
  latencyMs?: number;
}

export interface ResendServer {
  url: string;
  readonly emails: AcceptedEmail[];
  readonly requests: ResendRequestRecord[];
  failNext(count: number, fault: InjectedFault): void;
  /** The next `count` sends that accept emails drop the connection instead of answering. */
  loseAnswersNext(count: number): void;
  close(): Promise<void>;
}

interface StoredAnswer {
  bodyHash: string;
  status: number;
  body: unknown;
  at: number;
}

class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorName: string,
    message: string,
  ) {
    super(message);
  }
}

const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
const MAX_BATCH = 100;
const MAX_RECIPIENTS = 50;

function addressOf(value: string): string | undefined {
  const named = /^[^<>]*<([^<>]+)>$/.exec(value.trim());
  const address = (named?.[1] ?? value).trim();
  return ADDRESS.test(address) ? address : undefined;
}

function validateEmail(input: unknown, options: ResendServerOptions): Omit<AcceptedEmail, 'id' | 'batch' | 'acceptedAt'> {
  const { verifiedDomains } = options;
  const refused = (address: string) => options.smtpUtf8 === false && !/^[\x20-\x7e]*$/.test(address.slice(0, address.lastIndexOf('@')));
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ApiError(422, 'validation_error', 'The email must be an object.');
  }
  const email = input as Record<string, unknown>;
  for (const field of ['from', 'to', 'subject']) {
    if (email[field] === undefined || email[field] === '') throw new ApiError(422, 'missing_required_field', `Missing \`${field}\` field.`);
  }
  if (typeof email.from !== 'string' || addressOf(email.from) === undefined) {
    throw new ApiError(422, 'invalid_from_address', 'Invalid `from` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.');
  }
  const to = Array.isArray(email.to) ? email.to : [email.to];
  if (to.length === 0 || to.length > MAX_RECIPIENTS || to.some((t) => typeof t !== 'string' || addressOf(t) === undefined || refused(addressOf(t)!))) {
    throw new ApiError(422, 'validation_error', 'Invalid `to` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.');
  }
  if (typeof email.html !== 'string' && typeof email.text !== 'string') {
    throw new ApiError(422, 'validation_error', 'Missing `html` or `text` field.');
  }
  const domain = addressOf(email.from)!.split('@')[1]!.toLowerCase();
  if (verifiedDomains !== undefined && !verifiedDomains.includes(domain)) {
    throw new ApiError(403, 'validation_error', `The ${domain} domain is not verified. Please, add and verify your domain on https://resend.com/domains`);
  }
  const accepted: Omit<AcceptedEmail, 'id' | 'batch' | 'acceptedAt'> = { from: email.from, to: to as string[], subject: String(email.subject) };
  if (typeof email.html === 'string') accepted.html = email.html;
  if (typeof email.text === 'string') accepted.text = email.text;
  if (typeof email.headers === 'object' && email.headers !== null) accepted.headers = email.headers as Record<string, string>;
  return accepted;
}

export async function startResendServer(options: ResendServerOptions = {}): Promise<ResendServer> {
  const rate = options.ratePerSecond ?? 2;
  const window = slidingWindow(rate, 1000);
  const emails: AcceptedEmail[] = [];
  const requests: ResendRequestRecord[] = [];
  const faults: InjectedFault[] = [];
  let answersToLose = 0;
  const idempotency = new Map<string, StoredAnswer | 'running'>();
  let sentToday = 0;

  function errorBody(error: ApiError) {
    return { statusCode: error.statusCode, name: error.errorName, message: error.message };
  }

  async function accept(list: Omit<AcceptedEmail, 'id' | 'batch' | 'acceptedAt'>[], batch: boolean, key: string | undefined) {
    if (options.dailyQuota !== undefined && sentToday + list.length > options.dailyQuota) {
      throw new ApiError(429, 'daily_quota_exceeded', 'You have reached your daily email sending quota.');
    }
    sentToday += list.length;
    const accepted = list.map((e) => ({ ...e, id: randomUUID(), batch, acceptedAt: new Date(), ...(key === undefined ? {} : { idempotencyKey: key }) }));
    emails.push(...accepted);
    await options.onAccepted?.(accepted);
    return accepted;
  }

  async function process(path: string, req: IncomingMessage, raw: string, key: string | undefined): Promise<{ status: number; body: unknown }> {
    let payload: unknown;
    try {
      payload = JSON.parse(raw);
    } catch {
      throw new ApiError(422, 'validation_error', 'Invalid JSON body.');
    }
    if (path === '/emails') {
      const [email] = await accept([validateEmail(payload, options)], false, key);
      return { status: 200, body: { id: email!.id } };
    }
    if (!Array.isArray(payload) || payload.length === 0 || payload.length > MAX_BATCH) {
      throw new ApiError(422, 'validation_error', `The batch must be an array of 1 to ${MAX_BATCH} emails.`);
    }
    const permissive = req.headers['x-batch-validation'] === 'permissive';
    const valid: Omit<AcceptedEmail, 'id' | 'batch' | 'acceptedAt'>[] = [];
    const errors: { index: number; message: string }[] = [];
    payload.forEach((item, index) => {
      try {
        valid.push(validateEmail(item, options));
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        // A domain problem concerns the whole request, in either mode.
        if (!permissive || error.statusCode === 403) throw error;
        errors.push({ index, message: error.message });
      }
    });
    const accepted = valid.length === 0 ? [] : await accept(valid, true, key);
    const data = accepted.map((e) => ({ id: e.id }));
    return { status: 200, body: permissive ? { data, errors } : { data } };
  }

  const listening = await listen(async (req, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const raw = await readBody(req);
    const traceparent = typeof req.headers.traceparent === 'string' ? { traceparent: req.headers.traceparent } : {};
    const record = (status: number, count = 0, key?: string) =>
      requests.push({ path, status, emails: count, at: Date.now(), ...traceparent, ...(key === undefined ? {} : { idempotencyKey: key }) });
    if (options.latencyMs !== undefined) await new Promise((r) => setTimeout(r, options.latencyMs));
    const auth = req.headers.authorization;
    if (auth === undefined || !auth.startsWith('Bearer ')) {
      record(401);
      return send(res, 401, { statusCode: 401, name: 'missing_api_key', message: 'Missing API key in the authorization header.' });
    }
    if (options.apiKey !== undefined && auth !== `Bearer ${options.apiKey}`) {
      record(403);
      return send(res, 403, { statusCode: 403, name: 'invalid_api_key', message: 'API key is invalid.' });
    }
    const admitted = window.tryAdmit();
    const limitHeaders = {
      'ratelimit-limit': String(rate),
      'ratelimit-remaining': String(admitted.remaining),
      'ratelimit-reset': String(Math.max(1, Math.ceil(admitted.resetMs / 1000))),
    };
    if (!admitted.ok) {
      record(429);
      return send(
        res,
        429,
        { statusCode: 429, name: 'rate_limit_exceeded', message: `Too many requests. You can only make ${rate} requests per second. See rate limit response headers for more information. Or contact support to increase rate limit.` },
        { ...limitHeaders, 'retry-after': String(Math.max(1, Math.ceil(admitted.resetMs / 1000))) },
      );
    }
    const headers = { ...limitHeaders, 'content-type': 'application/json' };

    if (req.method === 'GET' && path.startsWith('/emails/')) {
      const email = emails.find((e) => e.id === path.slice('/emails/'.length));
      record(email === undefined ? 404 : 200);
      if (email === undefined) return send(res, 404, { statusCode: 404, name: 'not_found', message: 'Email not found' }, headers);
      return send(res, 200, { object: 'email', id: email.id, from: email.from, to: email.to, subject: email.subject, html: email.html ?? null, text: email.text ?? null, created_at: email.acceptedAt.toISOString() }, headers);
    }
    if (req.method !== 'POST' || (path !== '/emails' && path !== '/emails/batch')) {
      record(405);
      return send(res, 405, { statusCode: 405, name: 'method_not_allowed', message: 'Method is not allowed for the requested path.' }, headers);
    }

    const keyHeader = req.headers['idempotency-key'];
    const key = typeof keyHeader === 'string' ? keyHeader : undefined;
    if (key !== undefined && (key.length < 1 || key.length > 256)) {
      record(400);
      return send(res, 400, { statusCode: 400, name: 'invalid_idempotency_key', message: 'The key must be between 1-256 chars.' }, headers);
    }
    const fault = faults.shift();
    if (fault !== undefined && fault.afterAccept !== true) {
      record(fault.status);
      return send(res, fault.status, { statusCode: fault.status, name: fault.name, message: fault.message ?? fault.name }, { ...headers, ...fault.headers });
    }

    const slot = key === undefined ? undefined : `${path}\u0000${key}`;
    const bodyHash = createHash('sha256').update(raw).digest('hex');
    const previous = slot === undefined ? undefined : idempotency.get(slot);
    if (previous === 'running') {
      record(409, 0, key);
      return send(res, 409, { statusCode: 409, name: 'concurrent_idempotent_requests', message: 'Same idempotency key used while original request is still in progress.' }, headers);
    }
    if (previous !== undefined && Date.now() - previous.at < IDEMPOTENCY_TTL_MS) {
      if (previous.bodyHash !== bodyHash) {
        record(409, 0, key);
        return send(res, 409, { statusCode: 409, name: 'invalid_idempotent_request', message: 'Same idempotency key used with a different request payload.' }, headers);
      }
      record(previous.status, 0, key);
      return send(res, previous.status, previous.body, headers);
    }
    if (slot !== undefined) idempotency.set(slot, 'running');
    const before = emails.length;
    try {
      const answer = await process(path, req, raw, key);
      if (slot !== undefined) idempotency.set(slot, { bodyHash, ...answer, at: Date.now() });
      const accepted = emails.length - before;
      if (fault === undefined && accepted > 0 && answersToLose > 0) {
        answersToLose--;
        requests.push({ path, status: answer.status, emails: accepted, at: Date.now(), answerLost: true, ...(key === undefined ? {} : { idempotencyKey: key }) });
        res.socket?.destroy();
        return;
      }
      record(fault?.status ?? answer.status, accepted, key);
      if (fault !== undefined) {
        return send(res, fault.status, { statusCode: fault.status, name: fault.name, message: fault.message ?? fault.name }, { ...headers, ...fault.headers });
      }
      return send(res, answer.status, answer.body, headers);
    } catch (error) {
      // Failed requests are not remembered: the same key may be used again once the problem is fixed.
      if (slot !== undefined) idempotency.delete(slot);
      if (!(error instanceof ApiError)) throw error;
      record(error.statusCode, 0, key);
      return send(res, error.statusCode, errorBody(error), headers);
    }
  });

  return {
    url: listening.url,
    emails,
    requests,
    failNext(count, fault) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    loseAnswersNext(count) {
      answersToLose += count;
    },
    close: () => listening.close(),
  };
}
