// Failures that another transaction caused and a second run of the same transaction resolves: InnoDB
// picked it as a deadlock's victim, or a row it meant to insert was inserted meanwhile by another.
const ER_DUP_ENTRY = 1062;
const ER_LOCK_DEADLOCK = 1213;

export function isCollision(error: unknown): boolean {
  const errno = (error as { errno?: unknown } | undefined)?.errno;
  return errno === ER_LOCK_DEADLOCK || errno === ER_DUP_ENTRY;
}
