// The state of the fake OpenSearch and the semantics onramp relies on: index templates applied at index
// creation, aliases (with atomic `_aliases`), strict mappings and knn_vector dimensions enforced per bulk
// item, refresh visibility, delete_by_query, search with knn/hybrid, and the engine/space-type rules of the
// k-NN plugin at the version being imitated. Errors have OpenSearch's shape: `{error: {root_cause, type,
// reason}, status}`.
import { randomUUID } from 'node:crypto';
import { compareVersions } from './version.js';
import { QueryError, QueryEvaluator, combineHybrid, type FakeDoc, type Scored } from './fake-opensearch-query.js';

type Json = Record<string, unknown>;

export class OpenSearchFailure extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly reason: string,
    readonly extra: Json = {},
  ) {
    super(reason);
  }

  get body(): Json {
    const cause = { type: this.type, reason: this.reason, ...this.extra };
    return { error: { root_cause: [cause], ...cause }, status: this.status };
  }
}

export interface FakeIndex {
  name: string;
  uuid: string;
  settings: Json;
  mappings: Json;
  aliases: Set<string>;
  docs: Map<string, FakeDoc>;
}

const notFound = (name: string) =>
  new OpenSearchFailure(404, 'index_not_found_exception', `no such index [${name}]`, { 'resource.type': 'index_or_alias', 'resource.id': name, index_uuid: '_na_', index: name });

const SPACES: Record<string, string[]> = {
  faiss: ['l2', 'innerproduct', 'cosinesimil'],
  lucene: ['l2', 'cosinesimil', 'innerproduct'],
  nmslib: ['l2', 'innerproduct', 'cosinesimil', 'l1', 'linf'],
};

function deepMerge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = typeof v === 'object' && v !== null && !Array.isArray(v) && typeof b === 'object' && b !== null && !Array.isArray(b) ? deepMerge(b as Json, v as Json) : v;
  }
  return out;
}

