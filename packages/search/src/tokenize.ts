// The one tokenizer behind BM25 and the local embedder, so that keyword and vector search agree on
// what a word is: lower-cased, Unicode letters and digits, English stop words dropped, Porter-stemmed.
// Han, kana and hangul runs have no spaces between words, so they become overlapping character bigrams.
import { stemmer } from 'stemmer';

const STOP_WORDS = new Set(
  ('a about above after again against all am an and any are as at be because been before being below between both but by ' +
    'can could did do does doing down during each few for from further had has have having he her here hers herself him ' +
    'himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other ' +
    'our ours ourselves out over own same she should so some such than that the their theirs them themselves then there ' +
    'these they this those through to too under until up very was we were what when where which while who whom why will ' +
    'with would you your yours yourself yourselves also may might must shall upon via whether yet').split(' '),
);

const WORD = /[\p{L}\p{N}]+/gu;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

function cjkBigrams(run: string, out: string[]): void {
  const chars = [...run];
  if (chars.length === 1) out.push(chars[0]!);
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
}

/** The term a (non-CJK) word indexes as, or null for a word that is not indexed. */
function termOf(word: string): string | null {
  if (word.length < 2 || STOP_WORDS.has(word) || word.length > 40) return null;
  return /^\p{N}+$/u.test(word) ? word : stemmer(word);
}

// Every text is tokenized at least twice when indexed (embedder and BM25), and a corpus repeats a small
// vocabulary: stemming was most of indexing's CPU. Words seen recently keep their term; the cache is
// emptied when full, so its memory stays bounded whatever the corpus.
const TERM_CACHE_SIZE = 100_000;
const termCache = new Map<string, string | null>();

function cachedTermOf(word: string): string | null {
  let term = termCache.get(word);
  if (term === undefined) {
    if (termCache.size >= TERM_CACHE_SIZE) termCache.clear();
    termCache.set(word, (term = termOf(word)));
  }
  return term;
}

/** The index terms of a text, in order, repeats kept (term frequency matters). */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const match of text.normalize('NFKC').toLowerCase().matchAll(WORD)) {
    const word = match[0];
    if (CJK.test(word)) {
      cjkBigrams(word, out);
      continue;
    }
    const term = cachedTermOf(word);
    if (term !== null) out.push(term);
  }
  return out;
}

/** Term → count. */
export function termCounts(terms: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}
