// A local HTTP server that answers like Elasticsearch 8 for the endpoints onramp uses (info, index templates,
// index create/get/delete, `_aliases`, `_refresh`, `_bulk`, `_delete_by_query`, `_search`, single-document
// index and get), with Elasticsearch's
// error bodies and statuses, and the `x-elastic-product: Elasticsearch` header the official client insists on.
// It refuses requests the real server would refuse (unknown routes or body keys, unknown query clauses, a body
// without the client's `compatible-with=8` media type), records every request, and can be told to fail.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeEsCluster } from './fake-elasticsearch-cluster.js';
import { ElasticsearchFailure } from './fake-elasticsearch-query.js';

type Json = Record<string, unknown>;

export interface RecordedEsRequest {
  method: string;
  path: string;
  operation: string;
  body: unknown;
  headers: IncomingMessage['headers'];
}

export interface FakeElasticsearchOptions {
  /** The version `GET /` reports and whose rules apply (default 8.17.0, Alibaba Cloud's newest 8.x). */
  version?: string;
  /** `platinum` by default: what Alibaba Cloud Elasticsearch includes. RRF needs `enterprise`. */
  license?: string;
  /** Leave out the x-elastic-product header, as a server that is not Elasticsearch would. */
  omitProductHeader?: boolean;
}

export interface FakeElasticsearch {
  url: string;
  cluster: FakeEsCluster;
  requests: RecordedEsRequest[];
  /** Answer the next `times` requests of an operation with this status and error (429s may carry Retry-After). */
  fail(operation: string, status: number, type: string, reason: string, times?: number, retryAfterSeconds?: number): void;
  /** Fail single bulk items (by document id), the next `times` times each is sent. */
  failItems(ids: string[], status: number, type: string, reason: string, times?: number): void;
  operations(): string[];
  close(): Promise<void>;
}

interface Route {
  method: string[];
  pattern: RegExp;
  operation: string;
}

// Most specific first; `{index}` never starts with `_`, as Elasticsearch index names cannot.
const ROUTES: Route[] = [
  { method: ['GET'], pattern: /^\/$/, operation: 'info' },
  { method: ['PUT', 'POST'], pattern: /^\/_index_template\/(?<name>[^/_][^/]*)$/, operation: 'indices.put_index_template' },
  { method: ['POST'], pattern: /^\/_aliases$/, operation: 'indices.update_aliases' },
  { method: ['POST', 'PUT'], pattern: /^\/_bulk$/, operation: 'bulk' },
  { method: ['POST', 'GET'], pattern: /^\/(?<index>[^/_][^/]*)\/_refresh$/, operation: 'indices.refresh' },
  { method: ['POST'], pattern: /^\/(?<index>[^/_][^/]*)\/_delete_by_query$/, operation: 'delete_by_query' },
  { method: ['POST', 'GET'], pattern: /^\/(?<index>[^/_][^/]*)\/_search$/, operation: 'search' },
  { method: ['PUT', 'POST'], pattern: /^\/(?<index>[^/_][^/]*)\/_doc\/(?<id>[^/]+)$/, operation: 'index' },
  { method: ['GET'], pattern: /^\/(?<index>[^/_][^/]*)\/_doc\/(?<id>[^/]+)$/, operation: 'get' },
  { method: ['PUT'], pattern: /^\/(?<index>[^/_][^/]*)$/, operation: 'indices.create' },
  { method: ['GET'], pattern: /^\/(?<index>[^/_][^/]*)$/, operation: 'indices.get' },
  { method: ['DELETE'], pattern: /^\/(?<index>[^/_][^/]*)$/, operation: 'indices.delete' },
];

const QUERY_PARAMS: Record<string, string[]> = {
  delete_by_query: ['conflicts', 'refresh', 'wait_for_completion', 'slices'],
  bulk: ['refresh', 'timeout'],
  index: ['refresh', 'op_type'],
  search: ['typed_keys', 'allow_partial_search_results'],
};

function route(method: string, path: string): { operation: string; params: Record<string, string> } | undefined {
  for (const r of ROUTES) {
    const match = r.pattern.exec(path);
    if (match !== null && r.method.includes(method)) {
      return { operation: r.operation, params: Object.fromEntries(Object.entries(match.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)])) };
    }
  }
  return undefined;
}

