// The mailer consumer: a joiner's welcome email, once. Idempotency keys make retries and replays
// safe with the provider; the runtime's completion record makes them safe beyond the provider's window.
import {
  LIFECYCLE,
  OUTCOME,
  PermanentError,
  RetryableError,
  isEventOf,
  outcomeEvent,
  type Config,
  type ConsumerDefinition,
} from '@onramp/core';
import { MailError, type MailSender } from './mail-sender.js';
import { needsSmtpUtf8 } from './recipient-address.js';
import { buildWelcomeMail } from './welcome-mail.js';

export interface MailerDeps {
  sender: MailSender;
  /** Stops every mailer process from taking jobs for `ms` (a quota ran out). */
  pauseQueue: (ms: number) => Promise<void>;
  /** Jobs one process runs at once: the pool the batcher gathers from. */
  concurrency?: number;
}

/** What the mailer takes: joiners only. */
export const MAILER_SUBSCRIBES = [LIFECYCLE.userCreated] as const;

/** The most emails per second the request rate allows: full batches at the configured rate. */
export const MAX_BATCH = 100;

export function mailerConsumer(config: Config, deps: MailerDeps): ConsumerDefinition {
  const settings = { from: config.mail.from, subject: config.mail.subject, docsUrl: config.mail.docsUrl };
  return {
    consumer: 'mailer',
    failureType: OUTCOME.welcomeFailed,
    concurrency: deps.concurrency ?? 2 * MAX_BATCH,
    // Jobs, not requests: the request rate is the sender's (shared through Redis). This caps jobs at
    // what full batches at that rate can carry, and is the BullMQ limiter a quota pause rests on.
    limiter: { max: config.mail.ratePerSecond * MAX_BATCH, duration: 1000 },
    async handle(event, ctx) {
      if (!isEventOf(event, LIFECYCLE.userCreated)) return [];
      const mail = buildWelcomeMail(event, settings, ctx.forced ? ctx.redelivery ?? `forced-${ctx.attempt}` : undefined);
      try {
        const sent = await deps.sender.send(mail);
        ctx.logger.info({ provider: sent.provider, batched: sent.batched }, 'welcome sent');
        return [
          outcomeEvent('mailer', OUTCOME.welcomeSent, event, {
            messageId: sent.messageId,
            provider: sent.provider,
            // Captured, not sent: said in the record itself, so no reader takes it for a delivered email.
            mode: sent.provider === 'local-capture' ? 'capture' : 'send',
            idempotencyKey: mail.idempotencyKey,
            batched: sent.batched,
            ...(ctx.forced ? { forced: true, redelivery: ctx.redelivery ?? null } : {}),
          }),
        ];
      } catch (error) {
        if (!(error instanceof MailError)) throw error;
        switch (error.failure) {
          case 'permanent':
            // Resend does not document SMTPUTF8: a refused address with a non-ASCII local part gets its own code.
            if (error.providerCode === 'validation_error' && needsSmtpUtf8(mail.to)) {
              throw new PermanentError(`the provider refused an address with a non-ASCII local part (RFC 6531): ${error.message}`, 'recipient_unsupported');
            }
            throw new PermanentError(error.message, error.providerCode);
          case 'quota':
            ctx.logger.warn({ code: error.providerCode, pauseMs: error.retryAfterMs }, 'sending quota used up; pausing the mailer queue');
            await deps.pauseQueue(error.retryAfterMs ?? 3600_000);
            throw new RetryableError(error.message, error.retryAfterMs ?? 3600_000, { cause: error });
          case 'wait':
            throw new RetryableError(error.message, error.retryAfterMs ?? 1000, { cause: error });
          default:
            throw new RetryableError(error.message, undefined, { cause: error });
        }
      }
    },
  };
}
