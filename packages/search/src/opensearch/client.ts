// One place that knows how onramp connects to OpenSearch.
import { Client } from '@opensearch-project/opensearch';

export interface OpenSearchConnection {
  /** e.g. `https://search.internal:9200`; credentials may also be given in the URL. */
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  requestTimeoutMs?: number | undefined;
}

export function createOpenSearchClient(connection: OpenSearchConnection): Client {
  return new Client({
    node: connection.url,
    ...(connection.username === undefined ? {} : { auth: { username: connection.username, password: connection.password ?? '' } }),
    requestTimeout: connection.requestTimeoutMs ?? 30_000,
    // Connection failures and 502/503/504 are retried by the client; anything longer is the caller's retry.
    maxRetries: 2,
  });
}
