// The text of a Document.Published event: inline `text`, or read from a `file:` location under the
// documents roots (checked again here: an event already in the log may name any path). HTML (by
// `mediaType` or file extension) is reduced to its readable text.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { checkDocumentLocation, LocationRefused, PermanentError, type DataOf, type DocsRoots } from '@onramp/core';
import { htmlToText, type PublishedDocument } from '@onramp/search';

const MAX_BYTES = 4 * 1024 * 1024;

type DocumentData = DataOf<'Document.Published'>;

function isHtml(data: DocumentData): boolean {
  return /html/i.test(data.mediaType ?? '') || /\.html?$/i.test(data.location ?? '');
}

async function readLocation(roots: DocsRoots, location: string): Promise<string> {
  const checked = await checkDocumentLocation(roots, location).catch((error: unknown) => {
    throw error instanceof LocationRefused ? new PermanentError(`document location refused: ${error.message}`, error.code) : error;
  });
  if (checked.kind === 'oss') throw new PermanentError(`document location ${location}: the indexer does not read oss:// objects; publish the text inline`, 'location_unsupported');
  // O_NOFOLLOW: a symlink swapped in after the check is refused, not followed.
  const handle = await open(checked.path, constants.O_RDONLY | constants.O_NOFOLLOW).catch((error: unknown) => {
    throw new PermanentError(`document location ${location} cannot be read: ${(error as Error).message}`, 'location_unreadable');
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new PermanentError(`document location ${location} is not a regular file`, 'location_forbidden');
    if (info.size > MAX_BYTES) throw new PermanentError(`document at ${location} is larger than ${MAX_BYTES} bytes`, 'document_too_large');
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

export async function readDocument(data: DocumentData, roots: DocsRoots): Promise<PublishedDocument> {
  const doc = data;
  const raw = doc.text ?? (await readLocation(roots, doc.location!));
  const published: PublishedDocument = { uri: doc.uri, title: doc.title, text: isHtml(doc) ? htmlToText(raw) : raw, acl: doc.acl };
  if (typeof doc.department === 'string') published.department = doc.department;
  return published;
}
