// The gitbook-sync consumer: joiners get a GitBook account in their department's readers group,
// movers change group, leavers are deactivated or deleted (held at the deletion threshold), rehires come
// back. It converges on the person's state from all their events, so the order they were appended in
// does not change where it ends. In GITBOOK_MODE=dry-run (the default without
// GITBOOK_SCIM_URL, outside production) its outcome events list the calls it would have made.
import {
  APPROVE_TAG,
  LIFECYCLE,
  OUTCOME,
  PermanentError,
  RetryableError,
  ScimError,
  createScimClient,
  departmentOf,
  foldPersonState,
  isEventOf,
  outcomeEvent,
  personState,
  workEmailOf,
  type CloudEvent,
  type Config,
  type ConsumerContext,
  type ConsumerDefinition,
  type Db,
  type PersonState,
  type ScimClient,
  type ScimUserData,
  type TypedEvent,
} from '@onramp/core';
import { createGroupDirectory, desiredUser, ensureMember, ensureNotMember, ensureUser, type GroupDirectory } from './access-effects.js';
import { holdDecision, supersedeHolds } from './deprovision-hold.js';
import { createDryRunScim, type DryRunScim } from './dry-run-scim.js';
import { readersGroup } from './group-name.js';

export interface GitbookSyncDeps {
  db: Db;
  /** The SCIM client to use; unset: built from GITBOOK_SCIM_URL / _TOKEN, or a dry run in GITBOOK_MODE=dry-run. */
  scim?: ScimClient;
  concurrency?: number;
}

type LifecycleEvent = TypedEvent<(typeof GITBOOK_SUBSCRIBES)[number]>;

const COMPONENT = 'gitbook-sync';

/** The whole lifecycle: joiners, movers, leavers. */
export const GITBOOK_SUBSCRIBES = [LIFECYCLE.userCreated, LIFECYCLE.userUpdated, LIFECYCLE.userDeactivated, LIFECYCLE.userDeleted] as const;

interface Outcome {
  type: string;
  data: Record<string, unknown>;
}

function asConsumerError(error: unknown): unknown {
  if (!(error instanceof ScimError)) return error;
  if (!error.retryable) return new PermanentError(error.message, error.code, { cause: error });
  return new RetryableError(error.message, error.code === 'scim_rate_limited' ? error.retryAfterMs : undefined, { cause: error });
}

