import { mkdir, writeFile } from 'node:fs/promises';
import type { Logger, Metrics, Orm } from '@switchyard/kit';
import { emailsOf, markAlertEmailed } from '@switchyard/users/market';
import { createTransport, type Transporter } from 'nodemailer';
import { Counter, Histogram } from 'prom-client';
import type { AlertMailPayload } from './alert-mail.task.js';
import { renderAlert } from './templates.js';

export interface MailerOptions {
  /** smtp://user:pass@host:port; without it, mails are written as .eml files to `folder`. */
  smtpUrl?: string;
  folder: string;
  from: string;
}

/**
 * Sends one alert's mail (the `alert-mail` job's work): to the user's address as it is now, with
 * a stable Message-ID per alert, so a mail server can drop the duplicate of a send interrupted
 * after SMTP accepted it; then notes Alert.emailedAt. A failed send throws, for the job queue to
 * retry with backoff and finally dead-letter.
 */
export class Mailer {
  private readonly transport: Transporter;
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
      failed: new Counter({ name: 'emails_failed_total', help: 'Alert mail sends that failed.', registers }),
      latency: new Histogram({ name: 'email_send_seconds', help: 'Time to send one alert mail.', registers }),
    };
    if (!options.smtpUrl) logger.info({ folder: options.folder }, 'no SMTP_URL: alert mails are written to a folder');
  }

  async deliver(mail: AlertMailPayload): Promise<void> {
    const em = this.orm.em.fork();
    const email = (await emailsOf(em, [mail.userId])).get(mail.userId);
    if (!email) {
      this.logger.info({ alert: mail.alertId }, 'alert mail dropped: the user is gone');
      return;
    }
    const stop = this.measure.latency.startTimer();
    try {
      const { subject, text, html } = renderAlert({ ...mail, email, triggeredAt: new Date(mail.triggeredAt) });
      const info = await this.transport.sendMail({
        from: this.options.from,
        to: email,
        subject,
        text,
        html,
        messageId: `<alert-${mail.alertId}@switchyard>`,
      });
      if (!this.options.smtpUrl) {
        await mkdir(this.options.folder, { recursive: true });
        await writeFile(`${this.options.folder}/${mail.alertId}.eml`, info.message as Buffer);
      }
    } catch (error) {
      this.measure.failed.inc();
      throw error;
    } finally {
      stop();
    }
    this.measure.sent.inc();
    // Sent: a failure to note it must not send it again.
    await markAlertEmailed(em, mail.alertId, new Date()).catch((error: unknown) =>
      this.logger.error({ err: error, alert: mail.alertId }, 'alert mailed, but emailedAt not noted'),
    );
  }

  close(): void {
    this.transport.close();
  }
}
