import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs. Tests are quiet unless LOG_LEVEL says otherwise. */
export function createLogger(service: string, level = process.env.LOG_LEVEL): Logger {
  const fallback = process.env.NODE_ENV === 'test' ? 'silent' : 'info';
  return pino({ name: service, level: level ?? fallback, base: { service } });
}
