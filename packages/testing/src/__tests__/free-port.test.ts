import { readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from '../services.js';

const ephemeralLow = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);

it('hands out distinct ports below the ephemeral range, each one free to listen on', async () => {
  const ports: number[] = [];
  for (let i = 0; i < 30; i++) ports.push(await freePort());
  expect(new Set(ports).size).toBe(ports.length);
  for (const port of ports) {
    expect(port).toBeLessThan(ephemeralLow);
    expect(port).toBeGreaterThan(1024);
  }
  // Free to listen on, after many outgoing connections took ephemeral ports meanwhile.
  const target = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  const { port: targetPort } = target.address() as { port: number };
  const clients: Socket[] = await Promise.all(
    Array.from({ length: 200 }, () => {
      const socket = connect(targetPort, '127.0.0.1');
      return new Promise<Socket>((resolve) => socket.once('connect', () => resolve(socket)));
    }),
  );
  for (const client of clients) expect(client.localPort).toBeGreaterThanOrEqual(ephemeralLow);
  const servers: Server[] = [];
  for (const port of ports) {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    servers.push(server);
  }
  // Ports are handed out in turn: the next two, taken now, are passed over.
  const taken: Server[] = [];
  for (const port of [ports.at(-1)! + 1, ports.at(-1)! + 2]) {
    const server = createServer();
    await new Promise<void>((resolve) => server.once('error', () => resolve()).listen(port, '127.0.0.1', resolve));
    taken.push(server);
  }
  const after = await freePort();
  expect([ports.at(-1)! + 1, ports.at(-1)! + 2, ...ports]).not.toContain(after);
  for (const socket of clients) socket.destroy();
  servers.push(...taken.filter((s) => s.listening));
  await Promise.all([...servers, target].map((s) => new Promise((resolve) => s.close(resolve))));
});
