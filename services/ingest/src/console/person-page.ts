// One person's onboarding: every event of their subject in seq order — what the directory said (the
// lifecycle events, which are what each consumer was asked to act on) and what each consumer recorded
// (the outcome events: provider, message id, idempotency key, SCIM ids and calls, failures and dead
// letters) — with their open dead letters (Retry) and a replay of the person to one consumer.
import type { DeadLetterRow, PersonMatch, StoredEvent } from '@onramp/core';
import { actionButton, consolePage } from './console-page.js';
import { html, type Html } from './html.js';

export function peoplePage(query: string | undefined, matches: PersonMatch[], csrf: string): string {
  const results = query === undefined
    ? html``
    : matches.length === 0
      ? html`<p>No person in the log matches that.</p>`
      : html`<table id="people"><thead><tr><th>subject</th><th>userName</th><th>name</th><th>latest lifecycle seq</th></tr></thead><tbody>
${matches.map((m) => html`<tr><td><a href="/console/person?subject=${encodeURIComponent(m.subject)}">${m.subject}</a></td><td>${m.userName}</td><td>${m.name}</td><td class="num">${m.lastSeq}</td></tr>`)}
</tbody></table>`;
  return consolePage('People', html`
<form method="get" action="/console/people">
  <label>Email, name or subject <input type="search" name="q" value="${query ?? ''}" maxlength="320" required></label>
  <button type="submit">Find</button>
</form>
${results}`, { csrf });
}

/** What an event of the person's timeline is: the directory's input, or a consumer's outcome. */
function role(event: StoredEvent): Html {
  if (!event.source.startsWith('onramp/')) return html`<span>asked (from ${event.source})</span>`;
  const cause = (event.data as { cause?: { seq?: unknown } } | undefined)?.cause?.seq;
  const failed = /Failed$|DeadLettered$/.test(event.type);
  return html`<span class="${failed ? 'bad' : 'ok'}">${event.source.slice('onramp/'.length)} answered${typeof cause === 'number' ? ` seq ${cause}` : ''}</span>`;
}

export interface PersonView {
  subject: string;
  events: StoredEvent[];
  /** More events exist than shown. */
  truncated: boolean;
  deadLetters: DeadLetterRow[];
  consumers: string[];
}

/** Who the person is, from their latest lifecycle event that says so. */
function summary(events: StoredEvent[]): Html {
  const lifecycle = events.filter((e) => !e.source.startsWith('onramp/'));
  const latest = lifecycle.at(-1);
  const named = [...lifecycle].reverse().map((e) => e.data as { userName?: unknown; displayName?: unknown; name?: { givenName?: unknown; familyName?: unknown } } | undefined).find((d) => typeof d?.userName === 'string');
  if (latest === undefined) return html`<p class="muted">No lifecycle event of this subject in the log.</p>`;
  const name = typeof named?.displayName === 'string' ? named.displayName : [named?.name?.givenName, named?.name?.familyName].filter((p) => typeof p === 'string').join(' ');
  return html`<p id="summary"><strong>${name}</strong> ${named === undefined ? '' : html`&lt;${String(named.userName)}&gt;`} · latest: ${latest.type} (seq ${latest.seq}, ${latest.time ?? latest.recordedAt.toISOString()})</p>`;
}

export function personPage(view: PersonView, csrf: string, notice?: string): string {
  const { subject, events, deadLetters } = view;
  const dead = deadLetters.length === 0
    ? html`<p class="ok">No open dead letters.</p>`
    : html`<table id="dead-letters"><thead><tr><th>consumer</th><th>seq</th><th>type</th><th>attempts</th><th>code</th><th>error</th><th>failed at</th><th></th></tr></thead><tbody>
${deadLetters.map((d) => html`<tr data-consumer="${d.consumer}" data-seq="${d.seq}"><td>${d.consumer}</td><td class="num">${d.seq}</td><td>${d.type}</td><td class="num">${d.attempts}</td><td>${d.code}</td><td>${d.error}</td><td>${d.failedAt.toISOString()}</td>
<td>${actionButton('/console/person/retry', 'Retry', csrf, { subject, consumer: d.consumer, seq: d.seq })}</td></tr>`)}
</tbody></table>`;
  return consolePage(`Person ${subject}`, html`
${summary(events)}
<h2>Dead letters</h2>
${dead}
<h2>Replay this person</h2>
<form method="post" action="/console/person/replay">
  <input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="subject" value="${subject}">
  <label>to <select name="consumer">${view.consumers.map((c) => html`<option value="${c}">${c}</option>`)}</select></label>
  <button type="submit">Replay</button>
  <span class="muted">Every event of this person the consumer subscribes to is delivered again; what it already completed is skipped (as <code>onramp replay --subject</code>).</span>
</form>
<h2>Timeline</h2>
${view.truncated ? html`<p class="muted">The first ${events.length} events are shown; <code>onramp events list --subject</code> has the rest.</p>` : ''}
<table id="timeline"><thead><tr><th>seq</th><th>recorded</th><th>time</th><th>type</th><th></th><th>data</th></tr></thead><tbody>
${events.map((e) => html`<tr data-type="${e.type}"><td class="num">${e.seq}</td><td>${e.recordedAt.toISOString()}</td><td>${e.time ?? ''}</td><td>${e.type}</td><td>${role(e)}</td><td><pre>${JSON.stringify(e.data ?? null, null, 2)}</pre></td></tr>`)}
</tbody></table>`, { csrf, notice });
}
