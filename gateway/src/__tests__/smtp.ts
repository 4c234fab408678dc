import { SMTPServer } from 'smtp-server';
import { freePort } from '@switchyard/testing';

export interface ReceivedMail {
  to: string[];
  raw: string;
  messageId: string;
}

/**
 * A real SMTP server for a test: keeps what it receives; `refuse` makes it answer 450 for an
 * address; `hold` makes it read each message and never answer, so the send hangs (in `held`).
 */
export async function startSmtp({
  refuse = () => false,
  hold = false,
}: { refuse?: (to: string) => boolean; hold?: boolean } = {}) {
  const received: ReceivedMail[] = [];
  const held: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuse(address.address)) return callback(Object.assign(new Error('mailbox busy'), { responseCode: 450 }));
      callback();
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      stream.on('end', () => {
        const mail = {
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          messageId: /^Message-ID: (.+)$/im.exec(raw)?.[1]?.trim() ?? '',
        };
        if (hold) return held.push(mail);
        received.push(mail);
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    held,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
