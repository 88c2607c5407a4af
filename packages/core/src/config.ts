// The one place that reads process.env: every variable is parsed and checked once, at start,
// into a typed object; anything wrong stops the process with the variable named.
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from './errors.js';
import type { DocsRoots } from './events/document-location.js';
import { IDAAS_SOURCE } from './events/event-types.js';
import { readHrMapping, type HrMapping } from './hr/hr-mapping.js';
import { webhookKey } from './hr/standard-webhook.js';

type Env = Record<string, string | undefined>;

export interface Config {
  production: boolean;
  logLevel: string;
  databaseUrl: string;
  redisUrl: string;
  /** BullMQ key prefix: several onramp installations can share one Redis. */
  queuePrefix: string;
  home: string;
  ingest: {
    port: number; host: string; token: string | undefined; maxBodyBytes: number;
    /** Sources POST /events accepts lifecycle events from. */
    allowedSources: string[];
  };
  /** Where documents may be read from (DOCS_ROOTS). */
  docsRoots: DocsRoots;
  adminToken: string | undefined;
  mail: {
    /** `send` through Resend, or `capture` as .eml files under $ONRAMP_HOME/mail (MAIL_MODE). */
    mode: 'send' | 'capture';
    resendApiKey: string | undefined;
    resendBaseUrl: string | undefined;
    from: string;
    subject: string;
    docsUrl: string;
    ratePerSecond: number;
  };
  /** `sync` through GitBook's SCIM API, or `dry-run`: calls recorded, not made (GITBOOK_MODE). */
  gitbook: {
    mode: 'sync' | 'dry-run';
    scimUrl: string | undefined;
    scimToken: string | undefined;
    /** What a leaver's GitBook account becomes (GITBOOK_ON_LEAVE); deactivate keeps it for a rehire. */
    onLeave: 'deactivate' | 'delete';
  };
  /** The deletion threshold: more leavers than this within the window hold their deprovisioning. */
  lifecycle: { deprovisionThreshold: DeprovisionThreshold; deprovisionWindowMs: number };
  search: {
    port: number;
    host: string;
    backend: 'embedded' | 'opensearch' | 'elasticsearch';
    opensearchUrl: string | undefined;
    opensearchIndex: string;
    embeddingProvider: 'local' | 'pai-eas' | 'opensearch-ml';
    paiEasUrl: string | undefined;
    paiEasToken: string | undefined;
    opensearchModelId: string | undefined;
    jwksUrl: string | undefined;
    jwtSecret: string | undefined;
    /** Checked against the token's `aud` / `iss` when set; required in production. */
    jwtAudience: string | undefined;
    jwtIssuer: string | undefined;
    auth: 'jwt' | 'disabled';
    opensearchUsername: string | undefined;
    opensearchPassword: string | undefined;
    /** Replicas of each search index; 0 for a single-node cluster. */
    opensearchReplicas: number;
    /** How the k-NN field of a new index is built (see docs/opensearch.md); an existing index keeps its own. */
    knn: { engine: 'faiss' | 'lucene' | 'nmslib'; spaceType: 'cosinesimil' | 'innerproduct' | 'l2'; m: number; efConstruction: number; efSearch: number };
    /** `pipeline`: neural-search's normalization pipeline; `client`: onramp fuses; `auto`: the pipeline if the cluster has it. */
    opensearchHybridFusion: 'auto' | 'pipeline' | 'client';
    /** The declared dimension of a remote embedder (pai-eas, opensearch-ml); answers of another size are an error. */
    embeddingDimension: number;
    embeddingBatchSize: number;
    embeddingTimeoutMs: number;
    paiEasModel: string | undefined;
    /** SEARCH_BACKEND=elasticsearch: Alibaba Cloud Elasticsearch 8.12+ (see docs/search.md). */
    elasticsearch: {
      url: string | undefined;
      username: string | undefined;
      password: string | undefined;
      index: string;
      replicas: number;
      /** `client`: BM25 and kNN fused here like the other backends; `rrf`: the engine's RRF retriever (8.16+, Enterprise licence). */
      hybrid: 'client' | 'rrf';
      /** dense_vector HNSW: `int8_hnsw` (quantized, 8.12+) or `hnsw` (float). */
      indexType: 'int8_hnsw' | 'hnsw';
      m: number;
      efConstruction: number;
      numCandidates: number;
    };
  };
  /** The IDaaS event callback door (POST /idaas/events); off unless IDAAS_CALLBACK_APP_ID is set. */
  idaasCallback: {
    applicationId: string | undefined;
    /** IDaaS's "Public Key Endpoint" (a JWKS), fetched and cached; refreshed when a key id is unknown. */
    jwksUrl: string | undefined;
    /** The public keys as a JWKS document, instead of the endpoint. */
    jwks: string | undefined;
    /** 64 hex characters (AES-256); when set, every event must arrive encrypted. */
    encryptionKey: string | undefined;
    clockSkewSeconds: number;
  };
  /** Where a consumer running as its own process serves /metrics and /healthz (METRICS_PORT); none when unset. */
  metricsPort: number | undefined;
  /** OpenTelemetry traces: exported over OTLP/HTTP when an endpoint is set, else not recorded. */
  tracing: {
    otlpEndpoint: string | undefined;
    otlpHeaders: Record<string, string>;
    /** OTEL_SERVICE_NAME; each process defaults to the name of what it runs. */
    serviceName: string | undefined;
  };
  /** The SCIM 2.0 endpoint (`/scim/v2` on ingest); off unless SCIM_SERVER_TOKEN is set. */
  scimServer: { token: string | undefined };
  /** The HR webhook door (POST /hr/events); off unless HR_WEBHOOK_SECRET is set. */
  hrWebhook: {
    /** HMAC keys of the `whsec_` secrets (more than one while rotating); empty: the door is off. */
    keys: Buffer[];
    /** The mapping file, read and checked at start. */
    mapping: HrMapping | undefined;
    toleranceSeconds: number;
  };
  /** IDaaS's inbound SCIM endpoint, for the idaas-provisioner; off unless both are set. */
  idaasScim: { url: string | undefined; token: string | undefined };
  /** MNS intake (`onramp start --only mns-intake`, `onramp mns drain`). */
  mns: {
    endpoint: string | undefined;
    accessKeyId: string | undefined;
    accessKeySecret: string | undefined;
    queue: string | undefined;
    waitSeconds: number;
    visibilitySeconds: number;
  };
}

