// The Resend adapter of the mail port, with the real `resend` SDK.
//
// Batching: BullMQ OSS has no batch consumer, so each job sends its own email, and this adapter
// gathers what the jobs running in this process hand it (the mailer runs many jobs at once) into
// POST /emails/batch calls of up to 100. Under a backlog — 1,000 joiners at once — that drains at up
// to 100 emails per request instead of 1, within the same request rate; a lone email still goes
// alone through POST /emails with its own key. Requests go through a limiter shared by every mailer
// process through Redis (MAIL_RATE_PER_SECOND, Resend's per-team limit). Batches are sent with
// `x-batch-validation: permissive`, so one bad address fails only its own email: Resend answers
// {data: [{id}…], errors: [{index, message}…]} with `data` in batch order, skipping the failed ones.
// Each batch gets an Idempotency-Key derived from its members' keys and is recorded as a plan before
// it is sent (batch-plans.ts), which is what keeps a crash mid-batch from sending anything twice.
import { createHash } from 'node:crypto';
import { Resend } from 'resend';
import type { Logger } from '@onramp/core';
import type { BatchPlans, SendPlan } from './batch-plans.js';
import { MailError, type MailSender, type OutgoingMail, type SentMail } from './mail-sender.js';
import type { RequestLimiter } from './request-limiter.js';

export interface ResendSenderOptions {
  apiKey: string;
  /** RESEND_BASE_URL; unset: the SDK's default (the Resend API). */
  baseUrl?: string;
  limiter: RequestLimiter;
  plans: BatchPlans;
  logger: Logger;
  /** Up to 100, Resend's limit per batch. */
  maxBatch?: number;
  /** How long the first email of a batch waits for company before the batch is cut. */
  lingerMs?: number;
  timeoutMs?: number;
}

interface Pending {
  mail: OutgoingMail;
  resolve: (sent: SentMail) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; id: string } | { ok: false; error: MailError };
type PlanResult = Map<string, Outcome>;

const QUOTA = new Set(['daily_quota_exceeded', 'monthly_quota_exceeded']);
const DEFAULT_QUOTA_PAUSE_MS = 3600_000;

function seconds(headers: Record<string, string> | null, name: string): number | undefined {
  const value = Number(headers?.[name] ?? NaN);
  return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
}

/** Resend's answer, in the mailer's terms (see MailFailure). */
export function classifyResendError(
  error: { statusCode: number | null; name: string; message: string },
  headers: Record<string, string> | null,
): MailError {
  const { statusCode, name, message } = error;
  const wait = seconds(headers, 'retry-after') ?? seconds(headers, 'ratelimit-reset');
  if (statusCode === null) return new MailError('transient', name, `Resend unreachable: ${message}`);
  // ratelimit-reset is about the request window, not the quota: only retry-after says when a quota is back.
  if (statusCode === 429 && QUOTA.has(name)) return new MailError('quota', name, message, seconds(headers, 'retry-after') ?? DEFAULT_QUOTA_PAUSE_MS);
  if (statusCode === 429) return new MailError('wait', name, message, wait ?? 1000);
  // The same batch is being sent by another process right now: its answer will be ours in a moment.
  if (statusCode === 409 && name === 'concurrent_idempotent_requests') return new MailError('wait', name, message, 1000);
  if (statusCode >= 500) return new MailError('transient', name, message);
  return new MailError('permanent', name, `${statusCode} ${name}: ${message}`);
}

export function batchKey(memberKeys: string[]): string {
  return `welcome-batch/${createHash('sha256').update([...memberKeys].sort().join('\n')).digest('hex')}`;
}

