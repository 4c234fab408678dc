import { MikroORM, type MigrationObject, type Options } from '@mikro-orm/core';
import type { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Counter } from 'prom-client';
import type { Logger } from './logger.js';

export type Orm = MikroORM<PostgreSqlDriver>;

/**
 * A service's migrations by name, in order. Their classes (and `@mikro-orm/migrations`, a few
 * hundred modules) are loaded only when one must run, so a restart on a migrated database skips them.
 */
export interface Migrations {
  names: readonly string[];
  load(name: string): Promise<MigrationObject['class']>;
}

/**
 * The migrations in a service's `migrations/` folder: `load` imports one file, which exports a
 * class of the same name, e.g. `migrationsIn(['Migration2026...'], (n) => import(`./migrations/${n}.js`))`.
 */
export function migrationsIn(
  names: readonly string[],
  load: (name: string) => Promise<Record<string, unknown>>,
): Migrations {
  return {
    names,
    async load(name) {
      const found = (await load(name))[name];
      if (typeof found !== 'function') throw new Error(`migration ${name} does not export a class named ${name}`);
      return found as MigrationObject['class'];
    },
  };
}

export interface DatabaseOptions {
  url: string;
  /** The Postgres schema the service owns; its tables and migration history live there. */
  schema: string;
  entities: NonNullable<Options['entities']>;
  migrations: Migrations;
  logger?: Logger;
  /** Counts every SQL statement sent (exposed as `db_queries_total`). */
  queryCounter?: Counter;
  poolSize?: number;
}

/** Opens the service's MikroORM and brings its schema up to date. */
export async function openDatabase(options: DatabaseOptions): Promise<Orm> {
  await migrate(options);
  const orm = await init(options);
  const knex = orm.em.getConnection().getKnex();
  if (options.queryCounter) {
    const counter = options.queryCounter;
    knex.on('query', () => counter.inc());
  }
  return orm;
}

function init(
  options: DatabaseOptions,
  migrator?: { extension: typeof Migrator; list: MigrationObject[] },
): Promise<Orm> {
  return MikroORM.init<PostgreSqlDriver>({
    driver: PostgreSqlDriver,
    clientUrl: options.url,
    schema: options.schema,
    entities: options.entities,
    extensions: migrator ? [migrator.extension] : [],
    migrations: {
      migrationsList: migrator?.list ?? [],
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    pool: {
      min: 0,
      max: migrator ? 1 : (options.poolSize ?? 10),
      // Connections idle for 10 s go back to the server (a burst's extra ones do not linger).
      idleTimeoutMillis: 10_000,
      // Raw SQL names the service's own tables unqualified.
      afterCreate: (conn: pg.Client, done: (error: Error | null, conn: pg.Client) => void) => {
        conn.query(`set search_path to "${options.schema}", public`, (error) => done(error, conn));
      },
    },
    discovery: { warnWhenNoEntities: false },
    allowGlobalContext: false,
    debug: false,
    logger: (message: string) => options.logger?.debug(message),
  });
}

/**
 * Runs pending migrations under an advisory lock, so that several replicas starting at once
 * apply each migration exactly once. When every migration is already recorded, the migrator (and
 * the few hundred modules it loads) is never loaded: a restart is that much faster.
 */
async function migrate(options: DatabaseOptions): Promise<void> {
  const lock = new pg.Client({ connectionString: options.url });
  lock.on('error', (error) => options.logger?.warn({ err: error }, 'migration lock connection lost'));
  await lock.connect();
  try {
    await lock.query('/* migrateLock */ select pg_advisory_lock(hashtext($1))', [`migrate:${options.schema}`]);
    await lock.query(`/* ensureSchema */ create schema if not exists "${options.schema}"`);
    if (await allApplied(lock, options)) return;
    // For npm start's progress display (a first start migrates for a while).
    if (process.env.SWITCHYARD_PROGRESS === '1') process.send?.({ progress: 'migrating' });
    const { Migrator } = await import('@mikro-orm/migrations');
    const { names, load } = options.migrations;
    const list = await Promise.all(names.map(async (name) => ({ name, class: await load(name) })));
    const orm = await init(options, { extension: Migrator, list });
    try {
      const applied = await orm.getMigrator().up();
      if (applied.length) options.logger?.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
    } finally {
      await orm.close(true);
    }
  } finally {
    await lock.end();
  }
}

/** Whether the schema's migration history already names every migration the service has. */
async function allApplied(client: pg.Client, options: DatabaseOptions): Promise<boolean> {
  const table = `"${options.schema}".mikro_orm_migrations`;
  const { rows: found } = await client.query('/* migrationsTable */ select to_regclass($1) as name', [table]);
  if (!found[0]?.name) return false;
  const { rows } = await client.query<{ name: string }>(`/* appliedMigrations */ select name from ${table}`);
  const applied = new Set(rows.map((row) => row.name));
  return options.migrations.names.every((name) => applied.has(name));
}

/** Readiness probe: the database answers. */
export async function pingDatabase(orm: Orm): Promise<void> {
  await orm.em.getConnection().execute('/* ping */ select 1');
}

/**
 * Runs SQL through knex, whose bindings keep arrays whole (`?::uuid[]`) where MikroORM's
 * `execute` would spread them into lists. Inside `em.transactional` it runs in that transaction.
 */
export async function sqlRows<T = Record<string, unknown>>(
  em: {
    getKnex(): { raw(sql: string, params: readonly unknown[]): PromiseLike<{ rows: T[] }> };
    getTransactionContext(): unknown;
  },
  sql: string,
  params: readonly unknown[] = [],
): Promise<T[]> {
  const runner = (em.getTransactionContext() ?? em.getKnex()) as ReturnType<typeof em.getKnex>;
  return (await runner.raw(sql, params)).rows;
}