/** A number of leavers, or a percentage of the people the log knows (DEPROVISION_THRESHOLD=20 or 5%). */
export type DeprovisionThreshold = { count: number } | { percent: number };

/** Every variable onramp reads, for docs and for checking deployment files against the code. */
export const CONFIG_VARIABLES = [
  'NODE_ENV', 'LOG_LEVEL', 'DATABASE_URL', 'REDIS_URL', 'QUEUE_PREFIX', 'ONRAMP_HOME',
  'INGEST_PORT', 'INGEST_HOST', 'INGEST_TOKEN', 'INGEST_MAX_BODY_BYTES', 'ADMIN_TOKEN', 'INGEST_ALLOWED_SOURCES', 'DOCS_ROOTS',
  'MAIL_MODE', 'RESEND_API_KEY', 'RESEND_BASE_URL', 'MAIL_FROM', 'MAIL_SUBJECT', 'MAIL_DOCS_URL', 'MAIL_RATE_PER_SECOND',
  'GITBOOK_MODE', 'GITBOOK_SCIM_URL', 'GITBOOK_SCIM_TOKEN',
  'SEARCH_PORT', 'SEARCH_HOST', 'SEARCH_BACKEND', 'OPENSEARCH_URL', 'OPENSEARCH_INDEX', 'EMBEDDING_PROVIDER',
  'PAI_EAS_URL', 'PAI_EAS_TOKEN', 'OPENSEARCH_MODEL_ID', 'SEARCH_JWKS_URL', 'SEARCH_JWT_SECRET', 'SEARCH_AUTH',
  'SEARCH_JWT_AUDIENCE', 'SEARCH_JWT_ISSUER',
  'OPENSEARCH_USERNAME', 'OPENSEARCH_PASSWORD', 'OPENSEARCH_REPLICAS', 'OPENSEARCH_KNN_ENGINE', 'OPENSEARCH_KNN_SPACE_TYPE',
  'OPENSEARCH_KNN_M', 'OPENSEARCH_KNN_EF_CONSTRUCTION', 'OPENSEARCH_KNN_EF_SEARCH', 'OPENSEARCH_HYBRID_FUSION',
  'EMBEDDING_DIMENSION', 'EMBEDDING_BATCH_SIZE', 'EMBEDDING_TIMEOUT_MS', 'PAI_EAS_MODEL',
  'ELASTICSEARCH_URL', 'ELASTICSEARCH_USERNAME', 'ELASTICSEARCH_PASSWORD', 'ELASTICSEARCH_INDEX', 'ELASTICSEARCH_REPLICAS',
  'ELASTICSEARCH_HYBRID', 'ELASTICSEARCH_KNN_INDEX_TYPE', 'ELASTICSEARCH_KNN_M', 'ELASTICSEARCH_KNN_EF_CONSTRUCTION',
  'ELASTICSEARCH_KNN_NUM_CANDIDATES',
  'IDAAS_CALLBACK_APP_ID', 'IDAAS_CALLBACK_JWKS_URL', 'IDAAS_CALLBACK_JWKS', 'IDAAS_CALLBACK_ENCRYPTION_KEY',
  'IDAAS_CALLBACK_CLOCK_SKEW_SECONDS', 'SCIM_SERVER_TOKEN',
  'MNS_ENDPOINT', 'MNS_ACCESS_KEY_ID', 'MNS_ACCESS_KEY_SECRET', 'MNS_QUEUE', 'MNS_WAIT_SECONDS', 'MNS_VISIBILITY_SECONDS',
  'GITBOOK_ON_LEAVE', 'DEPROVISION_THRESHOLD', 'DEPROVISION_WINDOW',
  'METRICS_PORT', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_SERVICE_NAME',
  'HR_WEBHOOK_SECRET', 'HR_MAPPING_FILE', 'HR_WEBHOOK_TOLERANCE_SECONDS', 'IDAAS_SCIM_URL', 'IDAAS_SCIM_TOKEN',
] as const;

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  string(name: string): string | undefined;
  string(name: string, fallback: string): string;
  string(name: string, fallback?: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? fallback : value;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  url(name: string, protocols: string[]): string | undefined;
  url(name: string, protocols: string[], fallback: string): string;
  url(name: string, protocols: string[], fallback?: string): string | undefined {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    try {
      const parsed = new URL(raw);
      if (protocols.includes(parsed.protocol)) return raw;
    } catch {
      // reported below
    }
    this.problems.push(`${name} must be a URL (${protocols.join(' or ')}), got "${redactUrl(raw)}"`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
    return fallback;
  }

  token(name: string, required: boolean): string | undefined {
    const value = this.string(name);
    if (value === undefined) {
      if (required) this.problems.push(`${name} is required when NODE_ENV=production`);
      return undefined;
    }
    if (value.length < 16) this.problems.push(`${name} must be at least 16 characters`);
    return value;
  }

  threshold(name: string, fallback: DeprovisionThreshold): DeprovisionThreshold {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(raw);
    if (percent !== null && Number(percent[1]) > 0 && Number(percent[1]) <= 100) return { percent: Number(percent[1]) };
    if (percent === null && /^\d+$/.test(raw) && Number(raw) <= 1_000_000) return { count: Number(raw) };
    this.problems.push(`${name} must be a number of leavers (0 to 1000000) or a percentage above 0 up to 100 (e.g. 5%), got "${raw}"`);
    return fallback;
  }

  /** A duration such as 1h, 30m, 90s or 500ms (a bare number is seconds). */
  duration(name: string, fallbackMs: number, minMs: number, maxMs: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallbackMs;
    const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(raw);
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match?.[2] ?? 's'] ?? 1000;
    const ms = match === null ? Number.NaN : Math.round(Number(match[1]) * unit);
    if (Number.isNaN(ms) || ms < minMs || ms > maxMs) {
      this.problems.push(`${name} must be a duration from ${minMs / 1000} s to ${maxMs / 86_400_000} d (e.g. 1h, 30m, 90s), got "${raw}"`);
      return fallbackMs;
    }
    return ms;
  }

  list(name: string, fallback: string[]): string[] {
    const raw = this.string(name);
    return raw === undefined ? fallback : raw.split(',').map((item) => item.trim()).filter(Boolean);
  }

  require(name: string, value: string | undefined, when: string): void {
    if (value === undefined) this.problems.push(`${name} is required when ${when}`);
  }
}

