// The gitbook-sync consumer: joiners get a GitBook account in their department's readers group,
// movers change group, leavers are deactivated or deleted. In GITBOOK_MODE=dry-run (the default without
// GITBOOK_SCIM_URL, outside production) its outcome events list the calls it would have made.
import {
  LIFECYCLE,
  OUTCOME,
  PermanentError,
  RetryableError,
  ScimError,
  createScimClient,
  departmentOf,
  outcomeEvent,
  readEvents,
  workEmailOf,
  type CloudEvent,
  type Config,
  type ConsumerDefinition,
  type Db,
  type ScimClient,
  type ScimUserData,
  type StoredEvent,
  type TypedEvent,
  isEventOf,
} from '@onramp/core';
import { createGroupDirectory, desiredUser, ensureMember, ensureNotMember, ensureUser, type GroupDirectory } from './access-effects.js';
import { createDryRunScim, type DryRunScim } from './dry-run-scim.js';
import { readersGroup } from './group-name.js';

export interface GitbookSyncDeps {
  db: Db;
  /** The SCIM client to use; unset: built from GITBOOK_SCIM_URL / _TOKEN, or a dry run in GITBOOK_MODE=dry-run. */
  scim?: ScimClient;
  concurrency?: number;
}

const COMPONENT = 'gitbook-sync';

type LifecycleEvent = TypedEvent<(typeof GITBOOK_SUBSCRIBES)[number]>;

/** The whole lifecycle: joiners, movers, leavers. */
export const GITBOOK_SUBSCRIBES = [LIFECYCLE.userCreated, LIFECYCLE.userUpdated, LIFECYCLE.userDeactivated, LIFECYCLE.userDeleted] as const;

/** The person's SCIM data in the latest earlier joiner/mover event of the same subject. */
async function previousState(db: Db, event: StoredEvent): Promise<ScimUserData | undefined> {
  if (event.subject === undefined) return undefined;
  const earlier = await readEvents(db, { subject: event.subject, upTo: event.seq - 1, limit: 10_000 });
  return earlier.filter((e) => isEventOf(e, LIFECYCLE.userCreated, LIFECYCLE.userUpdated)).at(-1)?.data;
}

function asConsumerError(error: unknown): unknown {
  if (!(error instanceof ScimError)) return error;
  if (!error.retryable) return new PermanentError(error.message, error.code, { cause: error });
  return new RetryableError(error.message, error.code === 'scim_rate_limited' ? error.retryAfterMs : undefined, { cause: error });
}

export function gitbookConsumer(config: Config, deps: GitbookSyncDeps): ConsumerDefinition {
  const { mode, scimUrl, scimToken } = config.gitbook;
  const real =
    deps.scim ??
    (mode === 'sync' && scimUrl !== undefined && scimToken !== undefined ? createScimClient({ baseUrl: scimUrl, token: scimToken }) : undefined);
  const groups = real === undefined ? undefined : createGroupDirectory(real);

  async function effect(event: LifecycleEvent, scim: ScimClient, directory: GroupDirectory): Promise<{ type: string; data: Record<string, unknown> }> {
    const data: ScimUserData = event.data;
    const before = event.type === LIFECYCLE.userCreated ? undefined : await previousState(deps.db, event);
    const email = workEmailOf(data) ?? (before === undefined ? undefined : workEmailOf(before));
    if (email === undefined) throw new PermanentError('the person has no usable work email for a GitBook userName', 'no_work_email');

    if (event.type === LIFECYCLE.userCreated || event.type === LIFECYCLE.userUpdated) {
      const { user, action, knownGroups } = await ensureUser(scim, desiredUser(data, email, data.active !== false));
      const group = readersGroup(departmentOf(data));
      const membership = group === undefined ? undefined : await ensureMember(scim, directory, group, user.id, knownGroups);
      const access = {
        gitbookUserId: user.id,
        user: action,
        group: group ?? null,
        ...(membership === undefined ? { reason: 'no_department' } : membership),
      };
      if (event.type === LIFECYCLE.userCreated) return { type: OUTCOME.accessGranted, data: access };
      const previousGroup = before === undefined ? undefined : readersGroup(departmentOf(before));
      const moved = previousGroup !== undefined && previousGroup !== group;
      const removed = moved ? await ensureNotMember(scim, previousGroup, user.id, knownGroups) : false;
      return { type: OUTCOME.accessChanged, data: { ...access, previousGroup: previousGroup ?? null, removedFromPrevious: removed } };
    }

    const user = await scim.findUserByUserName(email);
    if (user === undefined) return { type: OUTCOME.accessRevoked, data: { action: 'absent' } };
    if (event.type === LIFECYCLE.userDeleted) {
      try {
        if (await scim.deleteUser(user.id)) return { type: OUTCOME.accessRevoked, data: { action: 'deleted', gitbookUserId: user.id } };
        return { type: OUTCOME.accessRevoked, data: { action: 'absent' } };
      } catch (error) {
        // A provider that does not let users be deleted gets them deactivated instead.
        if (!(error instanceof ScimError && (error.code === 'scim_not_implemented' || error.status === 405))) throw error;
      }
    }
    if (user.active === false) return { type: OUTCOME.accessRevoked, data: { action: 'already_inactive', gitbookUserId: user.id } };
    await scim.patchUser(user.id, [{ op: 'replace', path: 'active', value: false }], user.meta?.version);
    return { type: OUTCOME.accessRevoked, data: { action: 'deactivated', gitbookUserId: user.id } };
  }

  return {
    consumer: COMPONENT,
    failureType: OUTCOME.accessFailed,
    concurrency: deps.concurrency ?? 8,
    async handle(event, ctx): Promise<CloudEvent[]> {
      if (!isEventOf(event, ...GITBOOK_SUBSCRIBES)) return [];
      const dryRun: DryRunScim | undefined = real === undefined ? createDryRunScim() : undefined;
      const scim = real ?? dryRun!;
      try {
        const outcome = await effect(event, scim, groups ?? createGroupDirectory(scim));
        ctx.logger.info({ outcome: outcome.type, dryRun: dryRun !== undefined }, 'gitbook access handled');
        // A dry run says so in the record itself, so no reader takes it for access that was granted.
        const data = dryRun === undefined ? { ...outcome.data, mode: 'sync' } : { ...outcome.data, mode: 'dry-run', dryRun: true, calls: dryRun.calls };
        return [outcomeEvent(COMPONENT, outcome.type, event, data)];
      } catch (error) {
        throw asConsumerError(error);
      }
    },
  };
}
