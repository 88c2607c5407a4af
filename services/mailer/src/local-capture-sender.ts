// The default mail sender when no RESEND_API_KEY is set: each email becomes an .eml file under
// $ONRAMP_HOME/mail/, named after its idempotency key, so the same key is the same file, once.
import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toEml } from './eml.js';
import type { MailSender } from './mail-sender.js';

export function captureFileName(idempotencyKey: string): string {
  return `welcome-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}.eml`;
}

async function existingMessageId(path: string): Promise<string | undefined> {
  try {
    const head = await readFile(path, 'utf8');
    return /^Message-ID: <([^>]+)>/im.exec(head)?.[1];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function createLocalCaptureSender(directory: string): MailSender {
  let ready: Promise<unknown> | undefined;
  return {
    provider: 'local-capture',
    async send(mail) {
      ready ??= mkdir(directory, { recursive: true });
      await ready;
      const path = join(directory, captureFileName(mail.idempotencyKey));
      const found = await existingMessageId(path);
      if (found !== undefined) return { messageId: found, provider: 'local-capture', batched: false };
      const messageId = `${createHash('sha256').update(mail.idempotencyKey).digest('hex').slice(0, 32)}@onramp.local`;
      // Write aside, then link into place: link() fails if the name exists, so two senders racing on
      // one key leave one complete file, never two and never a half-written one.
      const temp = join(directory, `.tmp-${randomBytes(6).toString('hex')}`);
      await writeFile(temp, toEml(mail, messageId, new Date()), { mode: 0o600 });
      try {
        await link(temp, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      } finally {
        await unlink(temp);
      }
      return { messageId: (await existingMessageId(path)) ?? messageId, provider: 'local-capture', batched: false };
    },
    async close() {},
  };
}