export function gitbookConsumer(config: Config, deps: GitbookSyncDeps): ConsumerDefinition {
  const { mode, scimUrl, scimToken, onLeave } = config.gitbook;
  const real =
    deps.scim ??
    (mode === 'sync' && scimUrl !== undefined && scimToken !== undefined ? createScimClient({ baseUrl: scimUrl, token: scimToken }) : undefined);
  const groups = real === undefined ? undefined : createGroupDirectory(real);

  /** Active: the account exists, is active, looks as the profile says, and is in (only) the department's group. */
  async function converge(state: PersonState, email: string, scim: ScimClient, directory: GroupDirectory): Promise<Record<string, unknown>> {
    const profile = state.profile ?? {};
    const { user, action, knownGroups } = await ensureUser(scim, desiredUser(profile, email, true));
    const group = readersGroup(departmentOf(profile));
    const membership = group === undefined ? undefined : await ensureMember(scim, directory, group, user.id, knownGroups);
    // Groups of departments the person was in before (a mover, or events out of order) are left.
    const removedFrom: string[] = [];
    for (const old of state.departments.map(readersGroup)) {
      if (old === undefined || old === group || removedFrom.includes(old)) continue;
      if (await ensureNotMember(scim, directory, old, user.id, knownGroups)) removedFrom.push(old);
    }
    return {
      gitbookUserId: user.id,
      gitbookUserName: user.userName,
      user: action,
      group: group ?? null,
      ...(membership === undefined ? { reason: 'no_department' } : membership),
      removedFrom,
    };
  }

  /** Left: out of every readers group the person was in, then deactivated or deleted (GITBOOK_ON_LEAVE). */
  async function deprovision(state: PersonState, email: string, scim: ScimClient, directory: GroupDirectory): Promise<Record<string, unknown>> {
    const user = await scim.findUserByUserName(email);
    if (user === undefined) return { action: 'absent' };
    const shown = { gitbookUserId: user.id, gitbookUserName: user.userName };
    const knownGroups = Array.isArray(user.groups) ? user.groups.map((g) => g.value) : undefined;
    const removedFrom: string[] = [];
    for (const group of state.departments.map(readersGroup)) {
      if (group === undefined || removedFrom.includes(group)) continue;
      if (await ensureNotMember(scim, directory, group, user.id, knownGroups)) removedFrom.push(group);
    }
    if (onLeave === 'delete') {
      try {
        return { ...shown, action: (await scim.deleteUser(user.id)) ? 'deleted' : 'absent', removedFrom };
      } catch (error) {
        // A provider that does not let users be deleted gets them deactivated instead.
        if (!(error instanceof ScimError && (error.code === 'scim_not_implemented' || error.status === 405))) throw error;
      }
    }
    if (user.active === false) return { ...shown, action: 'already_inactive', removedFrom };
    await scim.patchUser(user.id, [{ op: 'replace', path: 'active', value: false }], user.meta?.version);
    return { ...shown, action: 'deactivated', removedFrom };
  }

  async function effect(event: LifecycleEvent, ctx: ConsumerContext, scim: ScimClient, directory: GroupDirectory): Promise<Outcome | undefined> {
    // The person's state from all their events, whatever order they were appended in: this event may be
    // older than one already handled (then handling it again converges on the same place).
    const state = (event.subject === undefined ? undefined : await personState(deps.db, event.subject)) ?? foldPersonState([event])!;
    const decided = state.decidedBy.seq === event.seq ? {} : { decidedBySeq: state.decidedBy.seq };
    const email = (state.profile === undefined ? undefined : workEmailOf(state.profile)) ?? workEmailOf(state.decidedBy.data as ScimUserData) ?? workEmailOf(event.data);
    if (email === undefined) throw new PermanentError('the person has no usable work email for a GitBook userName', 'no_work_email');

    if (state.status === 'active') {
      const access = await converge(state, email, scim, directory);
      if (event.subject !== undefined) ctx.recordWith(supersedeHolds(COMPONENT, event.subject));
      return { type: event.type === LIFECYCLE.userCreated ? OUTCOME.accessGranted : OUTCOME.accessChanged, data: { ...access, ...decided } };
    }
    const hold = await holdDecision(deps.db, config, COMPONENT, state.decidedBy);
    if (hold.kind === 'rejected') {
      ctx.logger.info({ heldSeq: state.decidedBy.seq }, 'deprovisioning rejected by an operator; skipped');
      return undefined;
    }
    if (hold.kind === 'held') {
      if (hold.write !== undefined) ctx.recordWith(hold.write);
      ctx.logger.warn({ heldSeq: state.decidedBy.seq, leaversInWindow: hold.leaversInWindow, threshold: hold.threshold }, 'deprovisioning held at the threshold');
      return {
        type: OUTCOME.deprovisionHeld,
        data: { consumer: COMPONENT, heldSeq: state.decidedBy.seq, leaversInWindow: hold.leaversInWindow, threshold: hold.threshold, windowMs: config.lifecycle.deprovisionWindowMs, new: hold.fresh },
      };
    }
    const approved = ctx.redelivery?.startsWith(APPROVE_TAG) === true ? { approved: true } : {};
    return { type: OUTCOME.accessRevoked, data: { ...(await deprovision(state, email, scim, directory)), onLeave, ...decided, ...approved } };
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
        const outcome = await effect(event, ctx, scim, groups ?? createGroupDirectory(scim));
        if (outcome === undefined) return [];
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
