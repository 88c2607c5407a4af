// The idaas-provisioner: each HR event's SCIM User is upserted into IDaaS through IDaaS's inbound SCIM
// endpoint ("Synchronize Application to IDaaS"); a termination deactivates the account. IDaaS then
// announces the account through its own push (the event callback door or SCIM), and the joiner and
// leaver flows start from that announcement, not from the HR event.
import {
  HR,
  OUTCOME,
  PermanentError,
  RetryableError,
  ScimError,
  isEventOf,
  outcomeEvent,
  type CloudEvent,
  type ConsumerDefinition,
  type ScimClient,
} from '@onramp/core';
import { upsertAccount } from './idaas-account.js';

export const COMPONENT = 'idaas-provisioner';

export const PROVISIONER_SUBSCRIBES = [HR.employeeHired, HR.employeeChanged, HR.employeeTerminated] as const;

/** 429 and 5xx (and no answer) are retried by the runtime with back-off; any other 4xx is dead-lettered with its reason. */
function asConsumerError(error: unknown): unknown {
  if (!(error instanceof ScimError)) return error;
  if (!error.retryable) return new PermanentError(`IDaaS SCIM refused: ${error.message}`, error.code, { cause: error });
  return new RetryableError(error.message, error.code === 'scim_rate_limited' ? error.retryAfterMs : undefined, { cause: error });
}

export function idaasProvisionerConsumer(scim: ScimClient, concurrency = 4): ConsumerDefinition {
  return {
    consumer: COMPONENT,
    failureType: OUTCOME.idaasProvisioningFailed,
    concurrency,
    async handle(event, ctx): Promise<CloudEvent[]> {
      if (!isEventOf(event, ...PROVISIONER_SUBSCRIBES)) return [];
      try {
        const { action, account } = await upsertAccount(scim, event.data);
        ctx.logger.info({ action }, 'IDaaS account provisioned');
        return [outcomeEvent(COMPONENT, OUTCOME.idaasUserProvisioned, event, { action, userName: event.data.userName, ...(account === undefined ? {} : { idaasUserId: account.id }) })];
      } catch (error) {
        throw asConsumerError(error);
      }
    },
  };
}