export async function startFakeElasticsearch(options: FakeElasticsearchOptions = {}): Promise<FakeElasticsearch> {
  const version = options.version ?? '8.17.0';
  const cluster = new FakeEsCluster(version, options.license ?? 'platinum');
  const faults: { operation: string; status: number; type: string; reason: string; times: number; retryAfter?: number }[] = [];
  const itemFaults = new Map<string, { status: number; type: string; reason: string; times: number }>();

  const fake: FakeElasticsearch = {
    url: '',
    cluster,
    requests: [],
    fail(operation, status, type, reason, times = 1, retryAfterSeconds) {
      faults.push({ operation, status, type, reason, times, ...(retryAfterSeconds === undefined ? {} : { retryAfter: retryAfterSeconds }) });
    },
    failItems(ids, status, type, reason, times = Infinity) {
      for (const id of ids) itemFaults.set(id, { status, type, reason, times });
    },
    operations: () => fake.requests.map((r) => r.operation),
    close: async () => {},
  };

  function bulk(lines: Json[]): Json {
    const items: Json[] = [];
    for (let i = 0; i < lines.length; i += 2) {
      const [kind, action] = Object.entries(lines[i]!)[0] as [string, Json];
      if (kind !== 'index') throw new ElasticsearchFailure(400, 'illegal_argument_exception', `the fake implements only the index bulk action, not [${kind}]`);
      if (action._index === undefined) throw new ElasticsearchFailure(400, 'action_request_validation_exception', 'Validation Failed: 1: index is missing;');
      const id = String(action._id);
      const fault = itemFaults.get(id);
      if (fault !== undefined && fault.times-- > 0) {
        items.push({ index: { _index: action._index, _id: id, status: fault.status, error: { type: fault.type, reason: fault.reason } } });
        continue;
      }
      try {
        items.push({ index: cluster.indexDocument(String(action._index), id, lines[i + 1] as Json) });
      } catch (error) {
        if (!(error instanceof ElasticsearchFailure)) throw error;
        items.push({ index: { _index: action._index, _id: id, status: error.status, error: { type: error.type, reason: error.reason } } });
      }
    }
    return { took: 3, errors: items.some((it) => (it.index as Json).error !== undefined), items };
  }

  function handle(operation: string, params: Record<string, string>, query: URLSearchParams, body: unknown): [number, unknown] {
    const b = (body ?? {}) as Json;
    switch (operation) {
      case 'info':
        return [200, { name: 'fake-es', cluster_name: 'fake', cluster_uuid: 'fake', version: { number: version, build_flavor: 'default', build_type: 'tar', lucene_version: '9.12.0', minimum_wire_compatibility_version: '7.17.0', minimum_index_compatibility_version: '7.0.0' }, tagline: 'You Know, for Search' }];
      case 'indices.put_index_template':
        return [200, cluster.putTemplate(params.name!, b)];
      case 'indices.create':
        return [200, cluster.createIndex(params.index!, b)];
      case 'indices.get':
        return [200, cluster.getIndices(params.index!)];
      case 'indices.delete':
        return [200, cluster.deleteIndices(params.index!)];
      case 'indices.update_aliases':
        return [200, cluster.updateAliases((b.actions ?? []) as Json[])];
      case 'indices.refresh':
        return [200, cluster.refresh(params.index!)];
      case 'bulk':
        return [200, bulk(body as Json[])];
      case 'index': {
        const { status, ...written } = cluster.indexDocument(params.index!, params.id!, b);
        return [Number(status), written];
      }
      case 'get': {
        const [index] = cluster.resolve(params.index!);
        // A get is real-time: it sees a document before any refresh.
        const doc = index!.docs.get(params.id!);
        if (doc === undefined) return [404, { _index: index!.name, _id: params.id, found: false }];
        return [200, { _index: index!.name, _id: doc.id, _version: doc.version, _seq_no: 0, _primary_term: 1, found: true, _source: doc.source }];
      }
      case 'delete_by_query':
        if (b.query === undefined) throw new ElasticsearchFailure(400, 'action_request_validation_exception', 'Validation Failed: 1: query is missing;');
        return cluster.deleteByQuery(params.index!, b.query as Json, query.get('conflicts') === 'proceed');
      case 'search':
        return [200, cluster.search(params.index!, b)];
      default:
        throw new ElasticsearchFailure(400, 'illegal_argument_exception', `the fake does not implement ${operation}`);
    }
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const url = new URL(req.url ?? '/', 'http://fake');
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        const text = method === 'HEAD' ? '' : JSON.stringify(payload);
        res.writeHead(status, {
          'content-type': 'application/vnd.elasticsearch+json;compatible-with=8',
          'content-length': Buffer.byteLength(text),
          ...(options.omitProductHeader ? {} : { 'x-elastic-product': 'Elasticsearch' }),
          ...headers,
        });
        res.end(text);
      };
      const fail = (error: ElasticsearchFailure, headers?: Record<string, string>) => send(error.status, error.body, headers);
      const found = route(method, url.pathname);
      const operation = found?.operation ?? `${method} ${url.pathname}`;
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        if (raw.trim() !== '') body = operation === 'bulk' ? raw.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown) : JSON.parse(raw);
      } catch (error) {
        return fail(new ElasticsearchFailure(400, 'x_content_parse_exception', (error as Error).message));
      }
      fake.requests.push({ method, path: `${url.pathname}${url.search}`, operation, body, headers: req.headers });
      if (found === undefined) return fail(new ElasticsearchFailure(405, 'illegal_argument_exception', `Incorrect HTTP method for uri [${url.pathname}] and method [${method}]`));
      // The 8.x client sends versioned media types; a body without them is a 7.x-style request.
      const type = String(req.headers['content-type'] ?? '');
      if (body !== undefined && !/^application\/vnd\.elasticsearch\+(json|x-ndjson); ?compatible-with=8$/.test(type)) {
        return fail(new ElasticsearchFailure(406, 'media_type_header_exception', `Invalid media-type value on headers [Content-Type]: ${type}`));
      }
      const allowed = QUERY_PARAMS[operation] ?? [];
      for (const name of url.searchParams.keys()) {
        if (!allowed.includes(name)) return fail(new ElasticsearchFailure(400, 'illegal_argument_exception', `request [${url.pathname}] contains unrecognized parameter: [${name}]`));
      }
      const fault = faults.find((f) => f.operation === operation && f.times > 0);
      if (fault !== undefined) {
        fault.times--;
        return fail(new ElasticsearchFailure(fault.status, fault.type, fault.reason), fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) });
      }
      try {
        const [status, payload] = handle(operation, found.params, url.searchParams, body);
        send(status, payload);
      } catch (error) {
        if (error instanceof ElasticsearchFailure) return fail(error);
        fail(new ElasticsearchFailure(500, 'exception', (error as Error).stack ?? String(error)));
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
