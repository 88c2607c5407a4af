// The mail port: what the mailer needs from an email provider, whatever the provider is.
import { OnrampError } from '@onramp/core';

export interface OutgoingMail {
  /** Same key, same email: a provider sends it at most once per key. */
  idempotencyKey: string;
  from: string;
  /** One bare address (never a display name taken from the event: no header injection). */
  to: string;
  subject: string;
  html: string;
  text: string;
}

export interface SentMail {
  messageId: string;
  provider: 'resend' | 'local-capture';
  /** Sent as part of a POST /emails/batch call. */
  batched: boolean;
}

export interface MailSender {
  readonly provider: SentMail['provider'];
  send(mail: OutgoingMail): Promise<SentMail>;
  close(): Promise<void>;
}

/**
 * Why a send failed, in the terms the mailer acts on: `permanent` (dead letter, no retry), `quota`
 * (pause the queue until `retryAfterMs`), `wait` (come back after `retryAfterMs`, no attempt spent),
 * `transient` (retry with back-off).
 */
export type MailFailure = 'permanent' | 'quota' | 'wait' | 'transient';

export class MailError extends OnrampError {
  constructor(
    readonly failure: MailFailure,
    /** The provider's own error name, e.g. validation_error, daily_quota_exceeded. */
    readonly providerCode: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(`mail_${failure}`, message);
  }
}
