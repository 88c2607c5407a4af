// `onramp docs add <folder> --acl g1,g2`: one Document.Published event per Markdown, text or HTML file,
// appended to the log like any other event, so documents can be replayed and reindexed. The event id
// is a hash of the file's URI and content: re-adding an unchanged file is a duplicate, not a new event.
// The folder and every file must be under a documents root (DOCS_ROOTS), as the indexer checks too.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { appendEvents, documentPublishedEvent, realPathUnderRoots, type CloudEvent, type DocsRoots } from '@onramp/core';
import type { CommandContext, Io } from './context.js';
import { progressBar } from './progress.js';

const MEDIA_TYPES: Record<string, string> = {
  '.md': 'text/markdown', '.markdown': 'text/markdown', '.txt': 'text/plain', '.html': 'text/html', '.htm': 'text/html',
};
/** Larger files are published by location (the indexer reads them) rather than inline. */
const INLINE_BYTES = 1024 * 1024;
/** Files read at once and events appended per transaction: the log's cost is per transaction, not per event. */
const BATCH = 200;

async function* documentFiles(dir: string): AsyncGenerator<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* documentFiles(path);
    else if (entry.isFile() && MEDIA_TYPES[extname(entry.name).toLowerCase()] !== undefined) yield path;
  }
}

function titleOf(path: string, content: string, mediaType: string): string {
  const heading = mediaType === 'text/html'
    ? /<title[^>]*>([^<]+)<\/title>|<h1[^>]*>([^<]+)<\/h1>/i.exec(content)?.slice(1).find(Boolean)
    : /^#\s+(.+)$/m.exec(content)?.[1];
  return (heading?.trim() || basename(path, extname(path))).slice(0, 1024);
}

export async function documentEvent(path: string, roots: DocsRoots): Promise<CloudEvent> {
  const absolute = await realPathUnderRoots(roots, path);
  const content = await readFile(absolute, 'utf8');
  const uri = pathToFileURL(absolute).href;
  const mediaType = MEDIA_TYPES[extname(absolute).toLowerCase()]!;
  const digest = createHash('sha256').update(uri).update('\0').update(content).digest('hex');
  const inline = Buffer.byteLength(content) <= INLINE_BYTES;
  return documentPublishedEvent(digest, { uri, title: titleOf(absolute, content, mediaType), mediaType, ...(inline ? { text: content } : { location: uri }) });
}

export async function docsAdd(ctx: CommandContext, io: Io, folder: string, acl: string[]): Promise<{ published: number; unchanged: number }> {
  let published = 0;
  let unchanged = 0;
  const flush = async (batch: CloudEvent[]) => {
    for (const result of await appendEvents(ctx.db, batch)) {
      if (result.status === 'appended') published++;
      else unchanged++;
    }
  };
  // Checked before anything is appended, so a refused folder publishes nothing.
  const root = await realPathUnderRoots(ctx.config.docsRoots, folder);
  // The file list first (names only, quick), so the bar has its total from the first file.
  const paths: string[] = [];
  for await (const path of documentFiles(root)) paths.push(path);
  const bar = progressBar(io, 'publishing');
  try {
    for (let i = 0; i < paths.length; i += BATCH) {
      bar.update(i, paths.length);
      // The batch's files are read together, appended in their order (the log's order is the folder's).
      const batch = await Promise.all(paths.slice(i, i + BATCH).map(async (path) => {
        const event = await documentEvent(path, ctx.config.docsRoots);
        (event.data as Record<string, unknown>).acl = acl;
        return event;
      }));
      await flush(batch);
    }
    bar.update(paths.length, paths.length);
  } finally {
    bar.stop();
  }
  io.out(`${published} document(s) published, ${unchanged} unchanged (already in the log)` +
    (published > 0 ? '; the indexer picks them up, and `onramp reindex` retrains the local model on them' : ''));
  return { published, unchanged };
}
