// The sessions subgraph on its own (no gateway, no users: user ids are plain uuids to it), called
// as the gateway would call it, with a SQL client on its database for independent checks.
import { randomUUID } from 'node:crypto';
import { type Alone, type AloneInFile, type GraphQLClient, useAlone, userViewer } from '@switchyard/testing';
import { service } from '../index.js';
import { type Row, storedIn } from './rows.js';

export interface Sessions {
  alone: Alone;
  sql: AloneInFile['sql'];
  /** A new user (an ADMIN if said) and a client calling as them. */
  newUser(role?: 'USER' | 'ADMIN'): Promise<{ id: string; client: GraphQLClient }>;
  /** All of a user's sessions, by SQL, for checks independent of the API. */
  storedOf(userId: string): Promise<Array<Row & { id: string }>>;
}

/** Starts sessions alone before the file's tests and closes it after them. */
export function useSessions(): Sessions {
  const running = useAlone('sessions', service);
  const sessions = {
    newUser: async (role: 'USER' | 'ADMIN' = 'USER') => {
      const id = randomUUID();
      return { id, client: await sessions.alone.as(userViewer(id, role)) };
    },
    storedOf: (userId: string) => storedIn(sessions.sql, userId),
  } as Sessions;
  beforeAll(() => Object.assign(sessions, running));
  return sessions;
}
