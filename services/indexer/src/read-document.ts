// The text of a Document.Published event: inline `text`, or read from a `file:` location. HTML
// (by `mediaType` or file extension) is reduced to its readable text.
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PermanentError } from '@onramp/core';
import { htmlToText, type PublishedDocument } from '@onramp/search';

const MAX_BYTES = 4 * 1024 * 1024;

interface DocumentData {
  uri: string;
  title: string;
  text?: string;
  location?: string;
  acl: string[];
  department?: string;
  mediaType?: string;
}

function isHtml(data: DocumentData): boolean {
  return /html/i.test(data.mediaType ?? '') || /\.html?$/i.test(data.location ?? '');
}

async function readLocation(location: string): Promise<string> {
  let path: string;
  try {
    path = fileURLToPath(location);
  } catch {
    throw new PermanentError(`document location "${location}" is not a file: URL`, 'location_unsupported');
  }
  const info = await stat(path).catch((error: unknown) => {
    throw new PermanentError(`document location ${location} cannot be read: ${(error as Error).message}`, 'location_unreadable');
  });
  if (info.size > MAX_BYTES) throw new PermanentError(`document at ${location} is larger than ${MAX_BYTES} bytes`, 'document_too_large');
  return readFile(path, 'utf8');
}

export async function readDocument(data: unknown): Promise<PublishedDocument> {
  const doc = data as DocumentData;
  const raw = doc.text ?? (await readLocation(doc.location!));
  const published: PublishedDocument = { uri: doc.uri, title: doc.title, text: isHtml(doc) ? htmlToText(raw) : raw, acl: doc.acl };
  if (typeof doc.department === 'string') published.department = doc.department;
  return published;
}
