// Events the users domain publishes for its workers (`@switchyard/users/events`); those about
// identity, which any subgraph may follow, are the kit's (identity-events.ts).
import { topic, z } from '@switchyard/kit';

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
