// Child process of bench:gateway: stock @apollo/gateway on @apollo/server's standalone server,
// with their defaults (Apollo Server stops itself on SIGTERM), over SUPERGRAPH_FILE on PORT.
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

async function main() {
  const gateway = new ApolloGateway({ supergraphSdl: readFileSync(process.env.SUPERGRAPH_FILE!, 'utf8') });
  const server = new ApolloServer({ gateway });
  await startStandaloneServer(server, { listen: { port: Number(process.env.PORT), host: '127.0.0.1' } });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
