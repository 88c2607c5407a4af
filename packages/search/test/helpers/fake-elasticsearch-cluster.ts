// The state of the fake Elasticsearch 8 and the semantics onramp relies on, as Elasticsearch documents them:
// composable index templates applied at index creation, aliases with atomic `_aliases`, strict mappings and
// dense_vector rules enforced per document (dims, unit length for dot_product), refresh visibility,
// `_delete_by_query` with version conflicts, `_search` with query / top-level knn / retrievers (standard, knn,
// rrf) and the version and licence each needs.
import { randomUUID } from 'node:crypto';
import { Bm25, ElasticsearchFailure, dot, evaluate, parsingError, reciprocalRankFusion, type Hit, type StoredDoc } from './fake-elasticsearch-query.js';
import { compareVersions } from './version.js';

type Json = Record<string, unknown>;

export interface FakeEsIndex {
  name: string;
  uuid: string;
  settings: Json;
  mappings: Json;
  aliases: Set<string>;
  /** Every document written; `visible` holds what the last refresh made searchable. */
  docs: Map<string, StoredDoc>;
  visible: Map<string, StoredDoc>;
}

export const indexNotFound = (name: string) =>
  new ElasticsearchFailure(404, 'index_not_found_exception', `no such index [${name}]`, { 'resource.type': 'index_or_alias', 'resource.id': name, index_uuid: '_na_', index: name });

const INDEX_TYPES: Record<string, string> = { hnsw: '8.0.0', int8_hnsw: '8.12.0', flat: '8.13.0', int8_flat: '8.13.0', int4_hnsw: '8.15.0', int4_flat: '8.15.0', bbq_hnsw: '8.18.0', bbq_flat: '8.18.0' };
const SEARCH_KEYS = ['size', 'from', 'query', 'knn', 'retriever', '_source', 'track_total_hits', 'timeout'];
const MAX_DIMS = 4096;

function deepMerge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = typeof v === 'object' && v !== null && !Array.isArray(v) && typeof b === 'object' && b !== null && !Array.isArray(b) ? deepMerge(b as Json, v as Json) : v;
  }
  return out;
}

