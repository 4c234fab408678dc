import { writeFile } from 'node:fs/promises';
import { CompositionError, composeSupergraph } from './compose.js';

/** `npm run compose [-- config.yaml [out.graphql]]`: writes the supergraph, or prints why it cannot. */
async function main() {
  const [config = 'supergraph.yaml', out = 'supergraph.graphql'] = process.argv.slice(2);
  const sdl = await composeSupergraph(config);
  await writeFile(out, sdl);
  console.log(`wrote ${out}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof CompositionError ? error.message : error);
  process.exit(1);
});
