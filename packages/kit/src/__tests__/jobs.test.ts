import { freshDatabase, waitFor } from '@switchyard/testing';
import { defineTask, JobQueue, z } from '../index.js';
import { openBareDatabase } from './db-helpers.js';

let url: string;
const queues: JobQueue[] = [];
const start = async (tasks: Parameters<typeof JobQueue.start>[0]['tasks']) => {
  const queue = await JobQueue.start({ databaseUrl: url, tasks, pollSec: 0.5 });
  queues.push(queue);
  return queue;
};

beforeAll(async () => {
  url = await freshDatabase('jobs');
});
afterAll(async () => {
  for (const queue of queues) await queue.stop();
});

describe('the job queue', () => {
  it('retries a failing job with backoff until it succeeds', async () => {
    const attempts: number[] = [];
    const flaky = defineTask({
      name: 'flaky',
      schema: z.object({ n: z.number() }),
      retry: { limit: 3, delaySec: 1, backoff: true },
      run: async () => {
        attempts.push(Date.now());
        if (attempts.length < 3) throw new Error('not yet');
      },
    });
    const queue = await start([flaky]);
    const id = (await queue.send(flaky, { n: 1 }))!;
    await waitFor(async () => (await queue.state(flaky, id)) === 'completed', 30_000, 'the job completed');
    // Completed on the third attempt, so there is no fourth.
    expect(attempts).toHaveLength(3);
    // Backoff: pg-boss schedules retry n after delay + 2^n/2·(1 + random) s, so the waits are at
    // least 2 s and then 3 s (lower bounds: a slow machine only lengthens them; without backoff
    // both would be 1 s).
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(2000);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(3000);
  });

  it('dead-letters a job that fails every retry, and refuses bad payloads up front', async () => {
    const doomed = defineTask({
      name: 'doomed',
      schema: z.object({ why: z.string() }),
      retry: { limit: 1, delaySec: 0, backoff: false },
      run: async () => {
        throw new Error('always');
      },
    });
    const queue = await start([doomed]);
    await expect(queue.send(doomed, { why: 42 } as never)).rejects.toThrow();
    await queue.send(doomed, { why: 'testing' });
    const dead = await waitFor(
      async () => {
        const letters = await queue.deadLetters(doomed);
        return letters.length ? letters : undefined;
      },
      20_000,
      'the dead letter',
    );
    expect(dead.map((d) => d.payload)).toEqual([{ why: 'testing' }]);
  });

  it('shares jobs between workers, running each once', async () => {
    const runs: number[] = [];
    const share = defineTask({
      name: 'share',
      schema: z.object({ i: z.number() }),
      run: async ({ i }) => {
        runs.push(i);
        await new Promise((r) => setTimeout(r, 5));
      },
    });
    const [a] = await Promise.all([start([share]), start([share])]);
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await a!.send(share, { i }))!);
    const done = async () => (await Promise.all(ids.map((id) => a!.state(share, id)))).every((s) => s === 'completed');
    await waitFor(done, 30_000, 'all jobs completed');
    // Every job completed (none can run again), each having run once.
    expect([...runs].sort((x, y) => x - y)).toEqual([...Array(30).keys()]);
  });

  it("enqueues within a caller's transaction: the job exists only if that commits", async () => {
    const ran: string[] = [];
    const note = defineTask({
      name: 'note',
      schema: z.object({ what: z.string() }),
      run: async ({ what }) => {
        ran.push(what);
      },
    });
    const queue = await start([note]);
    const orm = await openBareDatabase(url);
    try {
      await expect(
        orm.em.fork().transactional(async (em) => {
          await queue.send(note, { what: 'rolled back' }, { within: em });
          throw new Error('the transaction fails');
        }),
      ).rejects.toThrow('the transaction fails');
      const id = await orm.em.fork().transactional((em) => queue.send(note, { what: 'committed' }, { within: em }));
      await waitFor(async () => (await queue.state(note, id!)) === 'completed', 30_000, 'the committed job');
      expect(ran).toEqual(['committed']);
    } finally {
      await orm.close();
    }
  });

  it('puts cron tasks on their schedule', async () => {
    const nightly = defineTask({
      name: 'nightly',
      schema: z.object({}),
      cron: { expression: '0 3 * * *', payload: {} },
      run: async () => undefined,
    });
    const queue = await start([nightly]);
    expect(await queue.schedules()).toContainEqual({ name: 'nightly', cron: '0 3 * * *' });
  });
});
