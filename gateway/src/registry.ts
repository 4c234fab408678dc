// supergraph.yaml is the one list of subgraphs: Rover's format (routing_url, schema.file), plus
// what Switchyard needs to run each (its package folder and the prefix of its settings). npm start,
// the test stack, jest's module map and composition read it; a test checks the deploy files.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface SubgraphEntry {
  name: string;
  routingUrl: string;
  /** The port of routing_url: where `npm start` runs it (`<PREFIX>_PORT` overrides). */
  port: number;
  schemaFile: string;
  /** The package folder (absolute); its index exports `service` (see SubgraphPackage). */
  packageDir: string;
  /** Settings of this subgraph alone are `<PREFIX>_PORT`, `<PREFIX>_DATABASE_URL`... */
  envPrefix: string;
}

interface RawEntry {
  routing_url?: unknown;
  schema?: { file?: unknown };
  package?: unknown;
  env_prefix?: unknown;
}

export class RegistryError extends Error {
  constructor(file: string, problems: string[]) {
    super(`${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** The subgraphs a supergraph.yaml lists, in its order, each checked. */
export function readRegistry(file: string): SubgraphEntry[] {
  const config = parseYaml(readFileSync(file, 'utf8')) as { subgraphs?: Record<string, RawEntry> } | null;
  const base = dirname(resolve(file));
  if (!config?.subgraphs || typeof config.subgraphs !== 'object') throw new RegistryError(file, ['no "subgraphs"']);
  const problems: string[] = [];
  const entries = Object.entries(config.subgraphs).map(([name, raw]) => {
    const problem = (text: string) => problems.push(`${name}: ${text}`);
    if (!/^[a-z][a-z0-9-]*$/.test(name)) problem('names are lower-case letters, digits and dashes');
    const routingUrl = typeof raw?.routing_url === 'string' ? raw.routing_url : '';
    const port = URL.canParse(routingUrl) ? Number(new URL(routingUrl).port) : 0;
    if (!port) problem('routing_url must be a URL with a port');
    if (typeof raw?.schema?.file !== 'string') problem('schema.file is missing');
    if (typeof raw?.package !== 'string') problem('package (its folder) is missing');
    const envPrefix = typeof raw?.env_prefix === 'string' ? raw.env_prefix : name.toUpperCase().replace(/-/g, '_');
    if (!/^[A-Z][A-Z0-9_]*$/.test(envPrefix)) problem('env_prefix must be upper-case letters, digits and _');
    return {
      name,
      routingUrl,
      port,
      schemaFile: resolve(base, String(raw?.schema?.file ?? '')),
      packageDir: resolve(base, String(raw?.package ?? '')),
      envPrefix,
    };
  });
  if (problems.length) throw new RegistryError(file, problems);
  return entries;
}
