// An email as an RFC 5322 message with a MIME multipart/alternative body (RFC 2045/2046), CRLF line
// ends, base64 parts and RFC 2047 encoded headers where they are not ASCII: what a mail client opens.
import { createHash } from 'node:crypto';
import type { OutgoingMail } from './mail-sender.js';

const CRLF = '\r\n';

function encodeHeader(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  return `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

/** A mailbox header value: an ASCII display name stays, a non-ASCII one is RFC 2047 encoded. */
function encodeMailbox(value: string): string {
  const named = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(value);
  if (named === null) return value.trim();
  const [, name, address] = named;
  return name === '' ? `<${address}>` : `${encodeHeader(name!.replace(/^"|"$/g, ''))} <${address}>`;
}

function base64Lines(content: string): string {
  return (Buffer.from(content, 'utf8').toString('base64').match(/.{1,76}/g) ?? []).join(CRLF);
}

export function toEml(mail: OutgoingMail, messageId: string, date: Date): string {
  const boundary = `onramp-${createHash('sha256').update(mail.idempotencyKey).digest('hex').slice(0, 24)}`;
  const headers = [
    `From: ${encodeMailbox(mail.from)}`,
    `To: ${encodeMailbox(mail.to)}`,
    `Subject: ${encodeHeader(mail.subject)}`,
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${messageId}>`,
    `X-Idempotency-Key: ${encodeHeader(mail.idempotencyKey)}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const part = (type: string, content: string) =>
    [`--${boundary}`, `Content-Type: ${type}; charset=utf-8`, 'Content-Transfer-Encoding: base64', '', base64Lines(content)].join(CRLF);
  return [...headers, '', part('text/plain', mail.text), part('text/html', mail.html), `--${boundary}--`, ''].join(CRLF);
}
