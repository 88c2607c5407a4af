// A local HTTP server that answers like OpenSearch 2.19 with the k-NN, neural-search and ML Commons plugins,
// and checks every request it gets against the OpenSearch API specification: the operation must exist, its
// query parameters must be defined, its body must validate (see opensearch-spec.ts). Its own responses are
// checked against the specification's response schemas too, so the fake cannot drift into answers OpenSearch
// would not give. A test asserts `violations` is empty.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { loadOpenSearchSpec, type SpecViolation } from './opensearch-spec.js';
import { FakeCluster, OpenSearchFailure } from './fake-opensearch-cluster.js';

type Json = Record<string, unknown>;

export interface RecordedRequest {
  method: string;
  path: string;
  operation: string;
  body: unknown;
  headers: IncomingMessage['headers'];
}

export interface KnnModel {
  modelId: string;
  state: 'training' | 'created' | 'failed';
  error: string;
  body: Json;
  polls: number;
}

export interface FakeOpenSearch {
  url: string;
  cluster: FakeCluster;
  requests: RecordedRequest[];
  violations: SpecViolation[];
  models: Map<string, KnnModel>;
  /** Deployed ML Commons text-embedding models and their dimension. */
  mlModels: Map<string, number>;
  /** GETs a model stays in `training` before it is `created` (or `failed`, see `trainingError`). */
  trainingPolls: number;
  trainingError: string | undefined;
  /** Answer the next `times` requests of an operation with this status and OpenSearch error body. */
  fail(operation: string, status: number, type: string, reason: string, times?: number): void;
  /** Fail single bulk items (by document id) with a status and error type, as OpenSearch does. */
  failItems(ids: string[], status: number, type: string, reason: string): void;
  operations(): string[];
  close(): Promise<void>;
}

/** A deterministic unit-ish vector from a text, so equal texts embed equally. */
export function fakeEmbedding(text: string, dimension: number): number[] {
  const out: number[] = [];
  for (let i = 0; out.length < dimension; i++) {
    const digest = createHash('sha256').update(`${i}:${text}`).digest();
    for (let j = 0; j + 1 < digest.length && out.length < dimension; j += 2) out.push((digest.readUInt16BE(j) / 65535) * 2 - 1);
  }
  return out;
}

function parseBody(raw: string, operation: string): unknown {
  if (raw.trim() === '') return undefined;
  if (operation === 'bulk') return raw.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
  return JSON.parse(raw) as unknown;
}

