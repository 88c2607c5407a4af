// One place that knows how onramp connects to Elasticsearch (Alibaba Cloud Elasticsearch 8.x).
import { Client } from '@elastic/elasticsearch';

export interface ElasticsearchConnection {
  /** e.g. `https://es-cn-xxxx.elasticsearch.aliyuncs.com:9200` (the instance's private endpoint). */
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  requestTimeoutMs?: number | undefined;
}

export function createElasticsearchClient(connection: ElasticsearchConnection): Client {
  return new Client({
    node: connection.url,
    ...(connection.username === undefined ? {} : { auth: { username: connection.username, password: connection.password ?? '' } }),
    requestTimeout: connection.requestTimeoutMs ?? 30_000,
    // Connection failures and 502/503/504 are retried by the client; 429 by the store (see with-retry.ts).
    maxRetries: 2,
  });
}
