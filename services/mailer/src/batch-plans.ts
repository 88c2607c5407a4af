// Which request each email went out in. Resend's batch endpoint takes one Idempotency-Key for the
// whole batch, so an email's own key protects it only if, after a crash, it is sent again in the very
// same batch. A plan records that batch (its key, members and body) before it is sent, and each member
// is claimed by exactly one plan, across processes; whoever retries a member re-sends its plan verbatim
// and Resend answers from its idempotency store instead of sending again. Plans live as long as
// Resend keeps idempotency keys (24 h), less a margin; beyond that the completion record in the log is
// what stops a second email.
import type { Redis } from 'ioredis';

export interface SendPlan {
  /** The Idempotency-Key of the request. */
  key: string;
  endpoint: '/emails' | '/emails/batch';
  /** Member idempotency keys, in the order of the batch. */
  members: string[];
  /** The exact payload given to the SDK, so a re-send is byte for byte the same request. */
  body: unknown;
}

export interface BatchPlans {
  /** The plan a member was claimed by, if any (and it is still kept). */
  planOf(memberKey: string): Promise<SendPlan | undefined>;
  /** Stores the plan and claims its members; returns the members another plan had claimed (nothing is stored then). */
  claim(plan: SendPlan): Promise<string[]>;
  /** Forgets a member's claim (its plan expired); it may then be planned afresh. */
  release(memberKey: string): Promise<void>;
}

export const PLAN_TTL_MS = 23 * 3600 * 1000;

const CLAIM = `
local taken = {}
for i = 2, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then table.insert(taken, i - 1) end
end
if #taken > 0 then return taken end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
for i = 2, #KEYS do redis.call('SET', KEYS[i], ARGV[2], 'PX', ARGV[3]) end
return taken`;

export function createBatchPlans(redis: Redis, keyPrefix: string): BatchPlans {
  const planKey = (key: string) => `${keyPrefix}:plan:${key}`;
  const memberKey = (key: string) => `${keyPrefix}:member:${key}`;
  return {
    async planOf(member) {
      const key = await redis.get(memberKey(member));
      if (key === null) return undefined;
      const stored = await redis.get(planKey(key));
      return stored === null ? undefined : (JSON.parse(stored) as SendPlan);
    },
    async claim(plan) {
      const keys = [planKey(plan.key), ...plan.members.map(memberKey)];
      const taken = (await redis.eval(CLAIM, keys.length, ...keys, JSON.stringify(plan), plan.key, PLAN_TTL_MS)) as number[];
      return taken.map((i) => plan.members[i - 1]!);
    },
    async release(member) {
      await redis.del(memberKey(member));
    },
  };
}
