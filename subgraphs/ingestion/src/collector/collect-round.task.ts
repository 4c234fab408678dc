import { defineTask, z } from '@switchyard/kit';

/**
 * One scheduled collection round (the interval's number): a job kept once per interval however
 * many replicas offer it, run by one of them; a round whose replica died (still running after
 * COLLECT_TIMEOUT_SEC) is run again by another, up to three times.
 */
export function collectRoundTask(timeoutSec: number, run: (round: number, intervalSec: number) => Promise<unknown>) {
  return defineTask({
    name: 'collect-round',
    // The interval's length travels with it: whoever runs it stamps prices with its start.
    schema: z.object({ round: z.number().int(), intervalSec: z.number().int().min(1) }),
    retry: { limit: 3, delaySec: 0, backoff: false },
    timeoutSec,
    run: async ({ round, intervalSec }) => {
      await run(round, intervalSec);
    },
  });
}
