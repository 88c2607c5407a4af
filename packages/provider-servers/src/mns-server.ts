// A local MNS (Simple Message Queue) server for tests: the queue operations onramp's intake uses, as the
// MNS API reference describes them — SendMessage, ReceiveMessage with long polling (waitseconds),
// DeleteMessage and ChangeMessageVisibility by ReceiptHandle (a new handle after each change), queue
// attributes — over HTTPS when given a certificate, every request checked for its signature:
// `Authorization: MNS <AccessKeyId>:<base64 HMAC-SHA1(secret, VERB\nContent-MD5\nContent-Type\nDate\n
// CanonicalizedMNSHeaders CanonicalizedResource)>`, a Date within 15 minutes and an x-mns-version.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { readBody } from './http-helpers.js';

export interface MnsMessage {
  id: string;
  /** The body as sent (base64 when the sender encoded it). */
  body: string;
  enqueueTime: number;
  visibleAt: number;
  dequeueCount: number;
  firstDequeueTime?: number;
  receiptHandle?: string;
  deleted: boolean;
}

export interface MnsRequestRecord { method: string; path: string; status: number; code?: string }

export interface MnsServerOptions {
  accessKeyId: string;
  accessKeySecret: string;
  /** PEM key and certificate: serve HTTPS (as MNS endpoints do). */
  tls?: { key: string; cert: string };
  /** Queues that exist (others answer QueueNotExist). */
  queues: string[];
  /** Visibility timeout of a received message, seconds (the queue attribute; MNS default 30). */
  visibilityTimeoutSeconds?: number;
}

export interface MnsServer {
  url: string;
  /** Adds a message; `base64` encodes the body as EventBridge's MNS target does with IsBase64Encode. */
  enqueue(queue: string, body: string, options?: { base64?: boolean }): MnsMessage;
  /** Every message not deleted, visible or not. */
  messages(queue: string): MnsMessage[];
  requests: MnsRequestRecord[];
  close(): Promise<void>;
}

const XMLNS = 'http://mns.aliyuncs.com/doc/v1/';
const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const unescapeXml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

function xml(root: string, fields: Record<string, string | number | undefined>): string {
  const inner = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<${k}>${escapeXml(String(v))}</${k}>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${XMLNS}">${inner}</${root}>`;
}

/** The string MNS signs for a request (the API reference's "Signature" section). */
export function mnsStringToSign(method: string, headers: Record<string, string | string[] | undefined>, resource: string): string {
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value.join(',') : (value ?? '');
  };
  const mnsHeaders = Object.keys(headers)
    .map((k) => k.toLowerCase())
    .filter((k) => k.startsWith('x-mns-'))
    .sort()
    .map((k) => `${k}:${header(k)}\n`)
    .join('');
  return `${method}\n${header('content-md5')}\n${header('content-type')}\n${header('date')}\n${mnsHeaders}${resource}`;
}

/** Query parameters read as MNS reads them: names case-insensitive, values percent-decoded only. */
function queryOf(url: string): Map<string, string> {
  const out = new Map<string, string>();
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  for (const part of query.split('&').filter(Boolean)) {
    const at = part.indexOf('=');
    const name = (at < 0 ? part : part.slice(0, at)).toLowerCase();
    const raw = at < 0 ? '' : part.slice(at + 1);
    let value = raw;
    try {
      value = decodeURIComponent(raw);
    } catch {
      // kept raw
    }
    out.set(name, value);
  }
  return out;
}

