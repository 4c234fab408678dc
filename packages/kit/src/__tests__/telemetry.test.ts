import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { startOtlpCollector, waitFor } from '@switchyard/testing';

const FIXTURE = join(__dirname, 'fixtures', 'traced-server.cjs');
const traceparent = (traceId: string, sampled: boolean) => `00-${traceId}-b7ad6b7169203331-0${sampled ? 1 : 0}`;

describe('tracing', () => {
  it("follows the caller's sampling decision, and starts new traces at the OTEL_TRACES_SAMPLER_ARG ratio", async () => {
    const collector = await startOtlpCollector();
    const { OTEL_TRACES_SAMPLER: _default, ...env } = process.env;
    const child = spawn(process.execPath, [FIXTURE], {
      env: {
        ...env,
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_SERVICE_NAME: 'traced',
        // No new traces at all: what is exported is what callers asked for.
        OTEL_TRACES_SAMPLER_ARG: '0',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const [line] = (await once(child.stdout!, 'data')) as [Buffer];
      const url = `http://127.0.0.1:${line.toString().trim()}/`;
      const sampled = '0af7651916cd43dd8448eb211c80319c';
      const declined = '1bf7651916cd43dd8448eb211c80319c';
      const witness = '2cf7651916cd43dd8448eb211c80319c';
      await fetch(url, { headers: { traceparent: traceparent(sampled, true) } });
      await fetch(url, { headers: { traceparent: traceparent(declined, false) } });
      for (let i = 0; i < 20; i++) await fetch(url);
      // Sent last: once it is exported, everything before it would have been.
      await fetch(url, { headers: { traceparent: traceparent(witness, true) } });
      await waitFor(async () => collector.spans.some((s) => s.traceId === witness), 30_000, 'the witness span');
      expect(new Set(collector.spans.map((s) => s.traceId))).toEqual(new Set([sampled, witness]));
      expect(collector.spans.every((s) => s.service === 'traced')).toBe(true);
    } finally {
      child.kill('SIGTERM');
      await collector.close();
    }
  });
});
