// Which embedder built the live embedded index, read from disk before anything is opened.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readGenerationMeta } from './generation-files.js';

/** The embedder name of the live generation under `directory`, if there is one. */
export async function readGenerationAlias(directory: string): Promise<string | undefined> {
  try {
    const { index } = JSON.parse(await readFile(join(directory, 'live.json'), 'utf8')) as { index: string };
    return (await readGenerationMeta(join(directory, 'indexes', index)))?.embedder;
  } catch {
    return undefined;
  }
}
