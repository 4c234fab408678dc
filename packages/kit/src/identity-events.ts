// What the issuer of tokens (the users service) announces, so that every cache of confirmed
// callers (the gateway's, MQTT's) and every subgraph's view of assertions forgets it at once.
import { z } from 'zod';
import { topic } from './events.js';

/** A user's role, password (session version) or existence changed; `at` is when, in ms. */
export const sessionChanged = topic('user.session-changed', z.object({ userId: z.uuid(), at: z.number() }));

/** An API token was revoked; `at` is when, in ms. */
export const apiTokenRevoked = topic('api-token.revoked', z.object({ tokenId: z.uuid(), at: z.number() }));

/** A user and everything of theirs is gone; subgraphs holding their data delete it too. */
export const userDeleted = topic('user.deleted', z.object({ userId: z.uuid() }));
