// The mailer as a consumer module: joiners in, a welcome email out, once.
import { OUTCOME, type ConsumerModule } from '@onramp/core';
import { MAILER_SUBSCRIBES } from './mailer-consumer.js';
import { startMailer, type MailerOptions } from './start-mailer.js';

export const mailerModule: ConsumerModule<MailerOptions> = {
  name: 'mailer',
  kind: 'reactor',
  subscribes: MAILER_SUBSCRIBES,
  emits: [OUTCOME.welcomeSent, OUTCOME.welcomeFailed, OUTCOME.deadLettered],
  variables: ['RESEND_API_KEY', 'RESEND_BASE_URL', 'MAIL_FROM', 'MAIL_SUBJECT', 'MAIL_DOCS_URL', 'MAIL_RATE_PER_SECOND'],
  describe: (config) => `mailer sending through ${config.mail.resendApiKey === undefined ? `local capture (${config.home}/mail)` : 'Resend'}`,
  start: startMailer,
};
