// The query side of the fake Elasticsearch: the Query DSL clauses onramp sends (bool, term, terms,
// multi_match, match_all) parsed as strictly as Elasticsearch does (an unknown clause or key is a 400
// parsing_exception), BM25 scoring, top-level kNN with a pre-filter, and RRF over retrievers.
import { tokenize } from '@onramp/search';

type Json = Record<string, unknown>;

export class ElasticsearchFailure extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly reason: string,
    readonly extra: Json = {},
  ) {
    super(reason);
  }

  /** Elasticsearch's error body: `{error: {root_cause: [...], type, reason}, status}`. */
  get body(): Json {
    const cause = { type: this.type, reason: this.reason, ...this.extra };
    return { error: { root_cause: [cause], ...cause }, status: this.status };
  }
}

export const parsingError = (reason: string) => new ElasticsearchFailure(400, 'parsing_exception', reason);

export interface StoredDoc {
  id: string;
  index: string;
  source: Json;
  version: number;
}

export interface Hit {
  doc: StoredDoc;
  score: number;
}

/** The onramp_text analyzer's terms: the index settings define it to match the embedded tokenizer. */
const tokens = (text: unknown): string[] => (typeof text === 'string' ? tokenize(text) : []);

function onlyKeys(clause: string, body: Json, allowed: string[]): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw parsingError(`[${clause}] query does not support [${key}]`);
  }
}

function asList(value: unknown): Json[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]) as Json[];
}

const valuesOf = (source: Json, field: string): unknown[] => {
  const value = source[field];
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
};

/** BM25 (k1 1.2, b 0.75) over the documents of one search, as a shard would compute it. */
export class Bm25 {
  private readonly lengths = new Map<string, number>();
  private readonly docFreq = new Map<string, number>();
  private readonly average = new Map<string, number>();

  constructor(private readonly docs: StoredDoc[]) {}

  private stats(field: string): void {
    if (this.average.has(field)) return;
    let total = 0;
    for (const doc of this.docs) {
      const words = tokens(doc.source[field]);
      total += words.length;
      for (const word of new Set(words)) this.docFreq.set(`${field}\u0000${word}`, (this.docFreq.get(`${field}\u0000${word}`) ?? 0) + 1);
      this.lengths.set(`${field}\u0000${doc.index}/${doc.id}`, words.length);
    }
    this.average.set(field, this.docs.length === 0 ? 0 : total / this.docs.length);
  }

  score(doc: StoredDoc, field: string, query: string): number {
    this.stats(field);
    const words = tokens(doc.source[field]);
    const length = words.length;
    const avg = this.average.get(field) || 1;
    let score = 0;
    for (const term of new Set(tokens(query))) {
      const tf = words.filter((w) => w === term).length;
      if (tf === 0) continue;
      const n = this.docFreq.get(`${field}\u0000${term}`) ?? 0;
      const idf = Math.log(1 + (this.docs.length - n + 0.5) / (n + 0.5));
      score += (idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * length) / avg));
    }
    return score;
  }
}

/** Evaluates a query clause: undefined when the document does not match, else its score. */
export function evaluate(query: Json, doc: StoredDoc, bm25: Bm25): number | undefined {
  const entries = Object.entries(query);
  if (entries.length !== 1) throw parsingError('[_na] query malformed, must start with start_object');
  const [type, raw] = entries[0]! as [string, Json];
  switch (type) {
    case 'match_all':
      return 1;
    case 'term': {
      const [[field, value]] = Object.entries(raw) as [[string, unknown]];
      const wanted = typeof value === 'object' && value !== null ? (value as Json).value : value;
      return valuesOf(doc.source, field).some((v) => v === wanted) ? 1 : undefined;
    }
    case 'terms': {
      const [[field, list]] = Object.entries(raw) as [[string, unknown]];
      if (!Array.isArray(list)) throw parsingError(`[terms] query does not support [${field}]`);
      return valuesOf(doc.source, field).some((v) => list.includes(v)) ? 1 : undefined;
    }
    case 'multi_match': {
      onlyKeys('multi_match', raw, ['query', 'fields', 'type', 'operator', 'boost']);
      // best_fields, the default: the best field's score.
      let best = 0;
      for (const spec of (raw.fields ?? []) as string[]) {
        const [field, boost] = spec.split('^') as [string, string | undefined];
        best = Math.max(best, bm25.score(doc, field, String(raw.query)) * (boost === undefined ? 1 : Number(boost)));
      }
      return best > 0 ? best : undefined;
    }
    case 'bool': {
      onlyKeys('bool', raw, ['must', 'filter', 'should', 'must_not', 'minimum_should_match', 'boost']);
      let score = 0;
      for (const clause of asList(raw.must)) {
        const s = evaluate(clause, doc, bm25);
        if (s === undefined) return undefined;
        score += s;
      }
      for (const clause of asList(raw.filter)) if (evaluate(clause, doc, bm25) === undefined) return undefined;
      for (const clause of asList(raw.must_not)) if (evaluate(clause, doc, bm25) !== undefined) return undefined;
      const should = asList(raw.should).map((clause) => evaluate(clause, doc, bm25));
      const matched = should.filter((s) => s !== undefined);
      const minimum = raw.minimum_should_match ?? (asList(raw.must).length + asList(raw.filter).length === 0 && should.length > 0 ? 1 : 0);
      if (matched.length < Number(minimum)) return undefined;
      return score + matched.reduce((a, b) => a! + b!, 0)!;
    }
    default:
      throw parsingError(`unknown query [${type}]`);
  }
}

export function dot(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** RRF as Elasticsearch documents it: each document scores Σ 1 / (rank_constant + rank) over the lists. */
export function reciprocalRankFusion(lists: Hit[][], rankConstant: number, window: number): Hit[] {
  const fused = new Map<string, Hit>();
  for (const list of lists) {
    list.slice(0, window).forEach((hit, i) => {
      const key = `${hit.doc.index}/${hit.doc.id}`;
      const previous = fused.get(key);
      fused.set(key, { doc: hit.doc, score: (previous?.score ?? 0) + 1 / (rankConstant + i + 1) });
    });
  }
  return [...fused.values()].sort((a, b) => b.score - a.score);
}
