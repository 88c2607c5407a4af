// `onramp lifecycle held|approve|reject`: deprovisionings held at the deletion threshold, and the
// operator's decision on them.
import { decideHeldDeprovisionings, listHeldDeprovisionings, type HoldSelection } from '@onramp/core';
import type { CommandContext, Io } from './context.js';
import { terminalSafe, terminalSafeJson } from './terminal-safe.js';

export async function listHeld(ctx: CommandContext, io: Io, json: boolean): Promise<void> {
  const held = await listHeldDeprovisionings(ctx.db);
  if (json) return held.forEach((h) => io.out(terminalSafeJson(h)));
  if (held.length === 0) return io.out('no deprovisioning is held');
  for (const h of held) {
    io.out(terminalSafe([h.consumer.padEnd(13), String(h.seq).padStart(8), h.type.padEnd(20), (h.subject ?? '-').padEnd(24), `${h.leaversInWindow} leavers > ${h.threshold}`, h.heldAt.toISOString()].join('  ')));
  }
  io.out(`${held.length} held; "onramp lifecycle approve --all" releases them, "onramp lifecycle reject --all" skips them`);
}

export async function decideHeld(ctx: CommandContext, io: Io, decision: 'approved' | 'rejected', selection: HoldSelection): Promise<void> {
  const decided = await decideHeldDeprovisionings(ctx.db, decision, selection);
  const what = decision === 'approved' ? 'approved; the relay hands them to their consumer again' : 'rejected; they will not be deprovisioned';
  io.out(`${decided.length} deprovisioning(s) ${what}`);
}
