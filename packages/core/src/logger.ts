// Structured logs, one event per line. Personal data and secrets never reach a log line: the paths
// below are redacted wherever they appear.
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

const REDACT = [
  // Top-level `name` is pino's logger name, so names are only redacted one level down.
  'email', 'emails', 'userName', 'displayName', 'to', 'from', 'token', 'password', 'apiKey',
  '*.email', '*.emails', '*.userName', '*.name', '*.displayName', '*.to', '*.token', '*.password',
  'req.headers.authorization', 'headers.authorization', 'data',
];

export function createLogger(level: string, name = 'onramp'): Logger {
  return pino({
    name,
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

export const silentLogger: Logger = pino({ level: 'silent' });
