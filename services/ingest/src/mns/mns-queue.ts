// One MNS queue through the `ali-mns` SDK, behind the three operations the intake needs. ali-mns's
// defaults are changed on purpose: it speaks plain HTTP and reports usage to Google Analytics unless
// told otherwise, so every queue opened here has HTTPS on and analytics off. Its endpoint pattern
// (`<account>.mns.<region>.aliyuncs.com`) is replaced by the endpoint MNS's console shows (MNS_ENDPOINT),
// which also covers VPC endpoints; and a body that is not base64 is kept as it came (ali-mns would
// decode any body, mangling one sent without IsBase64Encode).
import { createRequire } from 'node:module';
import { ConfigError, OnrampError, type Config } from '@onramp/core';

export interface MnsMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  dequeueCount: number;
}

export interface MnsQueue {
  name: string;
  /** Long-polls up to `waitSeconds`; undefined when no message came. */
  receive(waitSeconds: number): Promise<MnsMessage | undefined>;
  delete(receiptHandle: string): Promise<void>;
  /** Keeps a received message invisible for `seconds` more; answers its new receipt handle. */
  changeVisibility(receiptHandle: string, seconds: number): Promise<string>;
  /** How the SDK is set: asserted by tests. */
  transport: { https: boolean; analytics: boolean; url: string };
}

export interface MnsSettings { endpoint: string; accessKeyId: string; accessKeySecret: string }

// ali-mns is CommonJS without module typings: the few members used here, declared.
interface AliAccount { setHttps(on: boolean): void; getHttps(): boolean; setGA(on: boolean): void; getGA(): boolean }
interface AliMQ {
  getName(): string;
  recvP(waitSeconds?: number): PromiseLike<{ Message: Record<string, string> }>;
  deleteP(receiptHandle: string): PromiseLike<unknown>;
  reserveP(receiptHandle: string, seconds: number): PromiseLike<{ ChangeVisibility?: { ReceiptHandle?: string } }>;
  getAttrsP(): PromiseLike<unknown>;
}
export interface AliMnsModule {
  Account: new (accountId: string, keyId: string, keySecret: string) => AliAccount;
  MQ: new (name: string, account: AliAccount, region?: unknown) => AliMQ;
}

export const aliMns = createRequire(import.meta.url)('ali-mns') as AliMnsModule;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** An ali-mns queue class that talks to `endpoint` and keeps bodies that are not base64 as they are. */
export function mqAt(endpoint: string): AliMnsModule['MQ'] {
  const base = endpoint.replace(/\/+$/, '');
  return class EndpointMQ extends aliMns.MQ {
    // Called by ali-mns's constructor (after it has set the name) for every request URL.
    makeAttrURL(): string {
      return `${base}/queues/${encodeURIComponent(this.getName())}`;
    }
    base64ToUtf8(src: string): string {
      if (src === '' || !BASE64.test(src)) return src;
      const decoded = Buffer.from(src, 'base64').toString('utf8');
      return decoded.includes('\ufffd') ? src : decoded;
    }
  };
}

/** An ali-mns account as onramp uses it: HTTPS on, Google Analytics off. */
export function mnsAccount(settings: MnsSettings): AliAccount {
  // The account id only names the host in ali-mns's own URL pattern, which mqAt replaces.
  const accountId = /^https:\/\/([^.]+)\./.exec(settings.endpoint)?.[1] ?? 'onramp';
  const account = new aliMns.Account(accountId, settings.accessKeyId, settings.accessKeySecret);
  account.setHttps(true);
  account.setGA(false);
  return account;
}

/** The MNS settings, or a ConfigError naming every missing variable. */
export function mnsSettings(config: Config, what: string): MnsSettings {
  const { endpoint, accessKeyId, accessKeySecret } = config.mns;
  const missing = [['MNS_ENDPOINT', endpoint], ['MNS_ACCESS_KEY_ID', accessKeyId], ['MNS_ACCESS_KEY_SECRET', accessKeySecret]]
    .filter(([, value]) => value === undefined)
    .map(([name]) => `${name!} is required for ${what}`);
  if (missing.length > 0) throw new ConfigError(missing);
  return { endpoint: endpoint!, accessKeyId: accessKeyId!, accessKeySecret: accessKeySecret! };
}

/** What an MNS error answer says, without anything from the request (no keys, no bodies). */
function mnsError(operation: string, error: unknown): OnrampError {
  const code = (error as { Error?: { Code?: string } } | undefined)?.Error?.Code ?? (error as { code?: string } | undefined)?.code ?? (error instanceof Error ? error.message : String(error));
  return new OnrampError('mns_failed', `MNS ${operation} failed: ${String(code).slice(0, 200)}`);
}

export function openMnsQueue(settings: MnsSettings, name: string): MnsQueue {
  const account = mnsAccount(settings);
  const MQ = mqAt(settings.endpoint);
  const mq = new MQ(name, account);
  return {
    name,
    transport: { https: account.getHttps(), analytics: account.getGA(), url: `${settings.endpoint.replace(/\/+$/, '')}/queues/${encodeURIComponent(name)}` },
    async receive(waitSeconds) {
      let data: { Message: Record<string, string> };
      try {
        data = await mq.recvP(waitSeconds);
      } catch (error) {
        if ((error as { Error?: { Code?: string } } | undefined)?.Error?.Code === 'MessageNotExist') return undefined;
        throw mnsError('ReceiveMessage', error);
      }
      const m = data.Message;
      if (typeof m?.ReceiptHandle !== 'string' || typeof m.MessageId !== 'string') throw new OnrampError('mns_failed', 'MNS ReceiveMessage answered without a message id or receipt handle');
      return { messageId: m.MessageId, receiptHandle: m.ReceiptHandle, body: typeof m.MessageBody === 'string' ? m.MessageBody : '', dequeueCount: Number(m.DequeueCount ?? 1) };
    },
    async delete(receiptHandle) {
      try {
        await mq.deleteP(receiptHandle);
      } catch (error) {
        throw mnsError('DeleteMessage', error);
      }
    },
    async changeVisibility(receiptHandle, seconds) {
      let answer: { ChangeVisibility?: { ReceiptHandle?: string } };
      try {
        answer = await mq.reserveP(receiptHandle, seconds);
      } catch (error) {
        throw mnsError('ChangeMessageVisibility', error);
      }
      const next = answer.ChangeVisibility?.ReceiptHandle;
      if (typeof next !== 'string' || next === '') throw new OnrampError('mns_failed', 'MNS ChangeMessageVisibility answered without a receipt handle');
      return next;
    },
  };
}
