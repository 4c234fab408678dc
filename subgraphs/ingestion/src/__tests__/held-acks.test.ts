// Acknowledgements held until their messages are stored: sent in the order the messages came
// whatever order their batches commit in, and never for a connection that has since closed. The
// client here is a stand-in with MQTT.js's `_sendPacket` and `close` event; that MQTT.js itself
// still sends its PUBACK through `_sendPacket` is tested against Mosquitto (gateway mqtt.test.ts).
import { EventEmitter } from 'node:events';
import type { MqttClient } from 'mqtt';
import { HeldAcks } from '../mqtt/held-acks.js';

type Packet = { cmd: string; messageId?: number };

function standIn() {
  const sent: Packet[] = [];
  const client = Object.assign(new EventEmitter(), {
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

it('refuses an MQTT.js without _sendPacket rather than acknowledging before storing', () => {
  expect(() => new HeldAcks(new EventEmitter() as unknown as MqttClient)).toThrow(/_sendPacket/);
});
