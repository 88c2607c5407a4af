// `onramp infra check infra/` as a user runs it: a fresh process each time, timed from spawn to
// exit, beside `node -e 0` (Node's own start-up) measured in the same run. "cold" removes the
// parse cache first (the first run after a checkout or a parser upgrade); "warm" is every run after.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface InfraCheckBenchResult {
  runs: number;
  nodeStartMs: number;
  coldMs: number;
  warmMs: number;
  findings: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timeRun(args: string[]): { ms: number; status: number | null; stdout: string } {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, status: result.status, stdout: result.stdout };
}

export function benchInfraCheck(log: (line: string) => void, runs = 7): InfraCheckBenchResult {
  const check = ['bin/onramp.js', 'infra', 'check', 'infra/', '--format', 'json'];
  const cache = join(tmpdir(), 'onramp-infra-check');
  const node: number[] = [];
  const cold: number[] = [];
  const warm: number[] = [];
  let findings = -1;
  for (let i = 0; i < runs; i++) {
    node.push(timeRun(['-e', '0']).ms);
    rmSync(cache, { recursive: true, force: true });
    cold.push(timeRun(check).ms);
    const run = timeRun(check);
    if (run.status !== 0) throw new Error(`infra check exited ${run.status}`);
    findings = (JSON.parse(run.stdout) as { findings: unknown[] }).findings.length;
    warm.push(run.ms);
  }
  const result = { runs, nodeStartMs: Math.round(median(node)), coldMs: Math.round(median(cold)), warmMs: Math.round(median(warm)), findings };
  log(`infra check: node -e 0 ${result.nodeStartMs} ms, cold ${result.coldMs} ms, warm ${result.warmMs} ms`);
  return result;
}

export function infraCheckMarkdown(r: InfraCheckBenchResult): string {
  return [
    '## `onramp infra check infra/` (issue 14)',
    '',
    `A fresh process per run, spawn to exit, median of ${r.runs}; the check of the whole of \`infra/\` (${r.findings} findings). Cold: the`,
    'parse cache (`$TMPDIR/onramp-infra-check`) removed first, so every file and expression goes through the',
    'WebAssembly HCL parser; warm: every later run, which parses only what changed.',
    '',
    '| | ms |',
    '|---|---:|',
    `| \`node -e 0\` (Node start-up, baseline) | ${r.nodeStartMs} |`,
    `| \`onramp infra check infra/\`, cold | ${r.coldMs} |`,
    `| \`onramp infra check infra/\`, warm | ${r.warmMs} |`,
    '',
    `Target under 2 s — ${r.warmMs < 2000 ? 'met' : '**missed**'} warm, ${r.coldMs < 2000 ? 'met' : '**missed**'} cold.`,
    '',
  ].join('\n');
}
