// Failures of the OpenSearch backend, with stable codes. Transient ones (back-pressure, 5xx, connection)
// are RetryableError and the rest PermanentError, so the consumer runtime retries or dead-letters them as is.
import { errors } from '@opensearch-project/opensearch';
import { OnrampError, PermanentError, RetryableError } from '@onramp/core';
import { IndexMismatch } from '../errors.js';

/** The live index was built for another embedder or dimension: searching it would return garbage. */
export class SearchIndexMismatch extends IndexMismatch {
  constructor(
    readonly index: string,
    readonly found: { embedder: string | undefined; dimension: number | undefined },
    readonly expected: { embedder: string; dimension: number },
  ) {
    super(
      `search index "${index}" was built with embedder ${found.embedder ?? '(unknown)'} (dimension ${found.dimension ?? '?'}), ` +
        `but the configured embedder is ${expected.embedder} (dimension ${expected.dimension}); ` +
        'run `onramp reindex` to rebuild it with the configured embedder, or configure the embedder it was built with',
    );
  }
}

export interface BulkItemFailure {
  id: string;
  index: string;
  status: number;
  type: string;
  reason: string;
}

function summarize(failures: BulkItemFailure[]): string {
  const shown = failures.slice(0, 3).map((f) => `${f.id} → ${f.status} ${f.type}: ${f.reason}`);
  return `OpenSearch rejected ${failures.length} document(s): ${shown.join('; ')}${failures.length > 3 ? '; …' : ''}`;
}

/** Documents OpenSearch refused for good (mapping errors, bad vectors); each failure says which and why. */
export class BulkRejected extends PermanentError {
  constructor(readonly failures: BulkItemFailure[]) {
    super(summarize(failures), 'search_bulk_rejected');
  }
}

/** Every refused document was refused for back-pressure (429): worth sending again later. */
export class BulkThrottled extends RetryableError {
  constructor(readonly failures: BulkItemFailure[]) {
    super(summarize(failures));
  }
}

/** A failed OpenSearch call as an onramp error naming the operation and OpenSearch's own error type and reason. */
export function openSearchError(operation: string, error: unknown): OnrampError {
  if (error instanceof OnrampError) return error;
  if (error instanceof errors.ResponseError) {
    const cause = (error.body as { error?: { type?: string; reason?: string } | string } | undefined)?.error;
    const detail = typeof cause === 'string' ? cause : `${cause?.type ?? 'error'}: ${cause?.reason ?? error.message}`;
    const message = `OpenSearch ${operation} failed with ${error.statusCode}: ${detail}`;
    if (error.statusCode === 429 || error.statusCode >= 500) return new RetryableError(message, undefined, { cause: error });
    return new PermanentError(message, 'search_backend_rejected', { cause: error });
  }
  const message = `OpenSearch ${operation} failed: ${(error as Error).message}`;
  const transient = [errors.ConnectionError, errors.TimeoutError, errors.NoLivingConnectionsError, errors.RequestAbortedError];
  if (transient.some((type) => error instanceof type)) return new RetryableError(message, undefined, { cause: error });
  return new OnrampError('search_backend_error', message, { cause: error });
}
