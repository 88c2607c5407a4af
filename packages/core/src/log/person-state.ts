// Where a person stands in their lifecycle, from every lifecycle event of their subject in the log. Events
// may be appended out of order (a directory retries, two doors race), so the state is the event that is
// latest by the source's `time` (the log's seq breaks ties, and stands in for a missing time), not the
// event last appended. Consumers converge on this state; whatever order they see, they end in the same place.
import type { Db } from './database.js';
import { readEvents } from './event-log.js';
import type { StoredEvent } from '../events/cloud-event.js';
import { LIFECYCLE } from '../events/event-types.js';
import { departmentOf, type ScimUserData } from '../events/scim-user.js';

export type PersonStatus = 'active' | 'left';

export interface PersonState {
  status: PersonStatus;
  /** The event that decides the state. */
  decidedBy: StoredEvent;
  /** The latest profile (joiner or mover data) by time; a leaver's data is often only the userName. */
  profile: ScimUserData | undefined;
  /** Every department the person's events have named, oldest first: where memberships may be left over. */
  departments: string[];
}

const PERSON_TYPES: readonly string[] = [LIFECYCLE.userCreated, LIFECYCLE.userUpdated, LIFECYCLE.userDeactivated, LIFECYCLE.userDeleted];

/** Whether this event, on its own, says the person left: deactivated, deleted, or an update with active=false. */
export function isLeaverEvent(event: Pick<StoredEvent, 'type' | 'data'>): boolean {
  if (event.type === LIFECYCLE.userDeactivated || event.type === LIFECYCLE.userDeleted) return true;
  return event.type === LIFECYCLE.userUpdated && (event.data as ScimUserData | undefined)?.active === false;
}

function instant(event: StoredEvent): number {
  const time = event.time === undefined ? Number.NaN : Date.parse(event.time);
  return Number.isNaN(time) ? event.recordedAt.getTime() : time;
}

/** Oldest first by source time, then seq. */
export function byLifecycleTime(a: StoredEvent, b: StoredEvent): number {
  return instant(a) - instant(b) || a.seq - b.seq;
}

/** The state from a person's lifecycle events (any order); undefined when there are none. */
export function foldPersonState(events: StoredEvent[]): PersonState | undefined {
  const ordered = events.filter((e) => PERSON_TYPES.includes(e.type)).sort(byLifecycleTime);
  const decidedBy = ordered.at(-1);
  if (decidedBy === undefined) return undefined;
  const profiles = ordered.filter((e) => e.type === LIFECYCLE.userCreated || e.type === LIFECYCLE.userUpdated);
  const departments: string[] = [];
  for (const e of profiles) {
    const department = departmentOf(e.data as ScimUserData);
    if (department !== undefined && !departments.includes(department)) departments.push(department);
  }
  return {
    status: isLeaverEvent(decidedBy) ? 'left' : 'active',
    decidedBy,
    profile: profiles.at(-1)?.data as ScimUserData | undefined,
    departments,
  };
}

/** The person's state from the whole log (every event of the subject appended so far). */
export async function personState(db: Db, subject: string): Promise<PersonState | undefined> {
  const events = await readEvents(db, { subject, limit: 10_000 });
  return foldPersonState(events);
}
