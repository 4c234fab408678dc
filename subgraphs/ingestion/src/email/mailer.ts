import { mkdir, writeFile } from 'node:fs/promises';
import { type Logger, type Metrics, type Orm, sqlRows } from '@switchyard/kit';
import { emailsOf, markAlertEmailed } from '@switchyard/users/market';
import { createTransport, type Transporter } from 'nodemailer';
import { Counter, Histogram } from 'prom-client';
import { type AlertMail, renderAlert } from './templates.js';

export interface MailerOptions {
  /** smtp://user:pass@host:port; without it, mails are written as .eml files to `folder`. */
  smtpUrl?: string;
  folder: string;
  from: string;
  pollMs: number;
  maxAttempts: number;
  retryBaseSec: number;
}

interface OutboxRow {
  alert_id: string;
  user_id: string;
  symbol: string;
  kind: 'HIGH' | 'LOW';
  price: number;
  threshold: number;
  triggered_at: string;
  attempts: number;
}

/**
 * Sends the outbox: each due row is taken under FOR UPDATE SKIP LOCKED and marked SENT in the
 * same transaction as its send, so a crash before the send leaves it due (it goes out after the
 * restart) and two workers never take the same row. A failed send is retried with exponential
 * backoff; after `maxAttempts` the row is DEAD (and stays for inspection). Messages carry a stable
 * Message-ID per alert, so a mail server can drop the duplicate of a send interrupted after SMTP
 * accepted it.
 */
export class Mailer {
  private readonly transport: Transporter;
  private timer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private readonly measure;

  constructor(
    private readonly orm: Orm,
    private readonly options: MailerOptions,
    private readonly logger: Logger,
    metrics: Metrics,
  ) {
    this.transport = options.smtpUrl
      ? createTransport(options.smtpUrl)
      : createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    const registers = [metrics.registry];
    this.measure = {
      sent: new Counter({ name: 'emails_sent_total', help: 'Alert mails sent.', registers }),
      failed: new Counter({
        name: 'emails_failed_total',
        help: 'Alert mail sends that failed.',
        labelNames: ['final'],
        registers,
      }),
      latency: new Histogram({ name: 'email_send_seconds', help: 'Time to send one alert mail.', registers }),
    };
    if (!options.smtpUrl) logger.info({ folder: options.folder }, 'no SMTP_URL: alert mails are written to a folder');
  }

  start(): void {
    this.timer = setInterval(() => void this.drain(), this.options.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.draining;
  }

  /** Sends every due row, one transaction each; runs once at a time per process. */
  drain(): Promise<void> {
    this.draining ??= (async () => {
      try {
        while (await this.sendOne()) {
          // next
        }
      } catch (error) {
        this.logger.error({ err: error }, 'mailer round failed');
      } finally {
        this.draining = undefined;
      }
    })();
    return this.draining;
  }

  private async sendOne(): Promise<boolean> {
    return this.orm.em.fork().transactional(async (em) => {
      const [row] = await sqlRows<OutboxRow>(
        em,
        `/* takeMail */ select * from ingestion.outbox where status = 'PENDING' and next_attempt_at <= now()
         order by next_attempt_at limit 1 for update skip locked`,
      );
      if (!row) return false;
      const email = (await emailsOf(em, [row.user_id])).get(row.user_id);
      if (!email) {
        await sqlRows(
          em,
          "/* mailNoUser */ update ingestion.outbox set status = 'DEAD', last_error = 'user is gone' where alert_id = ?",
          [row.alert_id],
        );
        return true;
      }
      const mail: AlertMail = { ...row, alertId: row.alert_id, email, triggeredAt: new Date(row.triggered_at) };
      const stop = this.measure.latency.startTimer();
      try {
        await this.send(mail);
        stop();
        const now = new Date();
        await sqlRows(
          em,
          "/* mailSent */ update ingestion.outbox set status = 'SENT', sent_at = ?, attempts = attempts + 1, last_error = null where alert_id = ?",
          [now, row.alert_id],
        );
        await markAlertEmailed(em, row.alert_id, now);
        this.measure.sent.inc();
      } catch (error) {
        const attempts = row.attempts + 1;
        const final = attempts >= this.options.maxAttempts;
        this.measure.failed.inc({ final: String(final) });
        this.logger.warn({ err: error, alert: row.alert_id, attempts, final }, 'alert mail not sent');
        await sqlRows(
          em,
          `/* mailFailed */ update ingestion.outbox set attempts = ?, last_error = ?, status = ?,
             next_attempt_at = now() + (? * interval '1 second') where alert_id = ?`,
          [
            attempts,
            (error as Error).message,
            final ? 'DEAD' : 'PENDING',
            this.options.retryBaseSec * 2 ** (attempts - 1),
            row.alert_id,
          ],
        );
      }
      return true;
    });
  }

  private async send(mail: AlertMail): Promise<void> {
    const { subject, text, html } = renderAlert(mail);
    const info = await this.transport.sendMail({
      from: this.options.from,
      to: mail.email,
      subject,
      text,
      html,
      messageId: `<alert-${mail.alertId}@switchyard>`,
    });
    if (!this.options.smtpUrl) {
      await mkdir(this.options.folder, { recursive: true });
      await writeFile(`${this.options.folder}/${mail.alertId}.eml`, info.message as Buffer);
    }
  }
}
