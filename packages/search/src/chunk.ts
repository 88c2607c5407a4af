// Documents become chunks of about a paragraph or a few: small enough that a hit points at the passage
// that answers, large enough to carry context. Chunks break at paragraph, then sentence, then word
// boundaries, and consecutive chunks share a little overlap so that no sentence is only ever cut in half.
import type { IndexDraft } from './profile.js';

export const CHUNK_CHARS = 1500;
const OVERLAP_CHARS = 200;

function pieces(text: string, max: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    const flat = paragraph.replace(/\s+/g, ' ').trim();
    if (flat === '') continue;
    if (flat.length <= max) {
      out.push(flat);
      continue;
    }
    for (const sentence of flat.split(/(?<=[.!?。！？])\s+/)) {
      if (sentence.length <= max) out.push(sentence);
      else for (let i = 0; i < sentence.length; i += max) out.push(sentence.slice(i, i + max));
    }
  }
  return out;
}

export function chunkText(text: string, max = CHUNK_CHARS): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const piece of pieces(text, max)) {
    if (current !== '' && current.length + piece.length + 1 > max) {
      chunks.push(current);
      const tail = current.slice(-OVERLAP_CHARS);
      const wordStart = tail.indexOf(' ');
      current = wordStart >= 0 && tail.length + piece.length + 1 <= max ? tail.slice(wordStart + 1) : '';
    }
    current = current === '' ? piece : `${current} ${piece}`;
  }
  if (current !== '') chunks.push(current);
  return chunks;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The readable text of an HTML page: scripts, styles and tags dropped, block ends kept as breaks. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|noscript|template)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<\/(p|div|section|article|li|h[1-6]|tr|pre|blockquote)\s*>|<br\s*\/?>/gi, '\n\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (all, code: string) => {
      if (code.startsWith('#')) {
        const point = code[1]?.toLowerCase() === 'x' ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
        return Number.isFinite(point) && point > 0 && point < 0x110000 ? String.fromCodePoint(point) : ' ';
      }
      return ENTITIES[code.toLowerCase()] ?? all;
    });
}

export interface PublishedDocument {
  uri: string;
  title: string;
  text: string;
  acl: string[];
  department?: string;
}

export function documentSourceId(uri: string): string {
  return `doc:${uri}`;
}

/** The chunks of a document, ready to embed. */
export function documentDrafts(doc: PublishedDocument): IndexDraft[] {
  const chunks = chunkText(doc.text);
  const texts = chunks.length === 0 ? [''] : chunks;
  return texts.map((text, i) => {
    const draft: IndexDraft = {
      id: `${documentSourceId(doc.uri)}#${i}`,
      sourceId: documentSourceId(doc.uri),
      kind: 'document',
      title: doc.title,
      text,
      acl: doc.acl,
      fields: { uri: doc.uri, chunk: i, chunks: texts.length },
    };
    if (doc.department !== undefined) draft.department = doc.department;
    return draft;
  });
}
