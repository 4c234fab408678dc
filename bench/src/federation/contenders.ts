import { dirname, join } from 'node:path';
import { gatewayNodeOptions } from '@switchyard/gateway/node-options';
import { type Child, startNode } from './children.js';

/** What every contender is started with. */
export interface Setup {
  supergraphFile: string;
  databaseUrl: string;
  /** The gateway's private key (JSON JWK). */
  gatewayKey: string;
  traceSinkUrl: string;
  /** Extra node flags for the contender (e.g. --cpu-prof), from BENCH_NODE_ARGS. */
  nodeArgs: string[];
}

export interface Contender {
  name: string;
  describe: string;
  start(port: number, setup: Setup): Child;
}

/** The bench's environment without settings that would change what a contender does. */
function baseEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_') && !key.startsWith('BENCH_')),
  );
}

/**
 * The gateway estimates the deep query at 862,441 (lists counted as 20 items each), over the
 * default MAX_COST of 50,000; refusing it is not what is measured.
 */
export const SWITCHYARD_MAX_COST = '1000000000';

const switchyardMain = join(dirname(require.resolve('@switchyard/gateway')), 'main.js');
/** The V8 settings `npm start` gives the gateway on this machine. */
export const GATEWAY_NODE_OPTIONS = gatewayNodeOptions();

function switchyard(port: number, setup: Setup, extra: NodeJS.ProcessEnv, name: string): Child {
  return startNode(name, [...setup.nodeArgs, switchyardMain], {
    ...baseEnv(),
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    SUPERGRAPH_FILE: setup.supergraphFile,
    GATEWAY_SIGNING_KEY: setup.gatewayKey,
    DATABASE_URL: setup.databaseUrl,
    // One load generator plays every caller; the per-caller limit is not what is measured.
    RATE_LIMIT: '1000000000',
    MAX_COST: SWITCHYARD_MAX_COST,
    NODE_OPTIONS: GATEWAY_NODE_OPTIONS,
    ...extra,
  });
}

export const contenders: Contender[] = [
  {
    name: 'stock',
    describe: '@apollo/gateway on @apollo/server startStandaloneServer, defaults',
    start: (port, setup) =>
      startNode('stock', [...setup.nodeArgs, join(__dirname, 'stock-main.js')], {
        ...baseEnv(),
        NODE_ENV: 'production',
        PORT: String(port),
        SUPERGRAPH_FILE: setup.supergraphFile,
        // As Switchyard's gateway sets it: no usage pings or cloud-metadata probes from a sandbox.
        APOLLO_TELEMETRY_DISABLED: 'true',
      }),
  },
  {
    name: 'switchyard',
    describe: `gateway/dist/main.js (NODE_OPTIONS=${GATEWAY_NODE_OPTIONS}), tracing off, MAX_COST=${SWITCHYARD_MAX_COST}, RATE_LIMIT=1e9`,
    start: (port, setup) => switchyard(port, setup, {}, 'switchyard'),
  },
  {
    name: 'switchyard-traced',
    describe: 'the same with OTEL_EXPORTER_OTLP_ENDPOINT at an in-process sink',
    start: (port, setup) =>
      switchyard(port, setup, { OTEL_EXPORTER_OTLP_ENDPOINT: setup.traceSinkUrl }, 'switchyard-traced'),
  },
];
