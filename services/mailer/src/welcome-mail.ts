// What a joiner's welcome email says and to whom, from the SCIM.UserCreated event. Everything taken
// from the event is escaped for HTML and stripped of control characters for the text part.
import { createHash } from 'node:crypto';
import { PermanentError, cleanText, departmentOf, workEmailOf, type ScimUserData, type StoredEvent, type TypedEvent } from '@onramp/core';
import type { OutgoingMail } from './mail-sender.js';
import { recipientAddress } from './recipient-address.js';

export interface WelcomeSettings {
  from: string;
  subject: string;
  docsUrl: string;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function personName(data: ScimUserData): string {
  const given = cleanText(data.name?.givenName);
  const family = cleanText(data.name?.familyName);
  return (
    cleanText(data.name?.formatted) ??
    (given !== undefined || family !== undefined ? [given, family].filter(Boolean).join(' ') : undefined) ??
    cleanText(data.displayName) ??
    cleanText(data.userName)?.split('@')[0] ??
    'there'
  );
}

/**
 * `welcome/` + base64url(sha256(source NUL id [NUL forcedTag])): a retry or a replay sends with the same
 * key, so the provider sends once; a forced replay asks for a new email on purpose, so its redelivery
 * tag makes a new key. Hashed because the key travels in an HTTP header: an id in any script (`入职-0001`)
 * or of any length becomes 51 ASCII characters, and NUL separates the parts (no source/id split makes
 * two events one key).
 */
export function welcomeKey(event: Pick<StoredEvent, 'source' | 'id'>, forcedTag?: string): string {
  const hash = createHash('sha256').update(event.source).update('\0').update(event.id);
  if (forcedTag !== undefined) hash.update('\0').update(forcedTag);
  return `welcome/${hash.digest('base64url')}`;
}

export function renderWelcome(name: string, department: string | undefined, docsUrl: string): { html: string; text: string } {
  const team = department === undefined ? 'the team' : `the ${department} team`;
  const html = [
    '<!doctype html>',
    '<html><body style="font-family: sans-serif; line-height: 1.5">',
    `<p>Hello ${escapeHtml(name)},</p>`,
    `<p>Welcome to ${escapeHtml(team)}! Your accounts are being set up.</p>`,
    `<p>Start with the documentation: <a href="${escapeHtml(docsUrl)}">${escapeHtml(docsUrl)}</a></p>`,
    '</body></html>',
  ].join('\n');
  const plain = [`Hello ${name},`, '', `Welcome to ${team}! Your accounts are being set up.`, '', `Start with the documentation: ${docsUrl}`, ''].join('\n');
  return { html, text: plain };
}

export function buildWelcomeMail(event: TypedEvent<'SCIM.UserCreated'>, settings: WelcomeSettings, forcedTag?: string): OutgoingMail {
  const data: ScimUserData = event.data;
  const address = workEmailOf(data);
  if (address === undefined) throw new PermanentError('the person has no usable email address', 'no_recipient');
  const department = departmentOf(data);
  const body = renderWelcome(personName(data), department, settings.docsUrl);
  return { idempotencyKey: welcomeKey(event, forcedTag), from: settings.from, to: recipientAddress(address), subject: settings.subject, ...body };
}