/** INGEST_ALLOWED_SOURCES: never onramp's own, which no door accepts. */
function allowedSources(read: Reader): string[] {
  const sources = read.list('INGEST_ALLOWED_SOURCES', [IDAAS_SOURCE]);
  for (const source of sources) {
    if (source.toLowerCase().startsWith('onramp/')) read.problems.push(`INGEST_ALLOWED_SOURCES must not name onramp's own sources, got "${source}"`);
  }
  return sources;
}

/** DOCS_ROOTS: absolute folders and `oss://bucket` entries. */
function docsRoots(read: Reader, home: string): DocsRoots {
  // The current folder is a default root only where it can be one: never the file system's root.
  const fallback = [resolve(home, 'docs'), ...(process.cwd() === '/' ? [] : [process.cwd()])];
  const paths: string[] = [];
  const buckets: string[] = [];
  for (const entry of read.list('DOCS_ROOTS', fallback)) {
    const bucket = /^oss:\/\/([a-z0-9][a-z0-9-]{1,61}[a-z0-9])\/?$/i.exec(entry)?.[1];
    if (bucket !== undefined) buckets.push(bucket.toLowerCase());
    else if (!isAbsolute(entry)) read.problems.push(`DOCS_ROOTS entries must be absolute paths or oss://bucket, got "${entry}"`);
    else if (/^\/(?:(?:proc|sys|dev)(?:\/.*)?)?$/.test(resolve(entry))) read.problems.push(`DOCS_ROOTS must not include / or /proc, /sys, /dev, got "${entry}"`);
    else paths.push(resolve(entry));
  }
  return { paths, buckets };
}

