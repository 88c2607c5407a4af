// An open-loop load generator: requests leave on a fixed schedule, whether or not earlier ones have
// been answered, so latency includes any queueing the server causes (no coordinated omission). autocannon's
// rate limit sends each second's quota in a burst, which measures the burst, not the offered rate.
import { Agent, request } from 'node:http';

export interface OpenLoopResult {
  sent: number;
  ok: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export async function openLoop(
  url: string,
  options: { ratePerSecond: number; seconds: number; headers: Record<string, string>; body: () => string },
): Promise<OpenLoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL(url);
  const latencies: number[] = [];
  let failed = 0;
  const inFlight: Promise<void>[] = [];
  const send = () =>
    new Promise<void>((resolve) => {
      const body = options.body();
      const started = performance.now();
      const req = request(
        { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { ...options.headers, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 202) latencies.push(performance.now() - started);
            else failed++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end(body);
    });
  const total = options.ratePerSecond * options.seconds;
  const interval = 1000 / options.ratePerSecond;
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(send());
  }
  await Promise.all(inFlight);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0) * 10) / 10;
  return { sent: total, ok: latencies.length, failed, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: at(1) };
}
