import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { parse as parseYaml } from 'yaml';

/** supergraph.yaml in Rover's format. */
interface SupergraphConfig {
  federation_version?: string | number;
  subgraphs: Record<string, { routing_url: string; schema: { file: string } }>;
}

export class CompositionError extends Error {
  constructor(readonly problems: string[]) {
    super(`composition failed:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Composes the subgraphs listed in a Rover-format config into a supergraph SDL. */
export async function composeSupergraph(configPath: string): Promise<string> {
  const config = parseYaml(await readFile(configPath, 'utf8')) as SupergraphConfig;
  if (!config?.subgraphs || typeof config.subgraphs !== 'object') {
    throw new CompositionError([`${configPath}: no "subgraphs" section`]);
  }
  const base = dirname(resolve(configPath));
  const services = await Promise.all(
    Object.entries(config.subgraphs).map(async ([name, subgraph]) => {
      const file = resolve(base, subgraph.schema.file);
      const sdl = await readFile(file, 'utf8').catch(() => {
        throw new CompositionError([`${name}: cannot read ${file}`]);
      });
      try {
        return { name, url: subgraph.routing_url, typeDefs: parse(sdl) };
      } catch (error) {
        throw new CompositionError([`${name}: ${(error as Error).message}`]);
      }
    }),
  );
  const result = composeServices(services);
  if (result.errors) throw new CompositionError(result.errors.map((e) => e.message));
  return `${result.supergraphSdl.trim()}\n`;
}