function globMatches(pattern: string, name: string): boolean {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^$()|[\]\\{}]/g, '\\$&')).join('.*')}$`).test(name);
}

export class FakeCluster {
  readonly indices = new Map<string, FakeIndex>();
  readonly templates = new Map<string, Json>();
  readonly pipelines = new Map<string, Json>();
  /** When true every write is visible at once; when false, only after a refresh (OpenSearch refreshes each second). */
  autoRefresh = true;
  private seqNo = 0;

  constructor(readonly version: string) {}

  /** Concrete indices for a name, alias or comma-separated list of them. */
  resolve(target: string): FakeIndex[] {
    const out = new Set<FakeIndex>();
    for (const name of target.split(',')) {
      const direct = this.indices.get(name);
      const viaAlias = [...this.indices.values()].filter((i) => i.aliases.has(name));
      if (direct === undefined && viaAlias.length === 0) throw notFound(name);
      if (direct !== undefined) out.add(direct);
      viaAlias.forEach((i) => out.add(i));
    }
    return [...out];
  }

  private nameTaken(name: string): boolean {
    return this.indices.has(name) || [...this.indices.values()].some((i) => i.aliases.has(name));
  }

  createIndex(name: string, body: Json): Json {
    if (this.nameTaken(name)) {
      const uuid = this.indices.get(name)?.uuid ?? '_na_';
      throw new OpenSearchFailure(400, 'resource_already_exists_exception', `index [${name}/${uuid}] already exists`, { index_uuid: uuid, index: name });
    }
    const templates = [...this.templates.values()]
      .filter((t) => (t.index_patterns as string[]).some((p) => globMatches(p, name)))
      .sort((a, b) => Number(a.priority ?? 0) - Number(b.priority ?? 0));
    let settings: Json = {};
    let mappings: Json = {};
    for (const t of templates) {
      const template = (t.template ?? {}) as Json;
      settings = deepMerge(settings, (template.settings ?? {}) as Json);
      mappings = deepMerge(mappings, (template.mappings ?? {}) as Json);
    }
    settings = deepMerge(settings, (body.settings ?? {}) as Json);
    mappings = deepMerge(mappings, (body.mappings ?? {}) as Json);
    this.checkMappings(settings, mappings);
    const aliases = new Set(Object.keys((body.aliases ?? {}) as Json));
    this.indices.set(name, { name, uuid: randomUUID(), settings, mappings, aliases, docs: new Map() });
    return { acknowledged: true, shards_acknowledged: true, index: name };
  }

  private checkMappings(settings: Json, mappings: Json): void {
    const knnEnabled = ((settings.index ?? {}) as Json).knn === true || ((settings.index ?? {}) as Json).knn === 'true';
    for (const [field, raw] of Object.entries((mappings.properties ?? {}) as Json)) {
      const prop = raw as Json;
      if (prop.type !== 'knn_vector') continue;
      const fail = (reason: string) => new OpenSearchFailure(400, 'mapper_parsing_exception', `Failed to parse mapping [_doc]: ${reason}`);
      if (!knnEnabled && prop.method !== undefined) throw fail(`Cannot set method for field [${field}] when index.knn is false`);
      const method = (prop.method ?? {}) as Json;
      const engine = String(method.engine ?? 'faiss');
      const space = String(method.space_type ?? 'l2');
      if (!(engine in SPACES)) throw fail(`Invalid engine [${engine}]`);
      const supported = SPACES[engine]!.filter((s) => !(engine === 'faiss' && s === 'cosinesimil' && compareVersions(this.version, '2.19') < 0));
      if (!supported.includes(space)) throw fail(`Validation Failed: 1: ${engine} engine does not support space type [${space}];`);
      if (engine === 'nmslib' && compareVersions(this.version, '3.0') >= 0) throw fail('nmslib engine is deprecated in OpenSearch and cannot be used for new index creation');
    }
  }

  getIndices(target: string): Json {
    return Object.fromEntries(
      this.resolve(target).map((i) => [
        i.name,
        {
          aliases: Object.fromEntries([...i.aliases].map((a) => [a, {}])),
          mappings: i.mappings,
          // OpenSearch returns settings as strings, with uuid and creation date added.
          settings: { index: { ...stringify((i.settings.index ?? {}) as Json), uuid: i.uuid, provided_name: i.name, creation_date: String(Date.now()) }, ...(i.settings.analysis ? { analysis: i.settings.analysis } : {}) },
        },
      ]),
    );
  }

  deleteIndices(target: string): Json {
    for (const name of target.split(',')) {
      if (!this.indices.has(name)) throw notFound(name);
    }
    for (const name of target.split(',')) this.indices.delete(name);
    return { acknowledged: true };
  }

  updateAliases(actions: Json[]): Json {
    const plan: (() => void)[] = [];
    for (const action of actions) {
      const [kind, spec] = Object.entries(action)[0] as [string, Json];
      const index = this.indices.get(String(spec.index));
      if (index === undefined) throw notFound(String(spec.index));
      const alias = String(spec.alias);
      if (kind === 'add') plan.push(() => index.aliases.add(alias));
      else if (kind === 'remove') {
        if (!index.aliases.has(alias)) throw new OpenSearchFailure(404, 'aliases_not_found_exception', `aliases [${alias}] missing`, { 'resource.type': 'aliases', 'resource.id': alias });
        plan.push(() => index.aliases.delete(alias));
      } else if (kind === 'remove_index') plan.push(() => this.indices.delete(index.name));
    }
    plan.forEach((apply) => apply());
    return { acknowledged: true };
  }

  refresh(target: string): Json {
    const indices = this.resolve(target);
    for (const i of indices) for (const d of i.docs.values()) d.visible = true;
    return { _shards: { total: indices.length * 2, successful: indices.length, failed: 0 } };
  }

  /** One bulk item; returns the item result as OpenSearch reports it, with `status` and `error` on failure. */
  indexDocument(target: string, id: string, source: Json): Json {
    let index: FakeIndex;
    try {
      const indices = this.resolve(target);
      if (indices.length > 1) throw new OpenSearchFailure(400, 'illegal_argument_exception', `no write index is defined for alias [${target}]. The write index may be explicitly disabled using is_write_index=false or the alias points to multiple indices without one being designated as a write index`);
      index = indices[0]!;
    } catch (error) {
      const failure = error as OpenSearchFailure;
      return { _index: target, _id: id, status: failure.status, error: failure.body.error };
    }
    const problem = this.checkDocument(index, id, source);
    if (problem !== undefined) return { _index: index.name, _id: id, status: problem.status, error: problem.body.error };
    const existing = index.docs.get(id);
    index.docs.set(id, { id, index: index.name, source, visible: this.autoRefresh });
    return {
      _index: index.name,
      _id: id,
      _version: 1,
      result: existing === undefined ? 'created' : 'updated',
      _shards: { total: 2, successful: 1, failed: 0 },
      _seq_no: this.seqNo++,
      _primary_term: 1,
      status: existing === undefined ? 201 : 200,
    };
  }

  private checkDocument(index: FakeIndex, id: string, source: Json): OpenSearchFailure | undefined {
    const properties = (index.mappings.properties ?? {}) as Record<string, Json>;
    for (const [field, value] of Object.entries(source)) {
      const mapping = properties[field];
      if (mapping === undefined) {
        if (index.mappings.dynamic === 'strict') return new OpenSearchFailure(400, 'strict_dynamic_mapping_exception', `mapping set to strict, dynamic introduction of [${field}] within [_doc] is not allowed`);
        continue;
      }
      const parseFailure = (cause: string) =>
        new OpenSearchFailure(400, 'mapper_parsing_exception', `failed to parse field [${field}] of type [${String(mapping.type)}] in document with id '${id}'`, {
          caused_by: { type: 'illegal_argument_exception', reason: cause },
        });
      if (mapping.type === 'knn_vector') {
        if (!Array.isArray(value) || value.some((x) => typeof x !== 'number')) return parseFailure('Vector values must be numbers');
        if (value.length !== mapping.dimension) return parseFailure(`Vector dimension mismatch. Expected: ${String(mapping.dimension)}, Given: ${value.length}`);
      } else if (mapping.type === 'keyword' || mapping.type === 'text') {
        if ((Array.isArray(value) ? value : [value]).some((v) => typeof v !== 'string' && v !== null)) return parseFailure(`expected a string for ${String(mapping.type)}`);
      } else if (mapping.type === 'boolean' && typeof value !== 'boolean') return parseFailure(`Failed to parse value [${String(value)}] as only [true] or [false] are allowed.`);
    }
    return undefined;
  }

  deleteByQuery(target: string, query: Json): Json {
    const indices = this.resolve(target);
    const docs = indices.flatMap((i) => [...i.docs.values()]).filter((d) => d.visible);
    const matched = this.evaluator(docs).run(query);
    for (const { doc } of matched) this.indices.get(doc.index)?.docs.delete(doc.id);
    return {
      took: 1, timed_out: false, total: matched.length, deleted: matched.length, batches: matched.length > 0 ? 1 : 0, version_conflicts: 0, noops: 0,
      retries: { bulk: 0, search: 0 }, throttled_millis: 0, requests_per_second: -1, throttled_until_millis: 0, failures: [],
    };
  }

  search(target: string, body: Json, pipelineId: string | undefined): Json {
    const indices = this.resolve(target);
    const docs = indices.flatMap((i) => [...i.docs.values()]).filter((d) => d.visible);
    const evaluator = this.evaluator(docs);
    const query = (body.query ?? { match_all: {} }) as Json;
    let scored: Scored[];
    try {
      if ('hybrid' in query) {
        const processor = this.normalizationProcessor(pipelineId);
        const queries = ((query.hybrid as Json).queries ?? []) as Json[];
        const weights = ((processor.combination as Json | undefined)?.parameters as Json | undefined)?.weights as number[] | undefined;
        scored = combineHybrid(queries.map((q) => evaluator.run(q)), weights ?? queries.map(() => 1));
      } else {
        scored = evaluator.run(query);
      }
    } catch (error) {
      if (error instanceof QueryError) throw new OpenSearchFailure(400, error.type, error.message);
      throw error;
    }
    scored.sort((a, b) => b.score - a.score || a.doc.id.localeCompare(b.doc.id));
    const excludes = new Set(((body._source as Json | undefined)?.excludes ?? []) as string[]);
    const hits = scored.slice(0, Number(body.size ?? 10)).map(({ doc, score }) => ({
      _index: doc.index,
      _id: doc.id,
      _score: score,
      _source: Object.fromEntries(Object.entries(doc.source).filter(([k]) => !excludes.has(k))),
    }));
    return {
      took: 2,
      timed_out: false,
      _shards: { total: indices.length, successful: indices.length, skipped: 0, failed: 0 },
      hits: { total: { value: scored.length, relation: 'eq' }, max_score: hits[0]?._score ?? null, hits },
    };
  }

  private normalizationProcessor(pipelineId: string | undefined): Json {
    const pipeline = pipelineId === undefined ? undefined : this.pipelines.get(pipelineId);
    if (pipelineId !== undefined && pipeline === undefined) throw new OpenSearchFailure(404, 'resource_not_found_exception', `Pipeline ${pipelineId} is not defined`);
    const processors = ((pipeline?.phase_results_processors ?? []) as Json[]).map((p) => p['normalization-processor'] as Json | undefined);
    const processor = processors.find((p) => p !== undefined);
    if (processor === undefined) throw new OpenSearchFailure(400, 'illegal_argument_exception', 'hybrid query must be used with a search pipeline that has a normalization-processor');
    return processor;
  }

  private evaluator(docs: FakeDoc[]): QueryEvaluator {
    return new QueryEvaluator(docs, (index, field) => {
      const prop = ((this.indices.get(index)?.mappings.properties ?? {}) as Record<string, Json>)[field];
      if (prop?.type !== 'knn_vector') return undefined;
      const method = (prop.method ?? {}) as Json;
      return { spaceType: String(method.space_type ?? 'l2'), engine: String(method.engine ?? 'faiss') };
    });
  }
}

function stringify(settings: Json): Json {
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, typeof v === 'object' && v !== null ? stringify(v as Json) : String(v)]));
}
