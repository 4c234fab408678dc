import type { MqttClient } from 'mqtt';

type Packet = { cmd: string; messageId?: number };
type SendPacket = (packet: Packet, callback?: (error?: Error) => void, ...rest: unknown[]) => void;

interface Held {
  messageId: number;
  /** The PUBACK MQTT.js sent for it, held. */
  puback?: Packet;
  stored: boolean;
}

/**
 * The PUBACKs of one connection to an external broker, each held until its message is stored and
 * sent in the order the messages came (as MQTT asks of QoS 1), so that the connection can hand
 * many messages to a micro-batch. MQTT.js acknowledges a message when `handleMessage` calls back
 * and reads the next one only then, and it has no manual acknowledgement: so `handleMessage` calls
 * back at once, and the PUBACK MQTT.js then sends through its private `_sendPacket` is held here.
 * When the connection closes, what is held is dropped: the broker sends those messages again.
 */
export class HeldAcks {
  private queue: Held[] = [];
  private readonly send: SendPacket;

  constructor(private readonly client: MqttClient) {
    const internals = client as unknown as { _sendPacket?: SendPacket };
    if (typeof internals._sendPacket !== 'function') {
      throw new Error('this MQTT.js has no _sendPacket: acknowledgements cannot be held until readings are stored');
    }
    this.send = internals._sendPacket.bind(client);
    internals._sendPacket = (packet, callback, ...rest) => {
      const held =
        packet.cmd === 'puback' ? this.queue.find((h) => h.messageId === packet.messageId && !h.puback) : undefined;
      if (!held) return this.send(packet, callback, ...rest);
      held.puback = packet;
      // MQTT.js reads the next message once this calls back.
      callback?.();
      this.flush();
    };
    // A connection's held acknowledgements never go out on another (MQTT.js would queue them
    // while disconnected and send them on the next, where the broker sends those messages again).
    client.on('close', () => (this.queue = []));
    client.on('connect', () => (this.queue = []));
  }

  /**
   * Holds the acknowledgement of message `messageId` (call before `handleMessage` calls back);
   * returns what to call once it is stored (or refused for good), which sends it in its turn.
   */
  hold(messageId: number): () => void {
    const held: Held = { messageId, stored: false };
    const queue = this.queue;
    queue.push(held);
    return () => {
      held.stored = true;
      // Held on a connection since closed: the broker sends the message again on the next.
      if (queue === this.queue) this.flush();
    };
  }

  private flush(): void {
    if (!this.client.connected) return;
    while (this.queue[0]?.stored && this.queue[0].puback) this.send(this.queue.shift()!.puback!);
  }
}
