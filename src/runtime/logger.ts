// Structured JSON logs (pino). Every line of a reconcile carries kind, namespace, name
// and a reconcile id, bound once through a child logger.
import { randomBytes } from 'node:crypto';
import { type Logger, pino } from 'pino';

export type { Logger };

export function createLogger(level = process.env.SEAWALL_LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { component: 'seawall' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: {
      paths: ['*.credentials', '*.secretAccessKey', '*.sessionToken', '*.token'],
      remove: true,
    },
  });
}

export function reconcileLogger(
  log: Logger,
  kind: string,
  namespace: string | undefined,
  name: string | undefined,
): Logger {
  return log.child({ kind, namespace, name, reconcileId: randomBytes(4).toString('hex') });
}

/** A logger that writes nothing: for unit tests and `plan`. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
