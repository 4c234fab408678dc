import { mkdir, writeFile } from 'node:fs/promises';
import { type Logger, type Metrics, type Orm, statement } from '@switchyard/kit';
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

/** A row of ingestion.outbox (timestamps come back as text through this connection's type parsers). */
interface OutboxRow {
  alert_id: string;
  user_id: string;
  symbol: string;
  kind: 'HIGH' | 'LOW';
  price: number;
  threshold: number;
  triggered_at: string;
  status: 'PENDING' | 'SENT' | 'DEAD';
  attempts: number;
  next_attempt_at: string;
  sent_at: string | null;
  last_error: string | null;
}

/** The next due row, locked; skipped by every other worker until this transaction ends. */
const takeMail = statement<Record<never, never>, OutboxRow>(
  `/* takeMail */ select * from ingestion.outbox where status = 'PENDING' and next_attempt_at <= now()
   order by next_attempt_at limit 1 for update skip locked`,
);
const mailNoUser = statement<{ alertId: string }, never>(
  "/* mailNoUser */ update ingestion.outbox set status = 'DEAD', last_error = 'user is gone' where alert_id = :alertId",
);
const mailSent = statement<{ alertId: string; sentAt: Date }, never>(
  "/* mailSent */ update ingestion.outbox set status = 'SENT', sent_at = :sentAt, attempts = attempts + 1, last_error = null where alert_id = :alertId",
);
const mailFailed = statement<
  { alertId: string; attempts: number; error: string; status: 'PENDING' | 'DEAD'; retrySec: number },
  never
>(
  `/* mailFailed */ update ingestion.outbox set attempts = :attempts, last_error = :error, status = :status,
     next_attempt_at = now() + (:retrySec * interval '1 second') where alert_id = :alertId`,
);

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
      const [row] = await takeMail(em, {});
      if (!row) return false;
      const email = (await emailsOf(em, [row.user_id])).get(row.user_id);
      if (!email) {
        await mailNoUser(em, { alertId: row.alert_id });
        return true;
      }
      const mail: AlertMail = { ...row, alertId: row.alert_id, email, triggeredAt: new Date(row.triggered_at) };
      const stop = this.measure.latency.startTimer();
      try {
        await this.send(mail);
        stop();
        const now = new Date();
        await mailSent(em, { alertId: row.alert_id, sentAt: now });
        await markAlertEmailed(em, row.alert_id, now);
        this.measure.sent.inc();
      } catch (error) {
        const attempts = row.attempts + 1;
        const final = attempts >= this.options.maxAttempts;
        this.measure.failed.inc({ final: String(final) });
        this.logger.warn({ err: error, alert: row.alert_id, attempts, final }, 'alert mail not sent');
        await mailFailed(em, {
          alertId: row.alert_id,
          attempts,
          error: (error as Error).message,
          status: final ? 'DEAD' : 'PENDING',
          retrySec: this.options.retryBaseSec * 2 ** (attempts - 1),
        });
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
