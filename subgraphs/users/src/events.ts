// Events the users domain publishes; other subgraphs import them as `@switchyard/users/events`.
import { topic, z } from '@switchyard/kit';

/** A user and everything of theirs is gone; subgraphs holding their data delete it too. */
export const userDeleted = topic('user.deleted', z.object({ userId: z.uuid() }));

/** An alert was raised (topic `alerts`); subscriptions deliver it live. */
export const alertRaised = topic(
  'alerts',
  z.object({
    id: z.uuid(),
    userId: z.uuid(),
    symbol: z.string(),
    kind: z.enum(['HIGH', 'LOW']),
    price: z.number(),
    threshold: z.number(),
    triggeredAt: z.string(),
  }),
);

/** users' replicas reload their signing keys (rotated or retired on another one). */
export const signingKeysChanged = topic('users.signing-keys', z.object({}));