/** The IDaaS callback door: an application id, and its keys from an endpoint or inline. */
function idaasCallback(read: Reader, production: boolean): Config['idaasCallback'] {
  const applicationId = read.string('IDAAS_CALLBACK_APP_ID');
  // IDaaS shows an https endpoint; plain http only for a local stand-in.
  const jwksUrl = read.url('IDAAS_CALLBACK_JWKS_URL', production ? ['https:'] : ['http:', 'https:']);
  const jwks = read.string('IDAAS_CALLBACK_JWKS');
  if (jwks !== undefined) {
    try {
      const parsed = JSON.parse(jwks) as { keys?: unknown };
      if (!Array.isArray(parsed.keys)) throw new Error('no keys');
    } catch {
      read.problems.push('IDAAS_CALLBACK_JWKS must be a JWKS document: {"keys": [...]}');
    }
  }
  const encryptionKey = read.string('IDAAS_CALLBACK_ENCRYPTION_KEY');
  if (encryptionKey !== undefined && !/^[0-9a-fA-F]{64}$/.test(encryptionKey)) {
    read.problems.push('IDAAS_CALLBACK_ENCRYPTION_KEY must be 64 hexadecimal characters (the AES-256 key IDaaS shows)');
  }
  if (applicationId !== undefined && jwksUrl === undefined && jwks === undefined) {
    read.problems.push('IDAAS_CALLBACK_JWKS_URL or IDAAS_CALLBACK_JWKS is required when IDAAS_CALLBACK_APP_ID is set');
  }
  return { applicationId, jwksUrl, jwks, encryptionKey, clockSkewSeconds: read.integer('IDAAS_CALLBACK_CLOCK_SKEW_SECONDS', 60, 0, 600) };
}

