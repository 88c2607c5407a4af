import { createHash, timingSafeEqual } from 'node:crypto';
import { Unauthorized } from '../errors.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Compares `Authorization: Bearer <token>` with the expected token in constant time (hashes equalise lengths). */
export function bearerMatches(authorization: string | undefined, expected: string): boolean {
  const presented = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(presented), digest(expected)) && presented.length > 0;
}

export function requireBearer(authorization: string | undefined, expected: string): void {
  if (!bearerMatches(authorization, expected)) throw new Unauthorized();
}
