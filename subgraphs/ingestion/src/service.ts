import { join } from 'node:path';
import {
  CallerVerifier,
  isAdmin,
  JobQueue,
  type Logger,
  migrationsIn,
  type Service,
  startSubgraph,
} from '@switchyard/kit';
import { collectRoundTask } from './collector/collect-round.task.js';
import { Collector } from './collector/collector.js';
import { ingestionContext, type MailQueue } from './context.js';
import type { IngestionEnv, ProviderName } from './env.js';
import { alertMailTask, mailOf } from './email/alert-mail.task.js';
import { moveLegacyOutbox } from './email/legacy-outbox.js';
import { Mailer } from './email/mailer.js';
import { announceMqtt, ReadingStream } from './mqtt/stream.js';
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
  let mail: MailQueue | undefined;
  return startSubgraph(
    {
      name: 'ingestion',
      entities: [],
      migrations: migrationsIn(
        ['Migration20261123300000', 'Migration20261123310000', 'Migration20261123320000', 'Migration20261123330000'],
        (name) => import(`./migrations/${name}.js`),
      ),
      schema: buildIngestionSchema,
      context: ingestionContext(
        () => collector!,
        () => mail!,
      ),
      prepare: async ({ orm, logger: log, events, metrics }) => {
        // Alert mails are jobs: enqueued with their alert, sent by whichever replicas are mailers.
        const mailer = env.MAILER
          ? new Mailer(
              orm,
              { smtpUrl: env.SMTP_URL, folder: env.MAIL_FOLDER ?? join(env.DATA_DIR, 'mail'), from: env.MAIL_FROM },
              log,
              metrics,
            )
          : undefined;
        const alertMail = alertMailTask(env, async (payload) => {
          if (!mailer) throw new Error('this replica does not send mail (MAILER=false)');
          await mailer.deliver(payload);
        });
        // Scheduled rounds are jobs too: one per interval, run by one replica, again if it died.
        const collectRound = collectRoundTask(env.COLLECT_TIMEOUT_SEC, (round, intervalSec) =>
          collector!.scheduledRound(round, intervalSec),
        );
        const queue = await JobQueue.start({
          databaseUrl: env.DATABASE_URL,
          dbPoolSize: env.DB_POOL_SIZE,
          tasks: [alertMail, collectRound],
          logger: log,
          // Every replica collects; only mailers mail.
          work: (task) => task.name !== alertMail.name || env.MAILER,
          pollSec: env.MAIL_POLL_MS / 1000,
          superviseSec: Math.min(60, env.MAIL_TIMEOUT_SEC, env.COLLECT_TIMEOUT_SEC),
        });
        mail = { queue, task: alertMail };
        await moveLegacyOutbox(orm, (em, mails) => queue.sendMany(alertMail, mails, { within: em }));
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
            timeoutSec: env.COLLECT_TIMEOUT_SEC,
            breakerFailures: env.BREAKER_FAILURES,
            breakerResetSec: env.BREAKER_RESET_SEC,
            mailAlerts: (em, alerts) => queue.sendMany(alertMail, alerts.map(mailOf), { within: em }),
          },
        );
        collector.start((round, intervalSec) =>
          queue.send(collectRound, { round, intervalSec }, { singletonKey: 'round', singletonSeconds: intervalSec }),
        );
        // Devices sign in with API tokens, confirmed as the gateway confirms callers.
        const verifier = new CallerVerifier({
          issuerUrl: env.USERS_URL,
          cacheMs: env.AUTH_CACHE_SEC * 1000,
          logger: log,
        });
        await verifier.watch(events);
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
                    const { viewer } = await verifier.verify(`Bearer ${token}`);
                    return isAdmin(viewer) || (viewer?.scopes.includes('sensors:write') ?? false);
                  },
                  clientId: env.MQTT_CLIENT_ID,
                  shareGroup: env.MQTT_SHARE_GROUP,
                  sessionExpirySec: env.MQTT_SESSION_EXPIRY_SEC,
                  subscribers: env.MQTT_SUBSCRIBERS,
                  keepaliveSec: env.MQTT_KEEPALIVE_SEC,
                  batchMessages: env.MQTT_BATCH_MESSAGES,
                  batchWaitMs: env.MQTT_BATCH_WAIT_MS,
                },
                log,
                metrics,
              )
            : undefined;
        if (!stream) announceMqtt({ off: 'MQTT_PORT=0 turns it off' });
        await stream?.start();
        return async () => {
          await stream?.stop();
          await queue.stop();
          await collector!.stop();
          mailer?.close();
        };
      },
    },
    env,
    logger,
  );
}
