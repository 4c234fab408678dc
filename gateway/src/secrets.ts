import { randomBytes } from 'node:crypto';
import type { Orm } from '@switchyard/kit';

/** A secret every replica shares: made once (the first replica to ask wins), then read. */
export async function sharedSecret(orm: Orm, name: string): Promise<string> {
  const connection = orm.em.fork().getConnection();
  await connection.execute(
    '/* makeSecret */ insert into gateway.secrets (name, value) values (?, ?) on conflict (name) do nothing',
    [name, randomBytes(32).toString('base64')],
  );
  const [row] = await connection.execute<Array<{ value: string }>>(
    '/* readSecret */ select value from gateway.secrets where name = ?',
    [name],
  );
  return row!.value;
}
