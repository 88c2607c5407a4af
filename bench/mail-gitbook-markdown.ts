// The section of docs/benchmarks.md for the joiner effects, from what bench/mail-gitbook.js measured.
interface MailGitbookResult {
  quick: boolean;
  mail: {
    batched: { joiners: number; elapsedSeconds: number; requests: number; batchRequests: number; rateLimited429: number };
    oneEmailPerCall: { measuredEmails: number; secondsPerEmail: number; extrapolatedSecondsFor1000: number };
  };
  gitbook: {
    requestsPerJoiner: { joiners: number; requests: number; requestsPerJoiner: number; elapsedSeconds: number };
    rateLimited: { joiners: number; completed: number; deadLettered: number; rateLimited429: number; elapsedSeconds: number };
  };
}

export function mailGitbookMarkdown(r: MailGitbookResult): string {
  const { batched, oneEmailPerCall: single } = r.mail;
  const { requestsPerJoiner: perJoiner, rateLimited: limited } = r.gitbook;
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  return [
    '## Welcome email and GitBook access (issue 3)',
    '',
    `${batched.joiners.toLocaleString('en')} SCIM.UserCreated appended at once; one mailer process; the local Resend server`,
    "(`@onramp/provider-servers`) enforcing Resend's default 2 requests/s per team (`429` beyond). Measured from the",
    'append to the `recorded_at` of the last `onramp.mail.WelcomeSent`.',
    '',
    '| | time | requests | 429s |',
    '|---|---:|---:|---:|',
    `| batched (\`POST /emails/batch\`, up to 100 per call) | ${batched.elapsedSeconds.toFixed(1)} s | ${batched.requests} (${batched.batchRequests} batches) | ${batched.rateLimited429} |`,
    `| one email per request (\`POST /emails\`) | ~${Math.round(single.extrapolatedSecondsFor1000)} s for 1,000 (extrapolated) | 1,000 | — |`,
    '',
    `The one-email-per-call figure is computed, not waited for: ${single.measuredEmails} lone emails through the same sender and limiter`,
    `took ${single.secondsPerEmail.toFixed(3)} s each. Target under 15 s for 1,000 — ${verdict(batched.joiners >= 1000 && batched.elapsedSeconds < 15)}.`,
    '',
    `GitBook, ${perJoiner.joiners} joiners whose \`{dept}-readers\` group already exists, scimmy-based SCIM server with no limit:`,
    `${perJoiner.requests} requests, **${perJoiner.requestsPerJoiner.toFixed(2)} per joiner** (user look-up, create, add to group, a read that confirms it; one group`,
    `look-up per process, then cached), ${perJoiner.elapsedSeconds.toFixed(1)} s. Target at most 4 once the group is known (3 before the membership was confirmed, issue 10).`,
    '',
    `GitBook, ${limited.joiners} joiners against a SCIM server allowing 60 requests/min (\`X-RateLimit-*\` on every answer,`,
    `\`429 Retry-After\` beyond): **${limited.completed}/${limited.joiners} completed, ${limited.deadLettered} dead-lettered, ${limited.rateLimited429} answers were 429**,`,
    `${limited.elapsedSeconds.toFixed(0)} s. The client spreads what is left of the window over its remaining time instead of running into the limit.`,
    '',
  ].join('\n');
}