export function createResendSender(options: ResendSenderOptions): MailSender {
  const resend = new Resend(options.apiKey, options.baseUrl === undefined ? undefined : { baseUrl: options.baseUrl });
  const maxBatch = Math.min(options.maxBatch ?? 100, 100);
  const lingerMs = options.lingerMs ?? 25;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const { limiter, plans, logger } = options;
  const pending: Pending[] = [];
  const byMember = new Map<string, Promise<SentMail>>();
  const byPlan = new Map<string, Promise<PlanResult>>();
  let flushing: Promise<void> | undefined;
  let closed = false;

  const payload = (mail: OutgoingMail) => ({ from: mail.from, to: [mail.to], subject: mail.subject, html: mail.html, text: mail.text });

  async function post(plan: SendPlan, haveSlot: boolean): Promise<PlanResult> {
    if (!haveSlot) await limiter.acquire();
    const signal = AbortSignal.timeout(timeoutMs);
    const result = new Map<string, Outcome>();
    const answer =
      plan.endpoint === '/emails'
        ? await resend.emails.send(plan.body as Parameters<typeof resend.emails.send>[0], { idempotencyKey: plan.key, signal })
        : await resend.batch.send(plan.body as Parameters<typeof resend.batch.send>[0], { idempotencyKey: plan.key, batchValidation: 'permissive', signal });
    if (answer.error !== null) {
      const error = classifyResendError(answer.error, answer.headers);
      if (error.failure === 'wait' && error.retryAfterMs !== undefined) await limiter.block(error.retryAfterMs);
      for (const member of plan.members) result.set(member, { ok: false, error });
      return result;
    }
    if (plan.endpoint === '/emails') {
      result.set(plan.members[0]!, { ok: true, id: (answer.data as { id: string }).id });
      return result;
    }
    const { data, errors = [] } = answer.data as { data: { id: string }[]; errors?: { index: number; message: string }[] };
    const failed = new Map(errors.map((e) => [e.index, e.message]));
    let next = 0;
    plan.members.forEach((member, index) => {
      const reason = failed.get(index);
      if (reason !== undefined) result.set(member, { ok: false, error: new MailError('permanent', 'validation_error', reason) });
      else {
        const id = data[next++]?.id;
        result.set(member, id === undefined ? { ok: false, error: new MailError('transient', 'application_error', 'batch answer without an id') } : { ok: true, id });
      }
    });
    return result;
  }

  /** Sends a plan once per process at a time; members waiting on the same plan share the answer. */
  function sendPlan(plan: SendPlan, haveSlot = false): Promise<PlanResult> {
    let sending = byPlan.get(plan.key);
    if (sending === undefined) {
      sending = post(plan, haveSlot).finally(() => byPlan.delete(plan.key));
      byPlan.set(plan.key, sending);
    }
    return sending;
  }

  async function outcomeFor(plan: SendPlan, member: string, haveSlot = false): Promise<SentMail> {
    const outcome = (await sendPlan(plan, haveSlot)).get(member);
    if (outcome === undefined) throw new MailError('transient', 'application_error', 'member missing from its plan');
    if (!outcome.ok) throw outcome.error;
    return { messageId: outcome.id, provider: 'resend', batched: plan.endpoint === '/emails/batch' };
  }

  async function cut(batch: Pending[]): Promise<void> {
    const members = batch.map((p) => p.mail.idempotencyKey);
    const plan: SendPlan =
      batch.length === 1
        ? { key: members[0]!, endpoint: '/emails', members, body: payload(batch[0]!.mail) }
        : { key: batchKey(members), endpoint: '/emails/batch', members, body: batch.map((p) => payload(p.mail)) };
    const taken = new Set(await plans.claim(plan));
    if (taken.size > 0) {
      // Another process planned some of these at the same moment: those follow their own plan, the
      // rest are planned again without them.
      for (const p of batch.filter((b) => taken.has(b.mail.idempotencyKey))) {
        void plans.planOf(p.mail.idempotencyKey).then((own) => (own === undefined ? retryLater(p) : outcomeFor(own, p.mail.idempotencyKey).then(p.resolve, p.reject)), p.reject);
      }
      const rest = batch.filter((b) => !taken.has(b.mail.idempotencyKey));
      if (rest.length > 0) await cut(rest);
      return;
    }
    for (const p of batch) outcomeFor(plan, p.mail.idempotencyKey, true).then(p.resolve, p.reject);
  }

  function retryLater(p: Pending) {
    p.reject(new MailError('wait', 'plan_missing', 'the plan of this email was not readable yet', 500));
  }

  // A batch is cut only once the limiter grants a request: while it waits for its turn, more emails
  // join it, so a backlog leaves in full batches rather than in many small ones.
  async function flush(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, lingerMs));
    while (pending.length > 0) {
      let batch: Pending[] = [];
      try {
        await limiter.acquire();
        batch = pending.splice(0, maxBatch);
        await cut(batch);
      } catch (error) {
        const failed = batch.length > 0 ? batch : pending.splice(0);
        for (const p of failed) p.reject(new MailError('transient', 'redis_error', `could not plan the batch: ${String(error)}`));
      }
    }
  }

  function enqueue(mail: OutgoingMail): Promise<SentMail> {
    return new Promise<SentMail>((resolve, reject) => {
      pending.push({ mail, resolve, reject });
      flushing ??= flush().finally(() => {
        flushing = undefined;
        if (pending.length > 0 && !closed) flushing = flush();
      });
    });
  }

  async function sendOnce(mail: OutgoingMail): Promise<SentMail> {
    const plan = await plans.planOf(mail.idempotencyKey);
    if (plan !== undefined) {
      logger.debug({ plan: plan.key }, 'email was planned before; sending its plan again');
      return outcomeFor(plan, mail.idempotencyKey);
    }
    return enqueue(mail);
  }

  return {
    provider: 'resend',
    send(mail) {
      if (closed) return Promise.reject(new MailError('transient', 'closing', 'the mail sender is closing'));
      let sending = byMember.get(mail.idempotencyKey);
      if (sending === undefined) {
        sending = sendOnce(mail).finally(() => byMember.delete(mail.idempotencyKey));
        byMember.set(mail.idempotencyKey, sending);
      }
      return sending;
    },
    async close() {
      closed = true;
      await flushing;
      await Promise.allSettled([...byPlan.values()]);
    },
  };
}
