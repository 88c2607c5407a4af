// Every event type onramp stores, defined once: its data schema (TypeBox, so one definition gives both
// the validator and the TypeScript type) and the version of that schema, stored with each event.
// A type's name is stored in the log: renaming one strands history (event-types.ts holds the names).
import { Type, type Static, type TProperties, type TSchema } from '@sinclair/typebox';
import type { StoredEvent } from './cloud-event.js';
import { HR, LIFECYCLE, OUTCOME } from './event-types.js';
import { DocumentPublished, ScimGroup, ScimGroupReference, ScimUser, ScimUserReference } from './schemas.js';

export interface EventDefinition {
  /** Bumped when the data's shape changes; readers of older events look at it. */
  version: number;
  data: TSchema;
}

/** The event an outcome is about: every outcome points back at its cause. */
const Cause = Type.Object({ seq: Type.Integer({ minimum: 1 }), source: Type.String(), id: Type.String(), type: Type.String() });
const outcome = <P extends TProperties>(properties: P) => Type.Object({ ...properties, cause: Cause }, { additionalProperties: true });
const Failure = outcome({ consumer: Type.String(), attempts: Type.Integer({ minimum: 1 }), code: Type.String(), reason: Type.String() });
const Access = outcome({ mode: Type.Union([Type.Literal('sync'), Type.Literal('dry-run')]) });
const Profile = outcome({ sourceId: Type.String() });
const Replay = Type.Object({ replayId: Type.String(), consumer: Type.String() }, { additionalProperties: true });

export const CATALOGUE = {
  [LIFECYCLE.userCreated]: { version: 1, data: ScimUser },
  [LIFECYCLE.userUpdated]: { version: 1, data: ScimUser },
  [LIFECYCLE.userDeactivated]: { version: 1, data: Type.Intersect([ScimUserReference, Type.Object({ active: Type.Literal(false) })]) },
  [LIFECYCLE.userDeleted]: { version: 1, data: ScimUserReference },
  [LIFECYCLE.documentPublished]: { version: 1, data: DocumentPublished },
  [LIFECYCLE.groupCreated]: { version: 1, data: ScimGroup },
  [LIFECYCLE.groupUpdated]: { version: 1, data: ScimGroup },
  [LIFECYCLE.groupDeleted]: { version: 1, data: ScimGroupReference },
  // The HR webhook maps at the door: the data is the SCIM User IDaaS will be asked to hold.
  [HR.employeeHired]: { version: 1, data: Type.Intersect([ScimUser, Type.Object({ active: Type.Literal(true) })]) },
  [HR.employeeChanged]: { version: 1, data: Type.Intersect([ScimUser, Type.Object({ active: Type.Literal(true) })]) },
  [HR.employeeTerminated]: { version: 1, data: Type.Intersect([ScimUser, Type.Object({ active: Type.Literal(false) })]) },
  [OUTCOME.welcomeSent]: {
    version: 1,
    data: outcome({
      messageId: Type.String(),
      provider: Type.String(),
      idempotencyKey: Type.String({ maxLength: 256 }),
      mode: Type.Union([Type.Literal('send'), Type.Literal('capture')]),
    }),
  },
  [OUTCOME.welcomeFailed]: { version: 1, data: Failure },
  [OUTCOME.accessGranted]: { version: 1, data: Access },
  [OUTCOME.accessChanged]: { version: 1, data: Access },
  [OUTCOME.accessRevoked]: { version: 1, data: outcome({ action: Type.String() }) },
  [OUTCOME.accessFailed]: { version: 1, data: Failure },
  [OUTCOME.profileIndexed]: { version: 1, data: Profile },
  [OUTCOME.profileRemoved]: { version: 1, data: Profile },
  [OUTCOME.documentIndexed]: { version: 1, data: outcome({ uri: Type.String(), chunks: Type.Integer({ minimum: 0 }) }) },
  [OUTCOME.indexFailed]: { version: 1, data: Failure },
  [OUTCOME.reindexed]: {
    version: 1,
    data: Type.Object({ indexName: Type.String(), embedder: Type.String(), seq: Type.Integer({ minimum: 0 }), items: Type.Integer({ minimum: 0 }) }, { additionalProperties: true }),
  },
  [OUTCOME.deadLettered]: { version: 1, data: Failure },
  [OUTCOME.jobsRestored]: {
    version: 1,
    data: Type.Object({ consumer: Type.String(), count: Type.Integer({ minimum: 1 }), firstSeq: Type.Integer(), lastSeq: Type.Integer(), seqs: Type.Array(Type.Integer()) }),
  },
  [OUTCOME.replayRequested]: { version: 1, data: Replay },
  [OUTCOME.replayCompleted]: { version: 1, data: Replay },
  [OUTCOME.deprovisionHeld]: {
    version: 1,
    data: outcome({
      consumer: Type.String(),
      heldSeq: Type.Integer({ minimum: 1 }),
      leaversInWindow: Type.Integer({ minimum: 0 }),
      threshold: Type.Integer({ minimum: 0 }),
      windowMs: Type.Integer({ minimum: 1 }),
    }),
  },
  [OUTCOME.idaasUserProvisioned]: {
    version: 1,
    data: outcome({
      action: Type.Union(['created', 'adopted', 'updated', 'unchanged', 'deactivated', 'absent'].map((a) => Type.Literal(a))),
      idaasUserId: Type.Optional(Type.String()),
      userName: Type.String(),
    }),
  },
  [OUTCOME.idaasProvisioningFailed]: { version: 1, data: Failure },
  [OUTCOME.deprovisionApproved]: { version: 1, data: outcome({ consumer: Type.String(), heldSeq: Type.Integer({ minimum: 1 }) }) },
  [OUTCOME.deprovisionRejected]: { version: 1, data: outcome({ consumer: Type.String(), heldSeq: Type.Integer({ minimum: 1 }) }) },
} as const satisfies Record<string, EventDefinition>;

export type EventType = keyof typeof CATALOGUE;
export type DataOf<T extends EventType> = Static<(typeof CATALOGUE)[T]['data']>;

/** A stored event whose type is one of `T`, with its data typed by the catalogue. */
export type TypedEvent<T extends EventType> = T extends EventType ? Omit<StoredEvent, 'type' | 'data'> & { type: T; data: DataOf<T> } : never;

export function definitionOf(type: string): EventDefinition | undefined {
  return (CATALOGUE as Record<string, EventDefinition>)[type];
}

/**
 * Narrows a stored event to catalogued types. Sound because every append is validated against the
 * catalogue (validate.ts), so a stored event of a catalogued type has data of its schema.
 */
export function isEventOf<T extends EventType>(event: StoredEvent, ...types: T[]): event is StoredEvent & TypedEvent<T> {
  return (types as string[]).includes(event.type);
}