/** SCIM_SERVER_TOKEN: the bearer token IDaaS (SCIM mode) sends; a long random one in production. */
function scimServer(read: Reader, production: boolean): Config['scimServer'] {
  const token = read.string('SCIM_SERVER_TOKEN');
  const minimum = production ? 32 : 16;
  if (token !== undefined && token.length < minimum) {
    read.problems.push(`SCIM_SERVER_TOKEN must be at least ${minimum} characters${production ? ' when NODE_ENV=production' : ''}`);
  }
  return { token };
}

/** The HR webhook: its secrets (space- or comma-separated while rotating) and the mapping file they need. */
function hrWebhook(read: Reader): Config['hrWebhook'] {
  const keys: Buffer[] = [];
  for (const secret of read.string('HR_WEBHOOK_SECRET', '').split(/[\s,]+/).filter(Boolean)) {
    const key = webhookKey(secret);
    if (typeof key === 'string') read.problems.push(`HR_WEBHOOK_SECRET ${key}`);
    else keys.push(key);
  }
  const file = read.string('HR_MAPPING_FILE');
  if (read.string('HR_WEBHOOK_SECRET') !== undefined) read.require('HR_MAPPING_FILE', file, 'HR_WEBHOOK_SECRET is set');
  let mapping: HrMapping | undefined;
  if (file !== undefined) {
    const loaded = readHrMapping(resolve(file));
    if (typeof loaded === 'string') read.problems.push(loaded);
    else mapping = loaded;
  }
  // Standard Webhooks: five minutes either way.
  return { keys, mapping, toleranceSeconds: read.integer('HR_WEBHOOK_TOLERANCE_SECONDS', 300, 1, 3600) };
}

function idaasScim(read: Reader, production: boolean): Config['idaasScim'] {
  const url = read.url('IDAAS_SCIM_URL', production ? ['https:'] : ['http:', 'https:']);
  const token = read.string('IDAAS_SCIM_TOKEN');
  if (url !== undefined) read.require('IDAAS_SCIM_TOKEN', token, 'IDAAS_SCIM_URL is set');
  if (token !== undefined) read.require('IDAAS_SCIM_URL', url, 'IDAAS_SCIM_TOKEN is set');
  return { url, token };
}

function mns(read: Reader): Config['mns'] {
  return {
    // HTTPS only: the MNS endpoint carries the signed requests and the events' personal data.
    endpoint: read.url('MNS_ENDPOINT', ['https:']),
    accessKeyId: read.string('MNS_ACCESS_KEY_ID'),
    accessKeySecret: read.string('MNS_ACCESS_KEY_SECRET'),
    queue: read.string('MNS_QUEUE'),
    // MNS long polling: at most 30 s (ReceiveMessage's waitseconds).
    waitSeconds: read.integer('MNS_WAIT_SECONDS', 20, 1, 30),
    visibilitySeconds: read.integer('MNS_VISIBILITY_SECONDS', 60, 1, 43_200),
  };
}

function redactUrl(raw: string): string {
  return raw.replace(/\/\/[^@/]*@/, '//***@');
}

