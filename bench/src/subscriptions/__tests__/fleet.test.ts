import { type PushIterator, pushIterator } from '@switchyard/kit';
import { freePort, waitFor } from '@switchyard/testing';
import { buildSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { Fleet, symbolOf } from '../fleet.js';
import { Alerts } from '../publisher.js';

// The bench's own accounting, against a stand-in gateway whose every subscription gets what the
// test sends to its symbol: a missed event must be counted lost, a second one a duplicate, one at
// the wrong subscriber misrouted, an error result an error, and a dropped socket an early end.
const schema = buildSchema(`
  type User { email: String }
  type Ticker { symbol: String }
  type Alert { id: ID! kind: String price: Float threshold: Float triggeredAt: String ticker: Ticker user: User }
  type Query { ok: Boolean }
  type Subscription { alertTriggered(symbol: String): Alert! }
`);
const plan = {
  subscribers: 4,
  connections: 2,
  callers: [{ id: '00000000-0000-4000-8000-000000000001', email: 'a@example.com', token: 't' }],
};

let server: WebSocketServer;
let url: string;
const streams = new Map<string, PushIterator<unknown>>();

beforeAll(async () => {
  const port = await freePort();
  server = new WebSocketServer({ port, path: '/graphql' });
  useServer(
    {
      schema,
      roots: {
        subscription: {
          alertTriggered: ({ symbol }: { symbol: string }) => {
            const stream = pushIterator<unknown>({ buffer: 100, onEnd: () => void streams.delete(symbol) });
            streams.set(symbol, stream);
            return stream.iterator;
          },
        },
      },
    },
    server,
  );
  url = `http://127.0.0.1:${port}/graphql`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

async function subscribed(events: number) {
  const alerts = new Alerts(plan);
  const fleet = new Fleet(url, plan, alerts.index, events);
  fleet.subscribeAll();
  await waitFor(async () => streams.size === plan.subscribers, 10_000, 'subscriptions');
  const send = (i: number, s = i % plan.subscribers) =>
    streams.get(symbolOf(s))!.push({
      alertTriggered: { ...alerts.payload(i), ticker: { symbol: symbolOf(s) }, user: { email: 'a@example.com' } },
    });
  return { fleet, send };
}

it('counts lost, duplicated, misrouted and failed deliveries, and only sent events as expected', async () => {
  const { fleet, send } = await subscribed(8);
  const sentAt = new Float64Array(8).fill(performance.now());
  sentAt[7] = Number.NaN; // its publish failed: not expected anywhere
  send(0);
  send(0);
  send(1, 2);
  for (const i of [2, 3, 4, 5, 6]) send(i);
  streams.get(symbolOf(3))!.push({ alertTriggered: null });
  await waitFor(async () => fleet.distinct === 6 && fleet.misrouted === 1 && fleet.withErrors === 1, 10_000, 'all');

  const { expected, lost, latencies } = fleet.outcome(sentAt);
  expect({ expected, lost, arrived: latencies.length }).toEqual({ expected: 7, lost: 1, arrived: 6 });
  expect(fleet.arrivals[1]).toBe(0);
  expect(fleet.duplicates()).toBe(1);
  expect(latencies.every((ms) => ms >= 0)).toBe(true);
  await fleet.leave();
  await waitFor(async () => streams.size === 0, 10_000, 'everyone gone');
  expect({ ended: fleet.ended, closed: fleet.socketsClosed }).toEqual({ ended: 0, closed: 0 });
});

it('counts the subscriptions of a socket the server drops as ended early', async () => {
  const { fleet } = await subscribed(1);
  [...server.clients][0]!.terminate();
  await waitFor(async () => fleet.socketsClosed === 1, 10_000, 'the close');
  expect(fleet.ended).toBe(plan.subscribers / plan.connections);
  expect(fleet.outcome(new Float64Array(1)).lost).toBe(1);
  await fleet.leave();
});
