import WebSocket from 'ws';
import { LEAK } from './judge.js';
import type { Operation } from './operations.js';
import type { Random } from './random.js';

/** How long one socket case may run before it is closed from this side. */
const CASE_MS = 1_500;

export interface SocketOutcome {
  script: string;
  received: string[];
  closeCode?: number;
  problems: string[];
}

/**
 * One graphql-ws conversation that breaks the protocol somewhere (or runs an operation properly):
 * garbage frames, messages before `connection_init`, a second init, a reused id, an oversized
 * frame, a wrong subprotocol. Problems: an internal close (1011, 4500), an internal error, a leak.
 */
export async function socketCase(
  url: string,
  random: Random,
  operation: Operation,
  token?: string,
): Promise<SocketOutcome> {
  const init = JSON.stringify({ type: 'connection_init', payload: token ? { authorization: `Bearer ${token}` } : {} });
  const subscribe = (id: string) =>
    JSON.stringify({
      id,
      type: 'subscribe',
      payload: { query: operation.query, variables: operation.variables, operationName: operation.operationName },
    });
  const scripts: Array<[string, string[], string?]> = [
    ['operation', [init, subscribe('1')]],
    ['garbage before init', ['not json at all']],
    ['subscribe before init', [subscribe('1')]],
    ['init twice', [init, init]],
    ['reused id', [init, subscribe('1'), subscribe('1')]],
    ['unknown message type', [init, JSON.stringify({ type: 'explode', id: '1' })]],
    ['subscribe without payload', [init, JSON.stringify({ type: 'subscribe', id: '1' })]],
    ['complete of nothing', [init, JSON.stringify({ type: 'complete', id: 'nope' })]],
    ['payload not an object', [init, JSON.stringify({ type: 'subscribe', id: '1', payload: 'x' })]],
    [
      'oversized frame',
      [init, JSON.stringify({ type: 'subscribe', id: '1', payload: { query: `{ ${'a'.repeat(2_000_000)} }` } })],
    ],
    ['binary frame', [init, '\u0000\u0001binary']],
    ['wrong subprotocol', [init], 'graphql-ws'],
  ];
  const [script, messages, protocol] = random.pick(scripts);
  const socket = new WebSocket(url.replace(/^http/, 'ws'), protocol ?? 'graphql-transport-ws');
  const received: string[] = [];
  const closeCode = await new Promise<number | undefined>((resolve) => {
    const timer = setTimeout(() => {
      socket.terminate();
      resolve(undefined);
    }, CASE_MS);
    socket.on('open', () => {
      for (const message of messages) socket.send(message);
    });
    socket.on('message', (data) => received.push(String(data)));
    socket.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    socket.on('error', () => undefined);
  });
  const problems: string[] = [];
  if (closeCode === 1011 || closeCode === 4500) problems.push(`closed with ${closeCode}`);
  for (const message of received) {
    if (/"code":"INTERNAL_SERVER_ERROR"/.test(message)) problems.push('INTERNAL_SERVER_ERROR');
    const leak = LEAK.exec(message);
    if (leak) problems.push(`leak: ${leak[0]}`);
  }
  return { script, received, closeCode, problems };
}
