import { pino, type Logger } from 'pino';

/** A log line as pino writes it. */
export interface LogLine {
  level: number;
  msg?: string;
  [key: string]: unknown;
}

/** pino's number for `error`: lines at or above it are what an operator is paged for. */
export const ERROR_LEVEL = 50;

/** A real pino logger at `level` whose lines are kept in memory, for tests that read a service's logs. */
export function capturedLogger(service: string, level = 'info'): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino(
    { name: service, level, base: { service } },
    { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  );
  return { logger, lines };
}
