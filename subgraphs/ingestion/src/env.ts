import { commonEnv, confirmerEnv, z } from '@switchyard/kit';

/** Where prices come from. */
export const PROVIDERS = ['simulated', 'replay', 'yahoo'] as const;
export type ProviderName = (typeof PROVIDERS)[number];
const isProvider = (name: string): name is ProviderName => (PROVIDERS as readonly string[]).includes(name);

export const ingestionEnv = {
  ...commonEnv,
  ...confirmerEnv,
  /** ingestion' port when run alone. */
  PORT: z.coerce.number().int().min(0).max(65535).default(4004),
  /** Where prices come from: `simulated` (offline, seeded), `replay` (REPLAY_FILE) or `yahoo`. */
  MARKET_PROVIDER: z.enum(PROVIDERS).default('simulated'),
  /**
   * Symbols that another provider collects: `REGEX=provider,...` (first match wins), e.g.
   * `^TEST=replay`; the rest go to MARKET_PROVIDER.
   */
  MARKET_ROUTES: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const routes: Array<{ pattern: RegExp; provider: ProviderName }> = [];
      for (const entry of text.split(',').filter((e) => e.trim())) {
        const at = entry.lastIndexOf('=');
        const provider = entry.slice(at + 1).trim();
        try {
          if (at < 1 || !isProvider(provider)) throw new Error('bad entry');
          routes.push({ pattern: new RegExp(entry.slice(0, at).trim()), provider });
        } catch {
          ctx.addIssue({ code: 'custom', message: `"${entry}" is not REGEX=${PROVIDERS.join('|')}` });
        }
      }
      return routes;
    }),
  /** CSV of date,symbol,price played back in date order, one price per symbol per round. */
  REPLAY_FILE: z.string().optional(),
  /** Seed of the simulated prices. */
  SIMULATED_SEED: z.string().default('1'),
  /**
   * Sends the yahoo provider's requests to this origin instead of Yahoo's (an egress proxy, or a
   * recorded Yahoo in tests); path and query are kept.
   */
  YAHOO_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Seconds between collection rounds; 0 collects only on collectNow. */
  COLLECT_INTERVAL: z.coerce.number().int().min(0).default(60),
  /** A round still running after this long (its replica died) is run again by another replica. */
  COLLECT_TIMEOUT_SEC: z.coerce.number().int().min(1).default(60),
  /** Failures in a row that open a provider's circuit, and seconds before it is tried again. */
  BREAKER_FAILURES: z.coerce.number().int().min(1).default(5),
  /** Seconds an open circuit waits before a provider is tried again. */
  BREAKER_RESET_SEC: z.coerce.number().min(0.1).default(30),
  /** Alert mails: smtp(s)://user:pass@host:port; unset writes .eml files to MAIL_FOLDER. */
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  /** Sender of alert mails. */
  MAIL_FROM: z.string().default('Switchyard alerts <alerts@switchyard.local>'),
  /** Where mails go without SMTP_URL (default DATA_DIR/mail). */
  MAIL_FOLDER: z.string().optional(),
  /** Whether this process sends alert mails (any number may; each mail goes once). */
  MAILER: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** How often an idle mailer looks for mail to send (at least 500). */
  MAIL_POLL_MS: z.coerce.number().int().min(500).default(1000),
  /** Attempts before a mail is dead-lettered (counted in ingestionStats.mailsUndelivered). */
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(5),
  /** Whole seconds before the first retry; later ones add a doubling backoff. */
  MAIL_RETRY_BASE_SEC: z.coerce.number().int().min(0).default(30),
  /** A send still going after this long (its replica died) is tried again by another mailer. */
  MAIL_TIMEOUT_SEC: z.coerce.number().int().min(1).default(60),
  /** Readings over MQTT from this broker (mqtt://user:pass@host:1883); unset: a broker in this process. */
  MQTT_URL: z.url({ protocol: /^mqtts?$/ }).optional(),
  /** Where the in-process broker listens when MQTT_URL is unset; 0 turns MQTT readings off. */
  MQTT_PORT: z.coerce.number().int().min(0).max(65535).default(1883),
  /**
   * The client id of this replica's persistent MQTT session (default: per host). Keep it stable
   * across restarts (a StatefulSet's pod name, say): a new id leaves the old session behind on the
   * broker, taking its share of the messages until it expires.
   */
  MQTT_CLIENT_ID: z.string().optional(),
  /** Replicas of one group share the messages of an external broker (a shared subscription). */
  MQTT_SHARE_GROUP: z
    .string()
    .regex(/^[\w-]{1,64}$/)
    .default('switchyard-ingestion'),
  /**
   * Connections of this replica to MQTT_URL's broker. Each takes up to 20 messages at once into the
   * shared micro-batches (as many as it lets the broker send ahead), and acknowledges them once
   * stored.
   */
  MQTT_SUBSCRIBERS: z.coerce.number().int().min(1).max(256).default(64),
  /** Seconds between keep-alive pings on a quiet connection to MQTT_URL's broker. */
  MQTT_KEEPALIVE_SEC: z.coerce.number().int().min(1).max(3600).default(60),
  /** MQTT messages are stored in micro-batches of up to this many, in one transaction each. */
  MQTT_BATCH_MESSAGES: z.coerce.number().int().min(1).max(10_000).default(1000),
  /** How long a micro-batch waits for more messages after its first, in ms. */
  MQTT_BATCH_WAIT_MS: z.coerce.number().int().min(0).max(1000).default(5),
  /** How long the broker keeps a disconnected replica's session and its unacknowledged messages. */
  MQTT_SESSION_EXPIRY_SEC: z.coerce.number().int().min(0).default(300),
};

export type IngestionEnv = z.infer<z.ZodObject<typeof ingestionEnv>>;
