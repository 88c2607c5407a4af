// The frame of every console page: navigation, the logout form (with the session's CSRF token), and a
// stylesheet served from the console itself, so the Content-Security-Policy allows no inline code at all.
import { html, type Html } from './html.js';

export const CONSOLE_CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
header{display:flex;gap:1.2em;align-items:center;padding:.6em 1.2em;background:#1d2430;color:#fff}
header a{color:#cfe0ff;text-decoration:none}header a:hover{text-decoration:underline}
header strong{margin-right:1em}header form{margin-left:auto}
main{padding:1em 1.4em;max-width:1500px}
table{border-collapse:collapse;width:100%;background:#fff;margin:.6em 0 1.4em}
th,td{border:1px solid #d8dde5;padding:.35em .55em;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
td pre{min-width:30em}pre{margin:0;white-space:pre-wrap;word-break:break-word;font-size:12px;max-height:18em;overflow:auto}
.ok{color:#116b2f}.bad{color:#a4161a;font-weight:600}.muted{color:#66707d}
.notice{background:#e7f3ea;border:1px solid #9fcfab;padding:.5em .8em;margin:.6em 0}
.error{background:#fbe9e9;border:1px solid #e0a3a3;padding:.5em .8em;margin:.6em 0}
form.inline{display:inline}button{cursor:pointer}
input[type=text],input[type=password],input[type=search]{padding:.3em;min-width:22em}
`;

export interface PageOptions {
  /** The session's CSRF token; absent on the login page (no session yet). */
  csrf?: string;
  notice?: string | undefined;
  error?: string | undefined;
}

export function consolePage(title: string, body: Html, options: PageOptions = {}): string {
  const nav = options.csrf === undefined
    ? html``
    : html`<a href="/console/consumers">Consumers</a><a href="/console/people">People</a><a href="/console/held">Held deprovisionings</a><a href="/console/queues/">Queues</a>
      <form method="post" action="/console/logout" class="inline"><input type="hidden" name="_csrf" value="${options.csrf}"><button type="submit">Log out</button></form>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${title} · onramp console</title><link rel="stylesheet" href="/console/console.css"></head>
<body><header><strong>onramp console</strong>${nav}</header><main>
<h1>${title}</h1>
${options.notice === undefined ? '' : html`<p class="notice" role="status">${options.notice}</p>`}
${options.error === undefined ? '' : html`<p class="error" role="alert">${options.error}</p>`}
${body}
</main></body></html>`.value;
}

/** A POST form of one button, carrying the CSRF token and the given fields. */
export function actionButton(action: string, label: string, csrf: string, fields: Record<string, string | number>): Html {
  const hidden = Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  return html`<form method="post" action="${action}" class="inline"><input type="hidden" name="_csrf" value="${csrf}">${hidden}<button type="submit">${label}</button></form>`;
}
