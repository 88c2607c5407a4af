import type { ConsumerStatus, DeadLetterRow } from '@onramp/core';
import { consolePage } from './console-page.js';
import { html } from './html.js';

export interface ConsumerRow extends ConsumerStatus {
  /** Completions in the rate window. */
  completed: number;
  /** BullMQ's jobs by state, when Redis answered. */
  jobs: Record<string, number> | undefined;
}

const age = (seconds: number | null) => (seconds === null ? '—' : seconds < 120 ? `${seconds} s` : seconds < 7200 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds / 3600)} h`);
const personLink = (subject: string | null) => (subject === null ? html`<span class="muted">none</span>` : html`<a href="/console/person?subject=${encodeURIComponent(subject)}">${subject}</a>`);

export function consumersPage(rows: ConsumerRow[], deadLetters: DeadLetterRow[], windowSeconds: number, csrf: string): string {
  const perMinute = (n: number) => (n / (windowSeconds / 60)).toFixed(1);
  return consolePage('Consumers', html`
<table id="consumers">
<thead><tr><th>consumer</th><th>types</th><th>from seq</th><th>lag (events)</th><th>oldest pending</th><th>in flight</th><th>dead letters</th><th>completed, last ${windowSeconds / 60} min</th><th>rate /min</th><th>queue (wait · active · delayed · failed)</th></tr></thead>
<tbody>${rows.map((r) => html`<tr data-consumer="${r.consumer}">
  <td>${r.consumer}</td><td>${r.types.join(', ')}</td><td class="num">${r.startSeq ?? '—'}</td>
  <td class="num" data-field="pending">${r.pending}</td><td class="num">${age(r.oldestPendingSeconds)}</td>
  <td class="num" data-field="inFlight">${r.inFlight}</td>
  <td class="num ${r.deadLetters > 0 ? 'bad' : ''}" data-field="deadLetters">${r.deadLetters}</td>
  <td class="num" data-field="completed">${r.completed}</td><td class="num">${perMinute(r.completed)}</td>
  <td>${r.jobs === undefined ? html`<span class="muted">Redis did not answer</span>` : `${r.jobs.wait ?? 0} · ${r.jobs.active ?? 0} · ${r.jobs.delayed ?? 0} · ${r.jobs.failed ?? 0}`}</td>
</tr>`)}</tbody></table>
<h2>Open dead letters</h2>
${deadLetters.length === 0 ? html`<p class="ok">None.</p>` : html`<table id="dead-letters"><thead><tr><th>consumer</th><th>seq</th><th>type</th><th>person</th><th>attempts</th><th>code</th><th>error</th><th>failed at</th></tr></thead><tbody>
${deadLetters.map((d) => html`<tr><td>${d.consumer}</td><td class="num">${d.seq}</td><td>${d.type}</td><td>${personLink(d.subject)}</td><td class="num">${d.attempts}</td><td>${d.code}</td><td>${d.error}</td><td>${d.failedAt.toISOString()}</td></tr>`)}
</tbody></table>`}
<p class="muted">Lag is the deliveries not yet completed or dead-lettered; in flight, those queued or being handled. The same numbers as <code>onramp consumers</code> and ingest's <code>/metrics</code>.</p>`, { csrf });
}
