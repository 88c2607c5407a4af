// Wires the mailer for a process: the sender (Resend, or local .eml capture in MAIL_MODE=capture), the
// consumer, and its worker.
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { closeAll, redisErrorReporter, redisOptions, runConsumer, type Closer, type Config, type ServiceWorkerOptions } from '@onramp/core';
import { createBatchPlans } from './batch-plans.js';
import { createLocalCaptureSender } from './local-capture-sender.js';
import type { MailSender } from './mail-sender.js';
import { MAILER_SUBSCRIBES, mailerConsumer } from './mailer-consumer.js';
import { createRequestLimiter } from './request-limiter.js';
import { createResendSender } from './resend-sender.js';

export const CAPTURE_WARNING = 'MAIL_MODE=capture in production: welcome emails are written as .eml files, not sent';

export interface MailerOptions extends ServiceWorkerOptions {
  lingerMs?: number;
}

export interface RunningMailer {
  sender: MailSender;
  mode: Config['mail']['mode'];
  close(): Promise<void>;
}

export async function startMailer(config: Config, options: MailerOptions): Promise<RunningMailer> {
  const logger = options.logger.child({ service: 'mailer' });
  const closers: Closer[] = [];
  let sender: MailSender;
  if (config.mail.mode === 'capture' || config.mail.resendApiKey === undefined) {
    const directory = join(config.home, 'mail');
    sender = createLocalCaptureSender(directory);
    // In production capture is only ever asked for by name (MAIL_MODE=capture), and still said at every start.
    if (config.production) logger.warn({ directory }, CAPTURE_WARNING);
    else logger.info({ directory }, 'mail capture: welcome emails are written as .eml files');
  } else {
    const redis = new Redis(redisOptions(config.redisUrl, 'worker'));
    redis.on('error', redisErrorReporter(logger, config.redisUrl));
    closers.push(async () => void (await redis.quit()));
    const keyPrefix = `${options.queuePrefix}:mailer`;
    sender = createResendSender({
      apiKey: config.mail.resendApiKey,
      ...(config.mail.resendBaseUrl === undefined ? {} : { baseUrl: config.mail.resendBaseUrl }),
      limiter: createRequestLimiter(redis, `${keyPrefix}:rate`, config.mail.ratePerSecond),
      plans: createBatchPlans(redis, keyPrefix),
      logger,
      ...(options.lingerMs === undefined ? {} : { lingerMs: options.lingerMs }),
    });
  }
  const queue = new Queue('mailer', { connection: redisOptions(config.redisUrl, 'producer'), prefix: options.queuePrefix });
  closers.push(() => queue.close());
  closers.push(() => sender.close());
  const definition = mailerConsumer(config, {
    sender,
    pauseQueue: (ms) => queue.rateLimit(ms),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
  });
  const worker = await runConsumer(definition, MAILER_SUBSCRIBES, config.redisUrl, options, logger);
  closers.push(() => worker.close());

  // Closed last first: the worker (lets running jobs finish), the sender, the queue handle, Redis.
  return { sender, mode: sender.provider === 'resend' ? 'send' : 'capture', close: closeAll(closers, logger) };
}
