// Query evaluation for the fake OpenSearch: the clauses onramp uses (bool, term, terms, match_all,
// multi_match, knn, hybrid), with OpenSearch's score conventions, so tests assert what a query *means*.
import { tokenize } from '@onramp/search';

type Json = Record<string, unknown>;

export interface FakeDoc {
  id: string;
  index: string;
  source: Json;
  /** Documents become visible to search and delete_by_query only after a refresh, as in OpenSearch. */
  visible: boolean;
}

export interface VectorField {
  spaceType: string;
  engine: string;
}

export class QueryError extends Error {
  constructor(
    readonly type: string,
    reason: string,
  ) {
    super(reason);
  }
}

const values = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

function termValue(spec: unknown): unknown {
  return typeof spec === 'object' && spec !== null && 'value' in spec ? (spec as Json).value : spec;
}

export function cosineScore(a: number[], b: number[], spaceType: string): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  let l2 = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
    l2 += (a[i]! - b[i]!) ** 2;
  }
  if (spaceType === 'cosinesimil') return (2 - (1 - dot / Math.sqrt(na * nb))) / 2;
  if (spaceType === 'innerproduct') return dot >= 0 ? dot + 1 : 1 / (1 - dot);
  return 1 / (1 + l2);
}

export interface Scored {
  doc: FakeDoc;
  score: number;
}

export class QueryEvaluator {
  constructor(
    private readonly docs: FakeDoc[],
    private readonly vectorField: (index: string, field: string) => VectorField | undefined,
  ) {}

  /** Matching documents with scores; filter-only matches score 0 as in OpenSearch's filter context. */
  run(query: Json): Scored[] {
    const [kind, body] = Object.entries(query)[0] ?? ['match_all', {}];
    const spec = body as Json;
    switch (kind) {
      case 'match_all':
        return this.docs.map((doc) => ({ doc, score: 1 }));
      case 'term': {
        const [field, value] = Object.entries(spec)[0]!;
        return this.docs.filter((d) => values(d.source[field]).includes(termValue(value))).map((doc) => ({ doc, score: 1 }));
      }
      case 'terms': {
        const [field, list] = Object.entries(spec)[0]!;
        return this.docs.filter((d) => values(d.source[field]).some((v) => (list as unknown[]).includes(v))).map((doc) => ({ doc, score: 1 }));
      }
      case 'multi_match':
        return this.multiMatch(String(spec.query), (spec.fields as string[] | undefined) ?? ['*']);
      case 'bool':
        return this.bool(spec);
      case 'knn':
        return this.knn(spec);
      default:
        throw new QueryError('parsing_exception', `unknown query [${kind}]`);
    }
  }

  /** Text is analyzed into tokenize.ts's terms: what the index's onramp_text analyzer is defined to give. */
  private multiMatch(query: string, fields: string[]): Scored[] {
    const wanted = new Set(tokenize(query));
    return this.docs.flatMap((doc) => {
      let score = 0;
      for (const f of fields) {
        const [name, boost] = f.split('^');
        const have = tokenize(values(doc.source[name!]).join(' '));
        const hits = have.filter((t) => wanted.has(t)).length;
        if (hits > 0) score = Math.max(score, (Number(boost ?? 1) * hits) / (hits + have.length / 8 + 1));
      }
      return score > 0 ? [{ doc, score }] : [];
    });
  }

  private bool(spec: Json): Scored[] {
    const list = (k: string) => values(spec[k]) as Json[];
    let candidates = new Map(this.docs.map((d) => [d, 0]));
    const keep = (clauses: Json[], scoring: boolean) => {
      for (const clause of clauses) {
        const matched = new Map(this.run(clause).map((s) => [s.doc, s.score]));
        candidates = new Map([...candidates].filter(([d]) => matched.has(d)).map(([d, s]) => [d, s + (scoring ? matched.get(d)! : 0)]));
      }
    };
    keep(list('must'), true);
    keep(list('filter'), false);
    for (const clause of list('must_not')) {
      const excluded = new Set(this.run(clause).map((s) => s.doc));
      candidates = new Map([...candidates].filter(([d]) => !excluded.has(d)));
    }
    const should = list('should');
    if (should.length > 0) {
      const required = spec.minimum_should_match !== undefined ? Number(spec.minimum_should_match) : list('must').length + list('filter').length === 0 ? 1 : 0;
      const results = should.map((c) => new Map(this.run(c).map((s) => [s.doc, s.score])));
      candidates = new Map(
        [...candidates]
          .filter(([d]) => results.filter((r) => r.has(d)).length >= required)
          .map(([d, s]) => [d, s + results.reduce((sum, r) => sum + (r.get(d) ?? 0), 0)]),
      );
    }
    return [...candidates].map(([doc, score]) => ({ doc, score }));
  }

  private knn(spec: Json): Scored[] {
    const [field, body] = Object.entries(spec)[0]!;
    const { vector, k, filter } = body as { vector: number[]; k: number; filter?: Json };
    let pool = this.docs;
    if (filter !== undefined) {
      const engines = new Set(pool.map((d) => this.vectorField(d.index, field)?.engine));
      if (engines.has('nmslib')) throw new QueryError('illegal_argument_exception', 'Engine [NMSLIB] does not support filters');
      const allowed = new Set(this.run(filter).map((s) => s.doc));
      pool = pool.filter((d) => allowed.has(d));
    }
    return pool
      .flatMap((doc) => {
        const stored = doc.source[field];
        const mapping = this.vectorField(doc.index, field);
        if (!Array.isArray(stored) || mapping === undefined) return [];
        if (stored.length !== vector.length) throw new QueryError('illegal_argument_exception', `Query vector has invalid dimension: ${vector.length}. Dimension should be: ${stored.length}`);
        return [{ doc, score: cosineScore(vector, stored as number[], mapping.spaceType) }];
      })
      .sort((a, b) => b.score - a.score)
      .slice(0, k);
  }
}

/** The normalization-processor: each sub-query's scores min-max normalized, then the weighted arithmetic mean. */
export function combineHybrid(results: Scored[][], weights: number[]): Scored[] {
  const combined = new Map<FakeDoc, number>();
  const total = weights.reduce((a, b) => a + b, 0);
  results.forEach((list, i) => {
    const scores = list.map((s) => s.score);
    const min = Math.min(...scores);
    const max = Math.max(...scores);
    for (const s of list) {
      const normalized = max === min ? 1 : (s.score - min) / (max - min);
      combined.set(s.doc, (combined.get(s.doc) ?? 0) + (weights[i]! * normalized) / total);
    }
  });
  return [...combined].map(([doc, score]) => ({ doc, score }));
}
