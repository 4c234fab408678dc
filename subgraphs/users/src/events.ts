// Events the users domain publishes; other subgraphs import them as `@switchyard/users/events`.
import { topic, z } from '@switchyard/kit';

/** A user and everything of theirs is gone; subgraphs holding their data delete it too. */
export const userDeleted = topic('user.deleted', z.object({ userId: z.uuid() }));
