import { writeFile } from 'node:fs/promises';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { sdl } from './subgraphs.js';

/** Composes the four subgraphs, routed to `urls`, into a supergraph file at `path`. */
export async function writeSupergraph(urls: Record<string, string>, path: string): Promise<void> {
  const result = composeServices(
    Object.entries(sdl).map(([name, typeDefs]) => ({ name, url: urls[name]!, typeDefs: parse(typeDefs) })),
  );
  if (result.errors) throw new Error(`composition failed:\n${result.errors.map((e) => e.message).join('\n')}`);
  await writeFile(path, result.supergraphSdl);
}
