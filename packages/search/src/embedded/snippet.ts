// A hit's snippet: the passage around the first query term found, or the text's start.
import { tokenize } from '../tokenize.js';

const LENGTH = 240;

export function snippetFor(text: string, query: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= LENGTH) return flat;
  const wanted = new Set(tokenize(query));
  let start = 0;
  for (const match of flat.matchAll(/[\p{L}\p{N}]+/gu)) {
    if (tokenize(match[0]).some((term) => wanted.has(term))) {
      start = Math.max(0, match.index - 60);
      break;
    }
  }
  const cut = flat.slice(start, start + LENGTH);
  return `${start > 0 ? '…' : ''}${cut}${start + LENGTH < flat.length ? '…' : ''}`;
}