/** OTEL_EXPORTER_OTLP_HEADERS as OpenTelemetry defines it: `key=value` pairs, comma-separated, URL-encoded. */
function otlpHeaders(read: Reader): Record<string, string> {
  const raw = read.string('OTEL_EXPORTER_OTLP_HEADERS');
  if (raw === undefined) return {};
  const headers: Record<string, string> = {};
  for (const pair of raw.split(',')) {
    const at = pair.indexOf('=');
    const name = at > 0 ? pair.slice(0, at).trim() : '';
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
      // The value may be a secret: the problem names the variable and the position, not the text.
      read.problems.push(`OTEL_EXPORTER_OTLP_HEADERS must be name=value pairs separated by commas (pair ${Object.keys(headers).length + 1} is not)`);
      return {};
    }
    try {
      headers[name] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      read.problems.push(`OTEL_EXPORTER_OTLP_HEADERS: the value of ${name} is not URL-encoded correctly`);
      return {};
    }
  }
  return headers;
}

export function loadConfig(env: Env = process.env): Config {
  const read = new Reader(env);
  const production = read.string('NODE_ENV') === 'production';
  const http = ['http:', 'https:'];
  const search = {
    port: read.integer('SEARCH_PORT', 8081, 0, 65535),
    host: read.string('SEARCH_HOST', '127.0.0.1'),
    backend: read.oneOf('SEARCH_BACKEND', ['embedded', 'opensearch', 'elasticsearch'] as const, 'embedded'),
    opensearchUrl: read.url('OPENSEARCH_URL', http),
    opensearchIndex: read.string('OPENSEARCH_INDEX', 'onramp'),
    embeddingProvider: read.oneOf('EMBEDDING_PROVIDER', ['local', 'pai-eas', 'opensearch-ml'] as const, 'local'),
    paiEasUrl: read.url('PAI_EAS_URL', http),
    paiEasToken: read.string('PAI_EAS_TOKEN'),
    opensearchModelId: read.string('OPENSEARCH_MODEL_ID'),
    jwksUrl: read.url('SEARCH_JWKS_URL', http),
    jwtSecret: read.string('SEARCH_JWT_SECRET'),
    jwtAudience: read.string('SEARCH_JWT_AUDIENCE'),
    jwtIssuer: read.string('SEARCH_JWT_ISSUER'),
    auth: read.oneOf('SEARCH_AUTH', ['jwt', 'disabled'] as const, 'jwt'),
    opensearchUsername: read.string('OPENSEARCH_USERNAME'),
    opensearchPassword: read.string('OPENSEARCH_PASSWORD'),
    opensearchReplicas: read.integer('OPENSEARCH_REPLICAS', 1, 0, 16),
    knn: {
      engine: read.oneOf('OPENSEARCH_KNN_ENGINE', ['faiss', 'lucene', 'nmslib'] as const, 'faiss'),
      spaceType: read.oneOf('OPENSEARCH_KNN_SPACE_TYPE', ['cosinesimil', 'innerproduct', 'l2'] as const, 'cosinesimil'),
      // Upper bounds are the Lucene engine's (the strictest of the three).
      m: read.integer('OPENSEARCH_KNN_M', 16, 2, 512),
      efConstruction: read.integer('OPENSEARCH_KNN_EF_CONSTRUCTION', 128, 2, 3200),
      efSearch: read.integer('OPENSEARCH_KNN_EF_SEARCH', 100, 1, 10_000),
    },
    // Where hybrid scores are fused: the neural-search plugin's search pipeline, or onramp (clusters without it).
    opensearchHybridFusion: read.oneOf('OPENSEARCH_HYBRID_FUSION', ['auto', 'pipeline', 'client'] as const, 'auto'),
    embeddingDimension: read.integer('EMBEDDING_DIMENSION', 768, 1, 16_000),
    embeddingBatchSize: read.integer('EMBEDDING_BATCH_SIZE', 32, 1, 2048),
    embeddingTimeoutMs: read.integer('EMBEDDING_TIMEOUT_MS', 15_000, 100, 600_000),
    paiEasModel: read.string('PAI_EAS_MODEL'),
    elasticsearch: {
      url: read.url('ELASTICSEARCH_URL', http),
      username: read.string('ELASTICSEARCH_USERNAME'),
      password: read.string('ELASTICSEARCH_PASSWORD'),
      index: read.string('ELASTICSEARCH_INDEX', 'onramp'),
      replicas: read.integer('ELASTICSEARCH_REPLICAS', 1, 0, 16),
      hybrid: read.oneOf('ELASTICSEARCH_HYBRID', ['client', 'rrf'] as const, 'client'),
      indexType: read.oneOf('ELASTICSEARCH_KNN_INDEX_TYPE', ['int8_hnsw', 'hnsw'] as const, 'int8_hnsw'),
      // Elasticsearch's own bounds for HNSW: m 2–100, ef_construction 32–3200 (the defaults are 16 and 100).
      m: read.integer('ELASTICSEARCH_KNN_M', 16, 2, 100),
      efConstruction: read.integer('ELASTICSEARCH_KNN_EF_CONSTRUCTION', 100, 32, 3200),
      // num_candidates may be at most 10,000 and must be at least k (≤ 100 in /search).
      numCandidates: read.integer('ELASTICSEARCH_KNN_NUM_CANDIDATES', 100, 100, 10_000),
    },
  };
  if (search.opensearchUsername !== undefined) read.require('OPENSEARCH_PASSWORD', search.opensearchPassword, 'OPENSEARCH_USERNAME is set');
  if (search.backend === 'opensearch') read.require('OPENSEARCH_URL', search.opensearchUrl, 'SEARCH_BACKEND=opensearch');
  if (search.backend === 'elasticsearch') read.require('ELASTICSEARCH_URL', search.elasticsearch.url, 'SEARCH_BACKEND=elasticsearch');
  if (search.elasticsearch.username !== undefined) read.require('ELASTICSEARCH_PASSWORD', search.elasticsearch.password, 'ELASTICSEARCH_USERNAME is set');
  if (search.embeddingProvider === 'pai-eas') read.require('PAI_EAS_URL', search.paiEasUrl, 'EMBEDDING_PROVIDER=pai-eas');
  // The index metadata records the embedder as pai-eas:<PAI_EAS_MODEL>: without a model name, hosts sharing an
  // index could not tell a changed model (of the same dimension) from the one the index was built with.
  if (search.embeddingProvider === 'pai-eas' && search.backend !== 'embedded') {
    read.require('PAI_EAS_MODEL', search.paiEasModel, `EMBEDDING_PROVIDER=pai-eas with SEARCH_BACKEND=${search.backend}`);
  }
  if (search.embeddingProvider === 'opensearch-ml') {
    read.require('OPENSEARCH_URL', search.opensearchUrl, 'EMBEDDING_PROVIDER=opensearch-ml');
    read.require('OPENSEARCH_MODEL_ID', search.opensearchModelId, 'EMBEDDING_PROVIDER=opensearch-ml');
  }
  // HS256 with a key shorter than its 256-bit hash is guessable offline from any one token (RFC 7518 §3.2).
  if (search.jwtSecret !== undefined && Buffer.byteLength(search.jwtSecret, 'utf8') < 32) {
    read.problems.push('SEARCH_JWT_SECRET must be at least 32 bytes');
  }
  if (production && search.auth === 'jwt') {
    read.require('SEARCH_JWT_AUDIENCE', search.jwtAudience, 'NODE_ENV=production');
    read.require('SEARCH_JWT_ISSUER', search.jwtIssuer, 'NODE_ENV=production');
  }
  const scimUrl = read.url('GITBOOK_SCIM_URL', http);
  const gitbookModeSet = read.string('GITBOOK_MODE') !== undefined;
  const gitbook = {
    mode: read.oneOf('GITBOOK_MODE', ['sync', 'dry-run'] as const, scimUrl === undefined ? 'dry-run' : 'sync'),
    scimUrl,
    scimToken: read.string('GITBOOK_SCIM_TOKEN'),
    onLeave: read.oneOf('GITBOOK_ON_LEAVE', ['deactivate', 'delete'] as const, 'deactivate'),
  };
  const lifecycle = {
    deprovisionThreshold: read.threshold('DEPROVISION_THRESHOLD', { count: 20 }),
    deprovisionWindowMs: read.duration('DEPROVISION_WINDOW', 3_600_000, 1000, 30 * 86_400_000),
  };
  if (gitbook.scimUrl !== undefined) read.require('GITBOOK_SCIM_TOKEN', gitbook.scimToken, 'GITBOOK_SCIM_URL is set');
  // Production is real or says so: the local stand-ins (dry run, mail capture) only when asked for by name.
  if (gitbookModeSet ? gitbook.mode === 'sync' : production) {
    const when = gitbookModeSet ? 'GITBOOK_MODE=sync' : 'NODE_ENV=production, unless GITBOOK_MODE=dry-run is set';
    read.require('GITBOOK_SCIM_URL', gitbook.scimUrl, when);
    if (gitbook.scimUrl === undefined) read.require('GITBOOK_SCIM_TOKEN', gitbook.scimToken, when);
  }
  const resendApiKey = read.string('RESEND_API_KEY');
  const mailModeSet = read.string('MAIL_MODE') !== undefined;
  const mailMode = read.oneOf('MAIL_MODE', ['send', 'capture'] as const, resendApiKey === undefined ? 'capture' : 'send');
  if (mailModeSet ? mailMode === 'send' : production) {
    read.require('RESEND_API_KEY', resendApiKey, mailModeSet ? 'MAIL_MODE=send' : 'NODE_ENV=production, unless MAIL_MODE=capture is set');
  }

  const config: Config = {
    production,
    logLevel: read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    databaseUrl: read.url('DATABASE_URL', ['mysql:', 'mariadb:'], 'mysql://root@127.0.0.1:3306/onramp'),
    redisUrl: read.url('REDIS_URL', ['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
    queuePrefix: read.string('QUEUE_PREFIX', 'onramp'),
    home: read.string('ONRAMP_HOME', './.onramp'),
    ingest: {
      port: read.integer('INGEST_PORT', 8080, 0, 65535),
      host: read.string('INGEST_HOST', '127.0.0.1'),
      token: read.token('INGEST_TOKEN', production),
      maxBodyBytes: read.integer('INGEST_MAX_BODY_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
      allowedSources: allowedSources(read),
    },
    docsRoots: docsRoots(read, read.string('ONRAMP_HOME', './.onramp')),
    adminToken: read.token('ADMIN_TOKEN', production),
    mail: {
      mode: mailMode,
      resendApiKey,
      resendBaseUrl: read.url('RESEND_BASE_URL', http),
      from: read.string('MAIL_FROM', 'Onboarding <onboarding@example.com>'),
      subject: read.string('MAIL_SUBJECT', 'Welcome'),
      docsUrl: read.url('MAIL_DOCS_URL', http, 'https://docs.example.com/'),
      ratePerSecond: read.integer('MAIL_RATE_PER_SECOND', 2, 1, 1000),
    },
    gitbook,
    lifecycle,
    search,
    idaasCallback: idaasCallback(read, production),
    scimServer: scimServer(read, production),
    hrWebhook: hrWebhook(read),
    idaasScim: idaasScim(read, production),
    mns: mns(read),
    metricsPort: read.string('METRICS_PORT') === undefined ? undefined : read.integer('METRICS_PORT', 0, 0, 65535),
    tracing: {
      otlpEndpoint: read.url('OTEL_EXPORTER_OTLP_ENDPOINT', http),
      otlpHeaders: otlpHeaders(read),
      serviceName: read.string('OTEL_SERVICE_NAME'),
    },
  };
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}