export async function startMnsServer(options: MnsServerOptions): Promise<MnsServer> {
  const queues = new Map<string, MnsMessage[]>(options.queues.map((q) => [q, []]));
  const waiters = new Map<string, Set<() => void>>();
  const requests: MnsRequestRecord[] = [];
  const visibility = (options.visibilityTimeoutSeconds ?? 30) * 1000;

  const wake = (queue: string) => {
    for (const w of waiters.get(queue) ?? []) w();
  };

  const answer = (res: ServerResponse, record: MnsRequestRecord, status: number, body?: string, code?: string) => {
    record.status = status;
    if (code !== undefined) record.code = code;
    requests.push(record);
    res.writeHead(status, { 'content-type': 'text/xml;charset=utf-8', 'x-mns-version': '2015-06-06', 'x-mns-request-id': randomBytes(12).toString('hex') });
    res.end(body ?? '');
  };
  const error = (res: ServerResponse, record: MnsRequestRecord, status: number, code: string, message: string) =>
    answer(res, record, status, xml('Error', { Code: code, Message: message, RequestId: randomBytes(12).toString('hex'), HostId: 'local' }), code);

  const authorized = (req: IncomingMessage): string | undefined => {
    const auth = /^MNS ([^:]+):(.+)$/.exec(req.headers.authorization ?? '');
    if (auth === null || auth[1] !== options.accessKeyId) return 'AccessIDAuthError';
    if (req.headers['x-mns-version'] === undefined) return 'MissingVersion';
    const date = Date.parse(req.headers.date ?? '');
    if (!Number.isFinite(date) || Math.abs(Date.now() - date) > 15 * 60_000) return 'TimeExpired';
    const expected = createHmac('sha1', options.accessKeySecret).update(mnsStringToSign(req.method ?? '', req.headers, req.url ?? '')).digest();
    const given = Buffer.from(auth[2]!, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : 'SignatureDoesNotMatch';
  };

  const findByHandle = (queue: MnsMessage[], handle: string | undefined) =>
    queue.find((m) => !m.deleted && handle !== undefined && m.receiptHandle === handle && m.visibleAt > Date.now());

  const receive = async (queue: string, messages: MnsMessage[], waitSeconds: number): Promise<MnsMessage | undefined> => {
    const deadline = Date.now() + waitSeconds * 1000;
    for (;;) {
      const now = Date.now();
      const message = messages.find((m) => !m.deleted && m.visibleAt <= now);
      if (message !== undefined) {
        message.dequeueCount += 1;
        message.firstDequeueTime ??= now;
        message.visibleAt = now + visibility;
        message.receiptHandle = randomBytes(24).toString('base64');
        return message;
      }
      if (now >= deadline) return undefined;
      // Long polling: wait for a send, for a message to become visible again, or for the deadline.
      const nextVisible = Math.min(deadline, ...messages.filter((m) => !m.deleted).map((m) => m.visibleAt));
      await new Promise<void>((resolve) => {
        const set = waiters.get(queue) ?? new Set();
        waiters.set(queue, set);
        const done = () => {
          clearTimeout(timer);
          set.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.max(5, nextVisible - now));
        set.add(done);
      });
    }
  };

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0]!;
    const record: MnsRequestRecord = { method: req.method ?? '', path, status: 0 };
    const body = await readBody(req);
    const refused = authorized(req);
    if (refused !== undefined) return error(res, record, 403, refused, 'the request signature was not accepted');
    const md5 = req.headers['content-md5'];
    if (body !== '' && md5 !== undefined && md5 !== createHash('md5').update(body, 'utf8').digest('base64')) {
      return error(res, record, 400, 'InvalidArgument', 'Content-MD5 does not match the body');
    }
    const match = /^\/queues\/([^/]+)(\/messages)?$/.exec(path);
    const messages = match === null ? undefined : queues.get(match[1]!);
    if (match === null || messages === undefined) return error(res, record, 404, 'QueueNotExist', 'The queue name you provided is not exist.');
    const query = queryOf(req.url ?? '');
    if (match[2] === undefined) {
      if (req.method !== 'GET') return error(res, record, 405, 'InvalidArgument', 'only GetQueueAttributes here');
      return answer(res, record, 200, xml('Queue', { QueueName: match[1], VisibilityTimeout: visibility / 1000, ActiveMessages: messages.filter((m) => !m.deleted).length }));
    }
    if (req.method === 'POST') {
      const sent = /<MessageBody>([\s\S]*)<\/MessageBody>/.exec(body)?.[1];
      if (sent === undefined) return error(res, record, 400, 'InvalidArgument', 'MessageBody is required');
      const message = push(match[1]!, unescapeXml(sent));
      return answer(res, record, 201, xml('Message', { MessageId: message.id, MessageBodyMD5: createHash('md5').update(message.body).digest('hex').toUpperCase() }));
    }
    if (req.method === 'GET') {
      const wait = Number(query.get('waitseconds') ?? '0');
      if (!Number.isInteger(wait) || wait < 0 || wait > 30) return error(res, record, 400, 'InvalidArgument', 'waitseconds must be 0 to 30');
      const message = await receive(match[1]!, messages, wait);
      if (message === undefined) return error(res, record, 404, 'MessageNotExist', 'Message not exist.');
      return answer(res, record, 200, xml('Message', {
        MessageId: message.id,
        ReceiptHandle: message.receiptHandle,
        MessageBodyMD5: createHash('md5').update(message.body).digest('hex').toUpperCase(),
        MessageBody: message.body,
        EnqueueTime: message.enqueueTime,
        NextVisibleTime: message.visibleAt,
        FirstDequeueTime: message.firstDequeueTime,
        DequeueCount: message.dequeueCount,
        Priority: 8,
      }));
    }
    const handle = query.get('receipthandle');
    const message = findByHandle(messages, handle);
    if (req.method === 'DELETE') {
      if (message === undefined) return error(res, record, 404, 'MessageNotExist', 'Message not exist.');
      message.deleted = true;
      return answer(res, record, 204);
    }
    if (req.method === 'PUT') {
      const seconds = Number(query.get('visibilitytimeout'));
      if (!Number.isInteger(seconds) || seconds < 1 || seconds > 43_200) return error(res, record, 400, 'InvalidArgument', 'VisibilityTimeout must be 1 to 43200');
      if (message === undefined) return error(res, record, 404, 'MessageNotExist', 'Message not exist.');
      message.visibleAt = Date.now() + seconds * 1000;
      message.receiptHandle = randomBytes(24).toString('base64');
      return answer(res, record, 200, xml('ChangeVisibility', { ReceiptHandle: message.receiptHandle, NextVisibleTime: message.visibleAt }));
    }
    return error(res, record, 405, 'InvalidArgument', `${req.method ?? ''} is not supported`);
  };

  const push = (queue: string, body: string): MnsMessage => {
    const now = Date.now();
    const message: MnsMessage = { id: randomBytes(16).toString('hex').toUpperCase(), body, enqueueTime: now, visibleAt: now, dequeueCount: 0, deleted: false };
    queues.get(queue)!.push(message);
    wake(queue);
    return message;
  };

  const serve = (req: IncomingMessage, res: ServerResponse) => {
    handler(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(err instanceof Error ? err.message : String(err));
    });
  };
  const server: Server = options.tls === undefined ? createHttpServer(serve) : createHttpsServer(options.tls, serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    enqueue(queue, body, opts) {
      if (!queues.has(queue)) throw new Error(`no queue ${queue}`);
      return push(queue, opts?.base64 === true ? Buffer.from(body, 'utf8').toString('base64') : body);
    },
    messages: (queue) => (queues.get(queue) ?? []).filter((m) => !m.deleted),
    requests,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const set of waiters.values()) for (const w of set) w();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** A self-signed certificate for 127.0.0.1, made with the openssl command, for a local HTTPS server. */
export async function selfSignedCertificate(): Promise<{ key: string; cert: string }> {
  const { execFile } = await import('node:child_process');
  const { mkdtemp, readFile, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = await mkdtemp(join(tmpdir(), 'onramp-cert-'));
  try {
    await new Promise<void>((resolve, reject) =>
      execFile('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], (err) => (err ? reject(err) : resolve())),
    );
    return { key: await readFile(join(dir, 'key.pem'), 'utf8'), cert: await readFile(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
