// Structured logs, one event per line. Personal data and secrets never reach a log line: the paths
// below are redacted wherever they appear.
import { pino, type DestinationStream, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';
import { serializeError, type SerializedError } from './error-serializer.js';

export type { Logger } from 'pino';

const REDACT = [
  // Top-level `name` is pino's logger name, so names are only redacted one level down.
  'email', 'emails', 'userName', 'displayName', 'to', 'from', 'token', 'password', 'apiKey',
  '*.email', '*.emails', '*.userName', '*.name', '*.displayName', '*.to', '*.token', '*.password',
  'req.headers.authorization', 'headers.authorization', 'data',
];

/**
 * Where log lines go by default: readable lines on a terminal, one JSON object a line otherwise (to a
 * file, a pipe, a log collector). Both synchronous, so a line is out before a crash or exit.
 */
function prettyOnTerminal(): DestinationStream | undefined {
  return process.stdout.isTTY === true ? PinoPretty({ sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }) : undefined;
}

/** A logger writing to stdout (pretty on a terminal, JSON otherwise), or to `destination` (tests capture the lines there). */
export function createLogger(level: string, name = 'onramp', destination?: DestinationStream): Logger {
  const options = {
    name,
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
    // Database errors carry statements and values; causes would otherwise be serialized by pino's default.
    serializers: { err: serializeError, error: serializeError },
    hooks: {
      // logger.error(error) alone would make the raw message (values quoted in it) the line's `msg`.
      logMethod(this: Logger, args: Parameters<Logger['info']>, method: (...rest: unknown[]) => void) {
        const [first, ...rest] = args as unknown[];
        if (first instanceof Error && typeof rest[0] !== 'string') {
          return method.apply(this, [{ err: first }, (serializeError(first) as SerializedError).message, ...rest.slice(1)]);
        }
        return method.apply(this, args);
      },
    },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const stream = destination ?? prettyOnTerminal();
  // pino's own default stream (stdout, synchronous) when neither applies.
  return stream === undefined ? pino(options) : pino(options, stream);
}

export const silentLogger: Logger = pino({ level: 'silent' });
