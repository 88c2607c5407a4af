// Who may say what through a door into the log: each door accepts only the (source, type) pairs on its
// allow-list. onramp's own events (`onramp.*` types, `onramp/*` sources) never come through a door,
// whatever a policy says: only onramp's components append them, directly.
import { OnrampError } from '../errors.js';
import { HR, HR_WEBHOOK_SOURCE, IDAAS_SOURCE, idaasCallbackSource, LIFECYCLE, SCIM_SERVER_SOURCE } from './event-types.js';

export interface DoorPolicy {
  /** The door's name, for messages. */
  door: string;
  /** Each entry: the sources that may send these types through the door. */
  allowed: ReadonlyArray<{ sources: readonly string[]; types: readonly string[] }>;
}

/** The person lifecycle: what an identity provider may say. Documents are not among them. */
export const USER_LIFECYCLE_TYPES: readonly string[] = [
  LIFECYCLE.userCreated, LIFECYCLE.userUpdated, LIFECYCLE.userDeactivated, LIFECYCLE.userDeleted,
];

/** POST /events with sources that may send lifecycle events (INGEST_ALLOWED_SOURCES). */
export function cloudEventsDoor(sources: readonly string[] = [IDAAS_SOURCE]): DoorPolicy {
  return { door: 'POST /events', allowed: [{ sources, types: USER_LIFECYCLE_TYPES }] };
}

export const CLOUDEVENTS_DOOR: DoorPolicy = cloudEventsDoor();

/** Groups, where a door reports them (the IDaaS callback reports organizational units and groups). */
export const GROUP_LIFECYCLE_TYPES: readonly string[] = [LIFECYCLE.groupCreated, LIFECYCLE.groupUpdated, LIFECYCLE.groupDeleted];

/** The IDaaS event callback of one application: its own source, users and groups. */
export function idaasCallbackDoor(applicationId: string): DoorPolicy {
  return {
    door: 'POST /idaas/events',
    allowed: [{ sources: [idaasCallbackSource(applicationId)], types: [...USER_LIFECYCLE_TYPES, ...GROUP_LIFECYCLE_TYPES] }],
  };
}

/** The SCIM 2.0 endpoint: what a SCIM client (IDaaS in SCIM mode) writes to Users and Groups. */
export const SCIM_SERVER_DOOR: DoorPolicy = {
  door: '/scim/v2',
  allowed: [{ sources: [SCIM_SERVER_SOURCE], types: [...USER_LIFECYCLE_TYPES, ...GROUP_LIFECYCLE_TYPES] }],
};

/**
 * MNS intake: EventBridge's MNS target delivers the same CloudEvents as its HTTP target, so the same
 * sources and types (INGEST_ALLOWED_SOURCES), and an event that arrives both ways is one event.
 */
export function mnsIntakeDoor(sources: readonly string[] = [IDAAS_SOURCE]): DoorPolicy {
  return { door: 'MNS intake', allowed: [{ sources, types: USER_LIFECYCLE_TYPES }] };
}

/** The HR webhook (POST /hr/events): hires, changes and terminations, under its own source; never SCIM.* events. */
export const HR_WEBHOOK_DOOR: DoorPolicy = {
  door: 'POST /hr/events',
  allowed: [{ sources: [HR_WEBHOOK_SOURCE], types: [HR.employeeHired, HR.employeeChanged, HR.employeeTerminated] }],
};

export class ForbiddenEvent extends OnrampError {
  constructor(
    readonly index: number,
    readonly source: string,
    readonly type: string,
    door: string,
  ) {
    super('forbidden_event', `event ${index}: ${door} does not accept type "${type}" from source "${source}"`);
  }
}

/** True for onramp's own sources and types, which no door accepts. */
export function isInternalEvent(event: { source: string; type: string }): boolean {
  return event.type.toLowerCase().startsWith('onramp.') || event.source.toLowerCase().startsWith('onramp/');
}

function allows(policy: DoorPolicy, event: { source: string; type: string }): boolean {
  if (isInternalEvent(event)) return false;
  return policy.allowed.some((entry) => entry.sources.includes(event.source) && entry.types.includes(event.type));
}

/**
 * Throws ForbiddenEvent for the first event the door does not accept. Called on what a request claims,
 * before its data is validated, so that a forged outcome is refused as forged (403), whatever its data;
 * an item without a string source and type is left to validation (400). Nothing is written before either.
 */
export function checkDoor(policy: DoorPolicy, events: ReadonlyArray<unknown>): void {
  events.forEach((event, index) => {
    const { source, type } = (typeof event === 'object' && event !== null ? event : {}) as { source?: unknown; type?: unknown };
    if (typeof source !== 'string' || typeof type !== 'string') return;
    if (!allows(policy, { source, type })) throw new ForbiddenEvent(index, source, type, policy.door);
  });
}
