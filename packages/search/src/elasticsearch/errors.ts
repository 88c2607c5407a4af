// Failures of the Elasticsearch backend, with stable codes: back-pressure, 5xx and connection failures are
// RetryableError, the rest PermanentError, so the consumer runtime retries or dead-letters them as it is.
import { errors } from '@elastic/elasticsearch';
import { OnrampError, PermanentError, RetryableError } from '@onramp/core';

export interface ElasticsearchItemFailure {
  id: string;
  index: string;
  status: number;
  type: string;
  reason: string;
}

function summarize(failures: ElasticsearchItemFailure[]): string {
  const shown = failures.slice(0, 3).map((f) => `${f.id} → ${f.status} ${f.type}: ${f.reason}`);
  return `Elasticsearch refused ${failures.length} document(s): ${shown.join('; ')}${failures.length > 3 ? '; …' : ''}`;
}

/** Documents Elasticsearch refused for good (mapping errors, bad vectors); each failure says which and why. */
export class ElasticsearchBulkRejected extends PermanentError {
  constructor(readonly failures: ElasticsearchItemFailure[]) {
    super(summarize(failures), 'search_bulk_rejected');
  }
}

/** Documents still refused for back-pressure (429) after the store's own retries: worth sending again later. */
export class ElasticsearchBulkThrottled extends RetryableError {
  constructor(readonly failures: ElasticsearchItemFailure[]) {
    super(summarize(failures));
  }
}

/** Elasticsearch's own `{error: {type, reason}}`, or undefined for another body. */
export function errorCause(error: unknown): { type: string; reason: string } | undefined {
  if (!(error instanceof errors.ResponseError)) return undefined;
  const cause = (error.body as { error?: { type?: string; reason?: string } | string } | undefined)?.error;
  if (cause === undefined) return undefined;
  if (typeof cause === 'string') return { type: 'error', reason: cause };
  return { type: cause.type ?? 'error', reason: cause.reason ?? '' };
}

export const isStatus = (error: unknown, status: number): boolean => error instanceof errors.ResponseError && error.statusCode === status;

/** A failed call as an onramp error naming the operation and Elasticsearch's error type and reason. */
export function elasticsearchError(operation: string, error: unknown): OnrampError {
  if (error instanceof OnrampError) return error;
  if (error instanceof errors.ResponseError) {
    const status = error.statusCode ?? 0;
    const cause = errorCause(error);
    const message = `Elasticsearch ${operation} failed with ${status}: ${cause === undefined ? error.message : `${cause.type}: ${cause.reason}`}`;
    if (status === 429 || status >= 500) return new RetryableError(message, undefined, { cause: error });
    return new PermanentError(message, 'search_backend_rejected', { cause: error });
  }
  if (error instanceof errors.ProductNotSupportedError) {
    // The client checks every answer's x-elastic-product header: this is not Elasticsearch (or a proxy strips it).
    return new PermanentError(`Elasticsearch ${operation} failed: the server at ELASTICSEARCH_URL did not identify as Elasticsearch (${error.message})`, 'search_backend_not_elasticsearch', { cause: error });
  }
  const message = `Elasticsearch ${operation} failed: ${(error as Error).message}`;
  const transient = [errors.ConnectionError, errors.TimeoutError, errors.NoLivingConnectionsError, errors.RequestAbortedError];
  if (transient.some((type) => error instanceof type)) return new RetryableError(message, undefined, { cause: error });
  return new OnrampError('search_backend_error', message, { cause: error });
}
