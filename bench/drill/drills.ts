// The drills of issue 9, each a fault applied to a running pipeline from the outside.
import type { AcceptedEmail } from '@onramp/provider-servers';
import type { Drill, DrillContext } from './drill-run.js';
import { sleep } from './free-port.js';

/** Resolves once; `fire` is what a provider hook calls. */
function trigger() {
  let fire!: () => void;
  const fired = new Promise<void>((resolve) => (fire = resolve));
  return { fired, fire };
}

/** Kills the workers from inside a provider hook (after it acted, before it answers) and restarts them. */
async function killFromHook(ctx: DrillContext, people: number, arm: (kill: () => Promise<void>) => void): Promise<void> {
  const { fired, fire } = trigger();
  let done = false;
  arm(async () => {
    if (done) return;
    done = true;
    await ctx.workers.kill();
    fire();
  });
  const posting = ctx.post(ctx.people(people), { concurrency: 50 });
  await Promise.race([fired, sleep(60_000)]);
  if (!done) throw new Error('the hook never fired');
  await ctx.workers.start();
  ctx.cleared();
  await posting;
}

async function logOutage(ctx: DrillContext, seconds: number): Promise<void> {
  const posting = ctx.post(ctx.people(300), { concurrency: 50 });
  // A backlog: some effects done, most still queued, when the database goes.
  await ctx.until((s) => s.accounts.length >= 30, 60_000, '30 GitBook accounts');
  await ctx.env.mariadb.kill();
  ctx.note(`mariadbd killed with ${(await ctx.snapshot()).accounts.length} accounts and ${ctx.resend.emails.length} emails done`);
  // Joiners keep arriving while it is down (EventBridge retries the 503s).
  const during = ctx.post(ctx.people(50), { concurrency: 10 });
  await sleep(seconds * 1000);
  await ctx.env.mariadb.start();
  ctx.cleared();
  await Promise.all([posting, during]);
}

export function drills(quick: boolean): Drill[] {
  const longOutage = quick ? 30 : 150;
  return [
    {
      name: 'duplicate storm (500 joiners + 100 re-posts, 50 concurrent)',
      limitSeconds: 120,
      async run(ctx) {
        const people = ctx.people(500);
        // Each re-post follows its original closely, so that many race with its first delivery.
        const keys = people.flatMap((key, i) => (i % 5 === 4 ? [key, people[i - 2]!] : [key]));
        ctx.cleared();
        await ctx.post(keys, { concurrency: 50 });
      },
    },
    {
      name: 'SIGKILL of the workers mid-run',
      limitSeconds: 150,
      async run(ctx) {
        const posting = ctx.post(ctx.people(300), { concurrency: 20 });
        await ctx.until((s) => s.accounts.length >= 100, 60_000, '100 GitBook accounts');
        await ctx.workers.kill();
        ctx.note(`workers killed with ${ctx.resend.emails.length} emails and ${(await ctx.snapshot()).accounts.length} accounts done`);
        await ctx.workers.start();
        ctx.cleared();
        await posting;
      },
    },
    {
      name: 'SIGKILL after Resend accepted a batch',
      limitSeconds: 150,
      async run(ctx) {
        let killed = false;
        await killFromHook(ctx, 200, (kill) => {
          ctx.hooks.onAccepted = async (emails: AcceptedEmail[]) => {
            if (emails.length < 10 || killed) return;
            killed = true;
            ctx.note(`workers killed after Resend accepted a batch of ${emails.length}, before its answer`);
            await kill();
          };
        });
      },
    },
    {
      name: 'SIGKILL after the SCIM create',
      limitSeconds: 150,
      async run(ctx) {
        let created = 0;
        await killFromHook(ctx, 200, (kill) => {
          ctx.hooks.onUserCreated = async () => {
            if (++created !== 50) return;
            ctx.note('workers killed after the 50th GitBook user was created, before its answer');
            await kill();
          };
        });
      },
    },
    {
      name: 'Redis down 20 s under load',
      limitSeconds: 120,
      async run(ctx) {
        // About 25 joiners/s for 12 s; Redis goes 3 s in.
        const posting = ctx.post(ctx.people(300), { concurrency: 10, paceMs: 400 });
        await sleep(3000);
        await ctx.env.redis.kill();
        await sleep(20_000);
        await ctx.env.redis.start();
        ctx.cleared();
        await posting;
      },
    },
    {
      name: 'Redis restarted empty with 400 queued',
      limitSeconds: 120,
      workersFirst: false,
      async run(ctx) {
        await ctx.post(ctx.people(400), { concurrency: 50 });
        const queued = await ctx.until((s) => s.log !== undefined && s.log.outbox === 0 && s.log.pending >= 800, 30_000, '800 deliveries queued');
        ctx.note(`${queued.log!.pending} deliveries queued for the mailer and gitbook-sync, workers stopped; Redis restarted empty`);
        await ctx.env.redis.restartEmpty();
        await ctx.workers.start();
        ctx.cleared();
      },
    },
    {
      name: 'MySQL down 20 s with a backlog',
      limitSeconds: 150,
      run: (ctx) => logOutage(ctx, 20),
    },
    {
      name: `MySQL down ${longOutage} s with a backlog`,
      limitSeconds: longOutage + 150,
      run: (ctx) => logOutage(ctx, longOutage),
    },
    {
      name: 'provider 500/429/503 sequences',
      limitSeconds: 120,
      async run(ctx) {
        const resendFaults = [
          { status: 500, name: 'internal_server_error' },
          { status: 429, name: 'rate_limit_exceeded', headers: { 'retry-after': '1' } },
          { status: 503, name: 'service_unavailable' },
          { status: 500, name: 'internal_server_error' },
          { status: 503, name: 'service_unavailable' },
          { status: 429, name: 'rate_limit_exceeded', headers: { 'retry-after': '2' } },
        ];
        for (const fault of resendFaults) ctx.resend.failNext(1, fault);
        for (const status of [500, 429, 503, 500, 503, 429, 500, 503, 503, 500]) {
          ctx.scim.failNext(1, status === 429 ? { status, headers: { 'retry-after': '1' } } : { status });
        }
        ctx.cleared();
        await ctx.post(ctx.people(100), { concurrency: 20 });
      },
    },
    {
      name: 'provider answers lost after it acted',
      limitSeconds: 90,
      async run(ctx) {
        ctx.resend.loseAnswersNext(3);
        ctx.scim.loseAnswersNext(10);
        ctx.cleared();
        await ctx.post(ctx.people(100), { concurrency: 20 });
      },
    },
  ];
}
