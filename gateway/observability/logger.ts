/**
 * Structured logs (pino, one JSON object a line on stdout) for what a log collector reads: the
 * access log and the operations behind it, each line carrying its request's id.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

/** IRHUB_LOG_LEVEL: pino's levels (info by default; "silent" for none) */
export function createLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  const level = env.IRHUB_LOG_LEVEL ?? 'info';
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(level)) throw new Error(`IRHUB_LOG_LEVEL must be one of ${levels.join(', ')}, got "${level}"`);
  return pino({ level, base: { service: 'irhub-gateway' } });
}
