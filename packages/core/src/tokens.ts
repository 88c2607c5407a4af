// Bearer tokens: from the environment, or (outside production) generated on first start and kept in
// $ONRAMP_HOME/tokens.json, readable by the owner only. A generated token is printed once, when made.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './config.js';

export interface Tokens {
  ingest: string;
  admin: string;
}

export async function resolveTokens(config: Config, announce: (line: string) => void = console.log): Promise<Tokens> {
  if (config.ingest.token !== undefined && config.adminToken !== undefined) {
    return { ingest: config.ingest.token, admin: config.adminToken };
  }
  const file = join(config.home, 'tokens.json');
  let stored: Partial<Tokens> = {};
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as Partial<Tokens>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const generate = () => randomBytes(32).toString('base64url');
  const tokens: Tokens = {
    ingest: config.ingest.token ?? stored.ingest ?? generate(),
    admin: config.adminToken ?? stored.admin ?? generate(),
  };
  if (stored.ingest !== tokens.ingest || stored.admin !== tokens.admin) {
    await mkdir(config.home, { recursive: true });
    await writeFile(file, JSON.stringify(tokens), { mode: 0o600 });
    if (config.ingest.token === undefined && stored.ingest === undefined) announce(`INGEST_TOKEN=${tokens.ingest}  (generated, kept in ${file})`);
    if (config.adminToken === undefined && stored.admin === undefined) announce(`ADMIN_TOKEN=${tokens.admin}  (generated, kept in ${file})`);
  }
  return tokens;
}
