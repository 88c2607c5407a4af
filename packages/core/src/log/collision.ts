// Failures that another transaction caused and a second run of the same transaction resolves: InnoDB
// picked it as a deadlock's victim, or a row it meant to insert was inserted meanwhile by another.
const ER_DUP_ENTRY = 1062;
const ER_LOCK_DEADLOCK = 1213;

const errnoOf = (error: unknown): unknown => (error as { errno?: unknown } | undefined)?.errno;

/** InnoDB chose this transaction as a deadlock's victim: running it again from the start resolves it. */
export function isDeadlock(error: unknown): boolean {
  return errnoOf(error) === ER_LOCK_DEADLOCK;
}

export function isCollision(error: unknown): boolean {
  return isDeadlock(error) || errnoOf(error) === ER_DUP_ENTRY;
}
