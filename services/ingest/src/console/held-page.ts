import type { HeldDeprovisioning } from '@onramp/core';
import { actionButton, consolePage } from './console-page.js';
import { html } from './html.js';

export function heldPage(held: HeldDeprovisioning[], csrf: string, notice?: string): string {
  return consolePage('Held deprovisionings', html`
<p>Leavers beyond <code>DEPROVISION_THRESHOLD</code> within <code>DEPROVISION_WINDOW</code> keep their access until an operator decides: <strong>Approve</strong> deprovisions them, <strong>Reject</strong> records the decision and skips it (<code>onramp lifecycle approve|reject</code>).</p>
${held.length === 0 ? html`<p class="ok">Nothing is held.</p>` : html`<table id="held"><thead><tr><th>consumer</th><th>seq</th><th>type</th><th>person</th><th>leavers in window</th><th>threshold</th><th>held at</th><th></th></tr></thead><tbody>
${held.map((h) => html`<tr data-seq="${h.seq}"><td>${h.consumer}</td><td class="num">${h.seq}</td><td>${h.type}</td>
<td>${h.subject === null ? '' : html`<a href="/console/person?subject=${encodeURIComponent(h.subject)}">${h.subject}</a>`}</td>
<td class="num">${h.leaversInWindow}</td><td class="num">${h.threshold}</td><td>${h.heldAt.toISOString()}</td>
<td>${actionButton('/console/held/decide', 'Approve', csrf, { seq: h.seq, decision: 'approved' })} ${actionButton('/console/held/decide', 'Reject', csrf, { seq: h.seq, decision: 'rejected' })}</td></tr>`)}
</tbody></table>`}`, { csrf, notice });
}
