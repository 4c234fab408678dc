// npm run keys: a new Ed25519 key pair for the gateway, as the two settings a deployment needs.
// GATEWAY_SIGNING_KEY goes to the gateway only; GATEWAY_PUBLIC_KEYS to every subgraph (while
// rotating, list the old and the new public key: {"keys":[old,new]}).
const { generateSigningKey } = require('../packages/kit/dist/index.js');

generateSigningKey().then(({ privateJwk, publicJwk }) => {
  process.stdout.write(`GATEWAY_SIGNING_KEY='${JSON.stringify(privateJwk)}'\n`);
  process.stdout.write(`GATEWAY_PUBLIC_KEYS='${JSON.stringify({ keys: [publicJwk] })}'\n`);
});
