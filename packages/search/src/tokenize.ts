// The one tokenizer behind BM25 and the local embedder, so that keyword and vector search agree on
// what a word is: lower-cased, Unicode letters and digits, English stop words dropped, Porter-stemmed.
// Han, kana and hangul runs have no spaces between words, so they become overlapping character bigrams.
import { stemmer } from 'stemmer';

/** English stop words (the index analyzers of the search engines drop the same: stored-document.ts). */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  ('a about above after again against all am an and any are as at be because been before being below between both but by ' +
    'can could did do does doing down during each few for from further had has have having he her here hers herself him ' +
    'himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other ' +
    'our ours ourselves out over own same she should so some such than that the their theirs them themselves then there ' +
    'these they this those through to too under until up very was we were what when where which while who whom why will ' +
    'with would you your yours yourself yourselves also may might must shall upon via whether yet').split(' '),
);

// Splitting at what is not a letter or digit gives the same words as matching them, without a match object per word.
const NOT_WORD = /[^\p{L}\p{N}]+/u;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const MAX_WORD = 40;

function cjkBigrams(run: string, out: string[]): void {
  const chars = [...run];
  if (chars.length === 1) out.push(chars[0]!);
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
}

/** A run of CJK characters: indexed as its bigrams. */
const BIGRAMS = Symbol('bigrams');

/** What a word indexes as: one term, nothing (null), or its bigrams. */
function termOf(word: string): string | null | typeof BIGRAMS {
  if (CJK.test(word)) return BIGRAMS;
  if (word.length < 2 || word.length > MAX_WORD || STOP_WORDS.has(word)) return null;
  return /^\p{N}+$/u.test(word) ? word : stemmer(word);
}

// Every text is tokenized at least twice when indexed (embedder and BM25), and a corpus repeats a small
// vocabulary: stemming was most of indexing's CPU. Words seen recently keep their term; the cache is
// emptied when full, and holds no longer runs (a CJK sentence, an encoded blob), so its memory is bounded.
const TERM_CACHE_SIZE = 100_000;
const termCache = new Map<string, string | null | typeof BIGRAMS>();

function cachedTermOf(word: string): string | null | typeof BIGRAMS {
  if (word.length > MAX_WORD) return termOf(word);
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
  for (const word of text.normalize('NFKC').toLowerCase().split(NOT_WORD)) {
    if (word === '') continue; // before a leading or after a trailing separator
    const term = cachedTermOf(word);
    if (term === BIGRAMS) cjkBigrams(word, out);
    else if (term !== null) out.push(term);
  }
  return out;
}

/** Term → count. */
export function termCounts(terms: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}
