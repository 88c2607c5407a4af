// Small pieces every local provider server needs: start on a loopback port, read a JSON body, answer.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface Listening {
  url: string;
  close(): Promise<void>;
}

export async function listen(handler: Handler, port = 0): Promise<Listening> {
  const server: Server = createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(error instanceof Error ? error.message : String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${bound}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { ...headers, ...(text === '' ? {} : { 'content-length': Buffer.byteLength(text).toString() }) });
  res.end(text);
}

/** Requests in the last `windowMs`; answers how long until one more is allowed (0: now). */
export function slidingWindow(limit: number, windowMs: number, clock: () => number = Date.now) {
  const admitted: number[] = [];
  const prune = (now: number) => {
    while (admitted.length > 0 && admitted[0]! <= now - windowMs) admitted.shift();
  };
  return {
    limit,
    tryAdmit(): { ok: boolean; remaining: number; resetMs: number } {
      const now = clock();
      prune(now);
      const ok = admitted.length < limit;
      if (ok) admitted.push(now);
      const resetMs = admitted.length === 0 ? 0 : admitted[0]! + windowMs - now;
      return { ok, remaining: Math.max(0, limit - admitted.length), resetMs };
    },
  };
}
