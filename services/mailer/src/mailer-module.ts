// The mailer as a consumer module: joiners in, a welcome email out, once.
import { OUTCOME, type Config, type ConsumerModule } from '@onramp/core';
import { MAILER_SUBSCRIBES } from './mailer-consumer.js';
import { CAPTURE_WARNING, startMailer, type MailerOptions } from './start-mailer.js';

const capturing = (config: Config) => config.mail.mode === 'capture' || config.mail.resendApiKey === undefined;

export const mailerModule: ConsumerModule<MailerOptions> = {
  name: 'mailer',
  kind: 'reactor',
  subscribes: MAILER_SUBSCRIBES,
  emits: [OUTCOME.welcomeSent, OUTCOME.welcomeFailed, OUTCOME.deadLettered],
  variables: ['MAIL_MODE', 'RESEND_API_KEY', 'RESEND_BASE_URL', 'MAIL_FROM', 'MAIL_SUBJECT', 'MAIL_DOCS_URL', 'MAIL_RATE_PER_SECOND'],
  describe: (config) => `mailer sending through ${capturing(config) ? `local capture (${config.home}/mail)` : 'Resend'}`,
  standIn: (config) => (capturing(config) ? CAPTURE_WARNING : undefined),
  start: startMailer,
};
