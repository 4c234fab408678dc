// Acknowledgements held until their messages are stored: sent in the order the messages came
// whatever order their batches commit in, and never for a connection that has since closed. The
// client is a stand-in with MQTT.js's `_sendPacket` and `close` event, and, last, MQTT.js itself
// against a broker: that it still sends its PUBACK through `_sendPacket` (the private method held).
import { EventEmitter } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { waitFor } from '@switchyard/testing';
import { createBroker } from 'aedes';
import { connectAsync, type MqttClient } from 'mqtt';
import { HeldAcks } from '../mqtt/held-acks.js';

type Packet = { cmd: string; messageId?: number };

function standIn() {
  const sent: Packet[] = [];
  const client = Object.assign(new EventEmitter(), {
    connected: true,
    _sendPacket(packet: Packet, callback?: () => void) {
      sent.push(packet);
      callback?.();
    },
  });
  /** What MQTT.js does once handleMessage calls back: sends the PUBACK, reading on when it returns. */
  const handled = (messageId: number) => {
    let readOn = false;
    client._sendPacket({ cmd: 'puback', messageId }, () => (readOn = true));
    return readOn;
  };
  return { client, sent, handled, acks: new HeldAcks(client as unknown as MqttClient) };
}

const ids = (packets: Packet[]) => packets.map((p) => p.messageId);

it('holds each PUBACK until its message is stored and sends them in the order the messages came', () => {
  const { sent, handled, acks } = standIn();
  const stored = [1, 2, 3].map((id) => {
    const release = acks.hold(id);
    // MQTT.js is let read the next message at once.
    expect(handled(id)).toBe(true);
    return release;
  });
  expect(sent).toEqual([]);
  stored[1]!();
  stored[2]!();
  expect(sent).toEqual([]);
  stored[0]!();
  expect(ids(sent)).toEqual([1, 2, 3]);
});

it('passes other packets through and drops what a closed connection held', () => {
  const { client, sent, handled, acks } = standIn();
  client._sendPacket({ cmd: 'pingreq' });
  expect(handled(9)).toBe(true); // a PUBACK nobody holds goes at once
  const earlier = acks.hold(1);
  handled(1);
  client.emit('close');
  earlier();
  const later = acks.hold(1); // the broker sends it again on the next connection
  handled(1);
  later();
  expect(sent).toEqual([{ cmd: 'pingreq' }, { cmd: 'puback', messageId: 9 }, { cmd: 'puback', messageId: 1 }]);
});

it('lets a message settled at once (refused) free those held behind it, and keeps a failed one blocking until the connection closes', () => {
  const { client, sent, handled, acks } = standIn();
  const [first, second, third] = [1, 2, 3].map((id) => {
    const release = acks.hold(id);
    handled(id);
    return release;
  });
  third!();
  first!(); // refused by its parse: acknowledged at once, in its turn
  expect(ids(sent)).toEqual([1]);
  // 2's batch failed: it is never released, and 3 waits behind it until the connection closes.
  void second;
  client.emit('close');
  expect(ids(sent)).toEqual([1]);
});

it('holds a PUBACK for an id already held by the entry still waiting for it', () => {
  const { sent, handled, acks } = standIn();
  const stale = acks.hold(7);
  handled(7);
  const again = acks.hold(7);
  handled(7);
  expect(sent).toEqual([]);
  stale();
  again();
  expect(ids(sent)).toEqual([7, 7]);
});

it('refuses an MQTT.js without _sendPacket rather than acknowledging before storing', () => {
  expect(() => new HeldAcks(new EventEmitter() as unknown as MqttClient)).toThrow(/_sendPacket/);
});

it('holds the PUBACK MQTT.js itself sends, until its message is released (MQTT.js against a broker)', async () => {
  const broker = createBroker();
  const server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let acked = 0;
  broker.on('ack', () => acked++);
  const subscriber = await connectAsync(url, { reconnectPeriod: 0 });
  const publisher = await connectAsync(url, { reconnectPeriod: 0 });
  try {
    const acks = new HeldAcks(subscriber);
    const released = new Promise<() => void>((resolve) => {
      subscriber.handleMessage = (packet, callback) => {
        resolve(acks.hold((packet as { messageId: number }).messageId));
        callback();
      };
    });
    await subscriber.subscribeAsync('readings', { qos: 1 });
    await publisher.publishAsync('readings', 'x', { qos: 1 });
    const release = await released;
    // A publish of its own, answered: the broker has read all the subscriber sent before it.
    await subscriber.publishAsync('elsewhere', 'y', { qos: 1 });
    expect(acked).toBe(0);
    release();
    await waitFor(async () => acked === 1, 10_000, 'the PUBACK');
  } finally {
    await Promise.all([subscriber.endAsync(), publisher.endAsync()]);
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
