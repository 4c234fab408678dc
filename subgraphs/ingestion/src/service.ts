import { join } from 'node:path';
import {
  Auth,
  isAdmin,
  type Logger,
  migrationsIn,
  resolveJwtSecret,
  type Service,
  startSubgraph,
} from '@switchyard/kit';
import { tokenChecks } from '@switchyard/users/auth';
import { Collector } from './collector/collector.js';
import { ingestionContext } from './context.js';
import type { IngestionEnv, ProviderName } from './env.js';
import { Mailer } from './email/mailer.js';
import { ReadingStream } from './mqtt/stream.js';
import type { PriceProvider } from './providers/provider.js';
import { ReplayProvider } from './providers/replay.js';
import { SimulatedProvider } from './providers/simulated.js';
import { YahooProvider } from './providers/yahoo.js';
import { buildIngestionSchema } from './schema.js';

function makeProvider(name: ProviderName, env: IngestionEnv, logger: Logger): PriceProvider {
  switch (name) {
    case 'replay':
      if (!env.REPLAY_FILE) throw new Error('the replay provider needs REPLAY_FILE');
      return new ReplayProvider(env.REPLAY_FILE);
    case 'yahoo':
      return new YahooProvider(logger, env.YAHOO_BASE_URL);
    case 'simulated':
      return new SimulatedProvider(env.SIMULATED_SEED);
  }
}

/** The worker subgraph: the collector on its schedule, and its GraphQL face (feeds, stats, collectNow). */
export function startIngestion(env: IngestionEnv & { DATABASE_URL: string }, logger?: Logger): Promise<Service> {
  let collector: Collector | undefined;
  return startSubgraph(
    {
      name: 'ingestion',
      entities: [],
      migrations: migrationsIn(
        ['Migration20261123300000', 'Migration20261123310000', 'Migration20261123320000', 'Migration20261123330000'],
        (name) => import(`./migrations/${name}.js`),
      ),
      schema: buildIngestionSchema,
      context: ingestionContext(() => collector!),
      tokenChecks,
      prepare: async ({ orm, logger: log, events, metrics }) => {
        const names = [...new Set([env.MARKET_PROVIDER, ...env.MARKET_ROUTES.map((r) => r.provider)])];
        const route = (symbol: string) =>
          env.MARKET_ROUTES.find((r) => r.pattern.test(symbol))?.provider ?? env.MARKET_PROVIDER;
        collector = new Collector(
          orm,
          names.map((n) => makeProvider(n, env, log)),
          route,
          events,
          log,
          metrics,
          {
            intervalSec: env.COLLECT_INTERVAL,
            breakerFailures: env.BREAKER_FAILURES,
            breakerResetSec: env.BREAKER_RESET_SEC,
          },
        );
        collector.start();
        const mailer = env.MAILER
          ? new Mailer(
              orm,
              {
                smtpUrl: env.SMTP_URL,
                folder: env.MAIL_FOLDER ?? join(env.DATA_DIR, 'mail'),
                from: env.MAIL_FROM,
                pollMs: env.MAIL_POLL_MS,
                maxAttempts: env.MAIL_MAX_ATTEMPTS,
                retryBaseSec: env.MAIL_RETRY_BASE_SEC,
              },
              log,
              metrics,
            )
          : undefined;
        mailer?.start();
        const auth = new Auth(resolveJwtSecret(env), env.JWT_TTL, tokenChecks(orm));
        const stream =
          env.MQTT_URL || env.MQTT_PORT
            ? new ReadingStream(
                orm,
                events,
                {
                  url: env.MQTT_URL,
                  port: env.MQTT_PORT,
                  host: env.HOST,
                  mayPublish: async (token) => {
                    const { viewer } = await auth.authenticate(`Bearer ${token}`);
                    return isAdmin(viewer) || (viewer?.scopes.includes('sensors:write') ?? false);
                  },
                  clientId: env.MQTT_CLIENT_ID,
                  shareGroup: env.MQTT_SHARE_GROUP,
                  sessionExpirySec: env.MQTT_SESSION_EXPIRY_SEC,
                },
                log,
                metrics,
              )
            : undefined;
        await stream?.start();
        return async () => {
          await collector!.stop();
          await mailer?.stop();
          await stream?.stop();
        };
      },
    },
    env,
    logger,
  );
}