export async function startFakeOpenSearch(options: { version?: string } = {}): Promise<FakeOpenSearch> {
  const version = options.version ?? '2.19.0';
  const spec = loadOpenSearchSpec(version.split('.').slice(0, 2).join('.'));
  const cluster = new FakeCluster(version);
  const faults: { operation: string; status: number; type: string; reason: string; times: number }[] = [];
  const itemFaults = new Map<string, { status: number; type: string; reason: string }>();

  const fake: FakeOpenSearch = {
    url: '',
    cluster,
    requests: [],
    violations: [],
    models: new Map(),
    mlModels: new Map(),
    trainingPolls: 2,
    trainingError: undefined,
    fail(operation, status, type, reason, times = 1) {
      faults.push({ operation, status, type, reason, times });
    },
    failItems(ids, status, type, reason) {
      for (const id of ids) itemFaults.set(id, { status, type, reason });
    },
    operations() {
      return fake.requests.map((r) => r.operation);
    },
    close: async () => {},
  };

  function handle(method: string, path: string, operation: string, params: Record<string, string>, query: URLSearchParams, body: unknown): [number, unknown] {
    const b = (body ?? {}) as Json;
    switch (operation) {
      case 'info':
        return [200, { name: 'fake', cluster_name: 'fake', cluster_uuid: 'fake', version: { distribution: 'opensearch', number: version }, tagline: 'The OpenSearch Project: https://opensearch.org/' }];
      case 'indices.create':
        return [200, cluster.createIndex(params.index!, b)];
      case 'indices.get':
        return [200, cluster.getIndices(params.index!)];
      case 'indices.delete':
        return [200, cluster.deleteIndices(params.index!)];
      case 'indices.put_index_template':
        cluster.templates.set(params.name!, b);
        return [200, { acknowledged: true }];
      case 'indices.update_aliases':
        return [200, cluster.updateAliases((b.actions ?? []) as Json[])];
      case 'indices.refresh':
        return [200, cluster.refresh(params.index!)];
      case 'search_pipeline.put': {
        for (const p of (b.phase_results_processors ?? []) as Json[]) {
          const weights = (((p['normalization-processor'] as Json | undefined)?.combination as Json | undefined)?.parameters as Json | undefined)?.weights as number[] | undefined;
          if (weights !== undefined && Math.abs(weights.reduce((x, y) => x + y, 0) - 1) > 1e-6) {
            throw new OpenSearchFailure(400, 'illegal_argument_exception', 'sum of weights for combination must be equal to 1.0');
          }
        }
        cluster.pipelines.set(params.id!, b);
        return [200, { acknowledged: true }];
      }
      case 'bulk': {
        const lines = body as Json[];
        const items: Json[] = [];
        for (let i = 0; i < lines.length; i++) {
          const [kind, action] = Object.entries(lines[i]!)[0] as [string, Json];
          const target = String(action._index ?? params.index);
          const id = String(action._id);
          const fault = itemFaults.get(id);
          if (fault !== undefined) items.push({ [kind]: { _index: target, _id: id, status: fault.status, error: { type: fault.type, reason: fault.reason } } });
          else items.push({ [kind]: cluster.indexDocument(target, id, lines[i + 1] as Json) });
          i++;
        }
        return [200, { took: 3, errors: items.some((it) => Object.values(it).some((r) => (r as Json).error !== undefined)), items }];
      }
      case 'index': {
        const result = cluster.indexDocument(params.index!, params.id!, b);
        if (result.error !== undefined) throw new OpenSearchFailure(Number(result.status), String((result.error as Json).type), String((result.error as Json).reason));
        const { status, ...written } = result;
        return [Number(status), written];
      }
      case 'get': {
        const [index] = cluster.resolve(params.index!);
        // A get is real-time: it sees a document before any refresh.
        const doc = index!.docs.get(params.id!);
        if (doc === undefined) return [404, { _index: index!.name, _id: params.id, found: false }];
        return [200, { _index: index!.name, _id: doc.id, _version: 1, _seq_no: 0, _primary_term: 1, found: true, _source: doc.source }];
      }
      case 'delete_by_query':
        return [200, cluster.deleteByQuery(params.index!, (b.query ?? { match_all: {} }) as Json)];
      case 'search':
        return [200, cluster.search(params.index ?? '_all', b, query.get('search_pipeline') ?? undefined)];
      case 'knn.train_model': {
        const id = params.model_id!;
        if (fake.models.has(id)) throw new OpenSearchFailure(400, 'illegal_argument_exception', `Model with id "${id}" already exists`);
        const field = String(b.training_field);
        const [index] = cluster.resolve(String(b.training_index));
        const mapping = ((index!.mappings.properties ?? {}) as Record<string, Json>)[field];
        if (mapping?.type !== 'knn_vector') throw new OpenSearchFailure(400, 'illegal_argument_exception', `Field "${field}" is not of type knn_vector.`);
        if (mapping.dimension !== b.dimension) {
          throw new OpenSearchFailure(400, 'illegal_argument_exception', `Field "${field}" has dimension ${String(mapping.dimension)}, which is different from dimension specified in the training request: ${String(b.dimension)}`);
        }
        fake.models.set(id, { modelId: id, state: 'training', error: '', body: b, polls: 0 });
        return [200, { model_id: id }];
      }
      case 'knn.get_model': {
        const model = fake.models.get(params.model_id!);
        if (model === undefined) throw new OpenSearchFailure(404, 'resource_not_found_exception', `Unable to retrieve model [${params.model_id}]`);
        if (model.state === 'training' && ++model.polls > fake.trainingPolls) {
          model.state = fake.trainingError === undefined ? 'created' : 'failed';
          model.error = fake.trainingError ?? '';
        }
        const method = model.body.method as Json;
        const full: Json = {
          model_id: model.modelId,
          model_blob: model.state === 'created' ? 'SU5ERVhfQkxPQg==' : '',
          state: model.state,
          timestamp: new Date().toISOString(),
          description: model.body.description ?? '',
          error: model.error,
          space_type: method.space_type,
          dimension: model.body.dimension,
          engine: method.engine,
          training_node_assignment: 'fake-node',
        };
        const filter = query.get('filter_path')?.split(',');
        return [200, filter === undefined ? full : Object.fromEntries(Object.entries(full).filter(([k]) => filter.includes(k)))];
      }
      case 'ml.predict': {
        const dimension = fake.mlModels.get(params.model_id!);
        if (dimension === undefined) throw new OpenSearchFailure(404, 'status_exception', 'Failed to find model');
        if (params.algorithm_name !== 'text_embedding') throw new OpenSearchFailure(400, 'illegal_argument_exception', `Wrong algorithm name ${params.algorithm_name}`);
        const docs = (b.text_docs ?? []) as string[];
        return [
          200,
          {
            inference_results: docs.map((text) => ({
              output: [{ name: 'sentence_embedding', data_type: 'FLOAT32', shape: [dimension], data: fakeEmbedding(text, dimension) }],
            })),
          },
        ];
      }
      default:
        throw new OpenSearchFailure(400, 'illegal_argument_exception', `the fake does not implement ${operation} (${method} ${path})`);
    }
  }

  function pathParams(template: string, path: string): Record<string, string> {
    const names = template.split('/').filter(Boolean);
    const values = path.split('?')[0]!.split('/').filter(Boolean);
    return Object.fromEntries(names.flatMap((n, i) => (n.startsWith('{') ? [[n.slice(1, -1), decodeURIComponent(values[i]!)]] : [])));
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const send = (status: number, payload: unknown, operation?: string) => {
        if (operation !== undefined) fake.violations.push(...spec.validateResponse(method, path, status, payload));
        const text = payload === undefined || method === 'HEAD' ? '' : JSON.stringify(payload);
        res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      };
      const op = spec.findOperation(method, path);
      const operation = op?.group ?? `${method} ${path}`;
      let body: unknown;
      try {
        body = parseBody(Buffer.concat(chunks).toString('utf8'), operation);
      } catch (error) {
        return send(400, new OpenSearchFailure(400, 'json_parse_exception', (error as Error).message).body);
      }
      fake.requests.push({ method, path, operation, body, headers: req.headers });
      const violations = spec.validateRequest(method, path, body);
      if (violations.length > 0) {
        fake.violations.push(...violations);
        return send(400, new OpenSearchFailure(400, 'x_content_parse_exception', `request does not follow the API specification: ${violations.map((v) => `${v.where} ${v.message}`).join('; ')}`).body);
      }
      const fault = faults.find((f) => f.operation === operation && f.times > 0);
      if (fault !== undefined) {
        fault.times--;
        return send(fault.status, new OpenSearchFailure(fault.status, fault.type, fault.reason).body);
      }
      try {
        const [status, payload] = handle(method, path, operation, pathParams(op!.template, path), new URL(path, 'http://x').searchParams, body);
        send(status, payload, operation);
      } catch (error) {
        if (error instanceof OpenSearchFailure) return send(error.status, error.body, operation);
        send(500, new OpenSearchFailure(500, 'exception', (error as Error).stack ?? String(error)).body);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