const globMatches = (pattern: string, name: string) => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^$()|[\]\\{}]/g, '\\$&')).join('.*')}$`).test(name);

export class FakeEsCluster {
  readonly indices = new Map<string, FakeEsIndex>();
  readonly templates = new Map<string, Json>();
  /** Documents `_delete_by_query` finds changed under it (a 409 version conflict each). */
  readonly conflicting = new Set<string>();
  /** Refresh after every write, as `refresh=true` would; false to see what only a refresh makes visible. */
  autoRefresh = true;

  constructor(
    readonly version: string,
    /** `basic`, `platinum` (what Alibaba Cloud Elasticsearch includes) or `enterprise`. */
    readonly license: string,
  ) {}

  /** Concrete indices for a name, alias, comma list or wildcard; 404 for a missing concrete name. */
  resolve(expression: string): FakeEsIndex[] {
    const out = new Set<FakeEsIndex>();
    for (const name of expression.split(',')) {
      const before = out.size;
      for (const index of this.indices.values()) {
        if (index.name === name || index.aliases.has(name) || (name.includes('*') && globMatches(name, index.name)) || name === '_all') out.add(index);
      }
      if (out.size === before && !name.includes('*')) throw indexNotFound(name);
    }
    return [...out];
  }

  putTemplate(name: string, body: Json): Json {
    if (!Array.isArray(body.index_patterns)) throw new ElasticsearchFailure(400, 'action_request_validation_exception', 'Validation Failed: 1: index patterns are missing;');
    const template = (body.template ?? {}) as Json;
    if (template.mappings !== undefined) this.validateMappings(template.mappings as Json);
    this.templates.set(name, body);
    return { acknowledged: true };
  }

  private validateMappings(mappings: Json): void {
    for (const [field, spec] of Object.entries((mappings.properties ?? {}) as Record<string, Json>)) {
      if (spec.type !== 'dense_vector') continue;
      const dims = Number(spec.dims);
      if (!Number.isInteger(dims) || dims < 1 || dims > MAX_DIMS) throw new ElasticsearchFailure(400, 'mapper_parsing_exception', `The number of dimensions should be in the range [1, ${MAX_DIMS}] but was [${String(spec.dims)}]`);
      const options = spec.index_options as Json | undefined;
      if (options === undefined) continue;
      const since = INDEX_TYPES[String(options.type)];
      if (since === undefined || compareVersions(this.version, since) < 0) {
        throw new ElasticsearchFailure(400, 'mapper_parsing_exception', `Failed to parse mapping: Unknown vector index options type [${String(options.type)}] for field [${field}]`);
      }
      const m = Number(options.m ?? 16);
      const ef = Number(options.ef_construction ?? 100);
      if (m < 2 || m > 100) throw new ElasticsearchFailure(400, 'mapper_parsing_exception', `Failed to parse mapping: [m] must be between 2 and 100, got [${m}]`);
      if (ef < 32 || ef > 3200) throw new ElasticsearchFailure(400, 'mapper_parsing_exception', `Failed to parse mapping: [ef_construction] must be between 32 and 3200, got [${ef}]`);
    }
  }

  createIndex(name: string, body: Json): Json {
    if (this.indices.has(name)) {
      throw new ElasticsearchFailure(400, 'resource_already_exists_exception', `index [${name}/${this.indices.get(name)!.uuid}] already exists`, { index: name });
    }
    for (const alias of Object.keys((body.aliases ?? {}) as Json)) {
      if (this.indices.has(alias)) throw new ElasticsearchFailure(400, 'invalid_alias_name_exception', `Invalid alias name [${alias}]: an index or data stream exists with the same name as the alias`);
    }
    const template = [...this.templates.values()]
      .filter((t) => (t.index_patterns as string[]).some((p) => globMatches(p, name)))
      .sort((a, b) => Number(b.priority ?? 0) - Number(a.priority ?? 0))[0];
    const base = (template?.template ?? {}) as Json;
    const mappings = deepMerge((base.mappings ?? {}) as Json, (body.mappings ?? {}) as Json);
    this.validateMappings(mappings);
    const index: FakeEsIndex = {
      name,
      uuid: randomUUID(),
      settings: deepMerge((base.settings ?? {}) as Json, (body.settings ?? {}) as Json),
      mappings,
      aliases: new Set([...Object.keys((base.aliases ?? {}) as Json), ...Object.keys((body.aliases ?? {}) as Json)]),
      docs: new Map(),
      visible: new Map(),
    };
    this.indices.set(name, index);
    return { acknowledged: true, shards_acknowledged: true, index: name };
  }

  getIndices(expression: string): Json {
    return Object.fromEntries(
      this.resolve(expression).map((i) => [i.name, { aliases: Object.fromEntries([...i.aliases].map((a) => [a, {}])), mappings: i.mappings, settings: { index: { ...i.settings, uuid: i.uuid, provided_name: i.name } } }]),
    );
  }

  deleteIndices(expression: string): Json {
    for (const index of this.resolve(expression)) this.indices.delete(index.name);
    return { acknowledged: true };
  }

  updateAliases(actions: Json[]): Json {
    // Validated as a whole first: the actions apply together or not at all.
    const steps = actions.map((action) => {
      const [type, spec] = Object.entries(action)[0] as [string, Json];
      if (type !== 'add' && type !== 'remove') throw parsingError(`Unknown action [${type}]`);
      const index = this.indices.get(String(spec.index));
      if (index === undefined) throw indexNotFound(String(spec.index));
      if (type === 'remove' && !index.aliases.has(String(spec.alias))) {
        throw new ElasticsearchFailure(404, 'aliases_not_found_exception', `aliases [${String(spec.alias)}] missing`, { 'resource.type': 'aliases', 'resource.id': String(spec.alias) });
      }
      return { type, index, alias: String(spec.alias) };
    });
    for (const { type, index, alias } of steps) {
      if (type === 'add') index.aliases.add(alias);
      else index.aliases.delete(alias);
    }
    return { acknowledged: true, errors: false };
  }

  refresh(expression: string): Json {
    const indices = this.resolve(expression);
    for (const index of indices) index.visible = new Map(index.docs);
    return { _shards: { total: indices.length, successful: indices.length, failed: 0 } };
  }

  /** The index a write names: a concrete index, or an alias that points at exactly one. */
  writeIndex(name: string): FakeEsIndex {
    const direct = this.indices.get(name);
    if (direct !== undefined) return direct;
    const behind = [...this.indices.values()].filter((i) => i.aliases.has(name));
    if (behind.length === 0) throw indexNotFound(name);
    if (behind.length > 1) {
      throw new ElasticsearchFailure(400, 'illegal_argument_exception', `no write index is defined for alias [${name}]. The write index may be explicitly disabled using is_write_index=false or the alias points to multiple indices without one being designated as a write index`);
    }
    return behind[0]!;
  }

  indexDocument(target: string, id: string, source: Json): Json {
    const index = this.writeIndex(target);
    const properties = (index.mappings.properties ?? {}) as Record<string, Json>;
    for (const [field, value] of Object.entries(source)) {
      const spec = properties[field];
      if (spec === undefined) {
        if (index.mappings.dynamic === 'strict') throw new ElasticsearchFailure(400, 'strict_dynamic_mapping_exception', `[1:2] mapping set to strict, dynamic introduction of [${field}] within [_doc] is not allowed`);
        continue;
      }
      if (spec.type !== 'dense_vector') continue;
      const vector = value as number[];
      if (!Array.isArray(vector) || vector.length !== spec.dims) {
        throw new ElasticsearchFailure(400, 'document_parsing_exception', `[1:2] The [dense_vector] field [${field}] in doc [document with id '${id}'] has a different number of dimensions [${Array.isArray(vector) ? vector.length : 0}] than defined in the mapping [${String(spec.dims)}]`);
      }
      if (spec.similarity === 'dot_product' && Math.abs(Math.sqrt(dot(vector, vector)) - 1) > 1e-4) {
        throw new ElasticsearchFailure(400, 'document_parsing_exception', `[1:2] The [dot_product] similarity can only be used with unit-length vectors. Preview of invalid vector: [${vector.slice(0, 5).join(', ')}, ...]`);
      }
    }
    const previous = index.docs.get(id);
    const doc: StoredDoc = { id, index: index.name, source, version: (previous?.version ?? 0) + 1 };
    index.docs.set(id, doc);
    if (this.autoRefresh) index.visible.set(id, doc);
    return { _index: index.name, _id: id, _version: doc.version, result: previous === undefined ? 'created' : 'updated', status: previous === undefined ? 201 : 200, _seq_no: 0, _primary_term: 1, _shards: { total: 1, successful: 1, failed: 0 } };
  }

  deleteByQuery(expression: string, query: Json, proceed: boolean): [number, Json] {
    let deleted = 0;
    let conflicts = 0;
    const failures: Json[] = [];
    for (const index of this.resolve(expression)) {
      const bm25 = new Bm25([...index.visible.values()]);
      for (const doc of [...index.visible.values()]) {
        if (evaluate(query, doc, bm25) === undefined) continue;
        if (this.conflicting.has(doc.id)) {
          conflicts++;
          if (!proceed) failures.push({ index: index.name, id: doc.id, cause: { type: 'version_conflict_engine_exception', reason: `[${doc.id}]: version conflict, required seqNo [0], primary term [1]. current document has seqNo [1] and primary term [1]`, index: index.name }, status: 409 });
          continue;
        }
        index.docs.delete(doc.id);
        index.visible.delete(doc.id);
        deleted++;
      }
    }
    const body = { took: 1, timed_out: false, total: deleted + conflicts, deleted, batches: 1, version_conflicts: conflicts, noops: 0, retries: { bulk: 0, search: 0 }, throttled_millis: 0, requests_per_second: -1, throttled_until_millis: 0, failures };
    return [failures.length > 0 ? 409 : 200, body];
  }

  search(expression: string, body: Json): Json {
    for (const key of Object.keys(body)) if (!SEARCH_KEYS.includes(key)) throw parsingError(`Unknown key for a START_OBJECT in [${key}].`);
    if (body.retriever !== undefined) {
      if (compareVersions(this.version, '8.14.0') < 0) throw parsingError('Unknown key for a START_OBJECT in [retriever].');
      if (body.query !== undefined || body.knn !== undefined) throw new ElasticsearchFailure(400, 'action_request_validation_exception', 'Validation Failed: 1: cannot specify [retriever] and [query];');
    }
    const indices = this.resolve(expression);
    const docs = indices.flatMap((i) => [...i.visible.values()]);
    const bm25 = new Bm25(docs);
    const size = Number(body.size ?? 10);
    let hits: Hit[];
    if (body.retriever !== undefined) hits = this.retrieve(body.retriever as Json, docs, bm25, indices);
    else {
      const lists: Hit[][] = [];
      if (body.query !== undefined) lists.push(this.query(body.query as Json, docs, bm25));
      if (body.knn !== undefined) lists.push(this.knn(body.knn as Json, docs, bm25, indices));
      if (lists.length === 0) lists.push(docs.map((doc) => ({ doc, score: 1 })));
      // Query and knn together: scores add up (a disjunction), as Elasticsearch combines them.
      const sum = new Map<StoredDoc, number>();
      for (const list of lists) for (const hit of list) sum.set(hit.doc, (sum.get(hit.doc) ?? 0) + hit.score);
      hits = [...sum].map(([doc, score]) => ({ doc, score })).sort((a, b) => b.score - a.score);
    }
    const excludes = ((body._source as Json | undefined)?.excludes ?? []) as string[];
    return {
      took: 1,
      timed_out: false,
      _shards: { total: indices.length, successful: indices.length, skipped: 0, failed: 0 },
      hits: {
        total: { value: hits.length, relation: 'eq' },
        max_score: hits[0]?.score ?? null,
        hits: hits.slice(0, size).map((h) => ({ _index: h.doc.index, _id: h.doc.id, _score: h.score, _source: Object.fromEntries(Object.entries(h.doc.source).filter(([k]) => !excludes.includes(k))) })),
      },
    };
  }

  private query(query: Json, docs: StoredDoc[], bm25: Bm25): Hit[] {
    // Parsed before it runs, as Elasticsearch does: a malformed query fails on an empty index too.
    evaluate(query, { id: '', index: '', source: {}, version: 0 }, bm25);
    return docs.flatMap((doc) => {
      const score = evaluate(query, doc, bm25);
      return score === undefined ? [] : [{ doc, score }];
    }).sort((a, b) => b.score - a.score);
  }

  private knn(spec: Json, docs: StoredDoc[], bm25: Bm25, indices: FakeEsIndex[]): Hit[] {
    const field = String(spec.field);
    const mapping = ((indices[0]?.mappings.properties ?? {}) as Record<string, Json>)[field];
    if (mapping?.type !== 'dense_vector') throw new ElasticsearchFailure(400, 'illegal_argument_exception', `[knn] queries are only supported on [dense_vector] fields; field [${field}] is not`);
    const vector = spec.query_vector as number[];
    if (vector.length !== mapping.dims) throw new ElasticsearchFailure(400, 'illegal_argument_exception', `The query vector has a different number of dimensions [${vector.length}] than the document vectors [${String(mapping.dims)}].`);
    const k = Number(spec.k ?? spec.size ?? 10);
    const candidates = Number(spec.num_candidates ?? Math.max(Math.round(1.5 * k), 100));
    if (candidates < k) throw new ElasticsearchFailure(400, 'illegal_argument_exception', `[num_candidates] cannot be less than [k]`);
    if (candidates > 10_000) throw new ElasticsearchFailure(400, 'illegal_argument_exception', '[num_candidates] cannot exceed [10000]');
    // The filter applies during the search (pre-filtering): the k nearest among the documents that match it.
    const filters = spec.filter === undefined ? [] : Array.isArray(spec.filter) ? (spec.filter as Json[]) : [spec.filter as Json];
    return docs
      .filter((doc) => filters.every((f) => evaluate(f, doc, bm25) !== undefined))
      .map((doc) => ({ doc, score: (1 + dot(vector, doc.source[field] as number[])) / 2 }))
      .sort((a, b) => b.score - a.score)
      .slice(0, k);
  }

  private retrieve(retriever: Json, docs: StoredDoc[], bm25: Bm25, indices: FakeEsIndex[]): Hit[] {
    const [[type, spec]] = Object.entries(retriever) as [[string, Json]];
    const filters = spec.filter === undefined ? [] : Array.isArray(spec.filter) ? (spec.filter as Json[]) : [spec.filter as Json];
    const filtered = (hits: Hit[]) => hits.filter((h) => filters.every((f) => evaluate(f, h.doc, bm25) !== undefined));
    switch (type) {
      case 'standard':
        return filtered(this.query((spec.query ?? { match_all: {} }) as Json, docs, bm25));
      case 'knn': {
        if (spec.k === undefined || spec.num_candidates === undefined) throw new ElasticsearchFailure(400, 'x_content_parse_exception', '[knn] retriever requires [k] and [num_candidates]');
        return this.knn(spec, docs, bm25, indices);
      }
      case 'rrf': {
        if (this.license !== 'enterprise' && this.license !== 'trial') {
          throw new ElasticsearchFailure(403, 'security_exception', 'current license is non-compliant for [Reciprocal Rank Fusion (RRF)]', { 'license.expired.feature': 'Reciprocal Rank Fusion (RRF)' });
        }
        const window = Number(spec.rank_window_size ?? 10);
        const lists = ((spec.retrievers ?? []) as Json[]).map((r) => this.retrieve(r, docs, bm25, indices));
        if (lists.length < 2) throw new ElasticsearchFailure(400, 'illegal_argument_exception', 'The [rrf] retriever requires at least 2 retrievers');
        return filtered(reciprocalRankFusion(lists, Number(spec.rank_constant ?? 60), window));
      }
      default:
        throw parsingError(`Unknown key for a START_OBJECT in [${type}].`);
    }
  }
}
