import { defineTask, z } from '@switchyard/kit';
import type { NewAlert } from '@switchyard/users/market';

export const alertMailPayload = z.object({
  alertId: z.uuid(),
  userId: z.uuid(),
  symbol: z.string(),
  kind: z.enum(['HIGH', 'LOW']),
  price: z.number(),
  threshold: z.number(),
  triggeredAt: z.iso.datetime(),
});
export type AlertMailPayload = z.infer<typeof alertMailPayload>;

/**
 * One alert's mail, enqueued in the transaction that stores the alert (so neither exists without
 * the other) and sent by a mailer replica: retried with backoff (MAIL_RETRY_BASE_SEC, doubling)
 * up to MAIL_MAX_ATTEMPTS, then dead-lettered (counted in ingestionStats); a send still going
 * after MAIL_TIMEOUT_SEC (its replica died) is tried again elsewhere.
 */
export function alertMailTask(
  settings: { MAIL_MAX_ATTEMPTS: number; MAIL_RETRY_BASE_SEC: number; MAIL_TIMEOUT_SEC: number },
  deliver: (mail: AlertMailPayload) => Promise<void>,
) {
  return defineTask({
    name: 'alert-mail',
    schema: alertMailPayload,
    retry: { limit: settings.MAIL_MAX_ATTEMPTS - 1, delaySec: settings.MAIL_RETRY_BASE_SEC, backoff: true },
    timeoutSec: settings.MAIL_TIMEOUT_SEC,
    run: deliver,
  });
}

/** The mail of an alert just stored. */
export const mailOf = (alert: NewAlert & { id: string }): AlertMailPayload => ({
  alertId: alert.id,
  userId: alert.userId,
  symbol: alert.symbol,
  kind: alert.kind,
  price: alert.price,
  threshold: alert.threshold,
  triggeredAt: alert.triggeredAt.toISOString(),
});
