// Validates Kubernetes objects (a JSON array on stdin) against the API's schemas, offline: the
// kubernetes-models package ships them compiled. Prints one line per problem; exits 1 if any.
// An ES module of its own because kubernetes-models is one (the tests run as CommonJS).
import { text } from 'node:stream/consumers';

const objects = JSON.parse(await text(process.stdin));
const problems = [];
for (const object of objects) {
  const name = `${object.kind}/${object.metadata?.name}`;
  let Model;
  try {
    Model = (await import(`kubernetes-models/${object.apiVersion}/${object.kind}`))[object.kind];
  } catch {
    problems.push(`${name}: no schema for ${object.apiVersion} ${object.kind}`);
    continue;
  }
  try {
    new Model(object).validate();
  } catch (error) {
    problems.push(`${name}: ${error.message}`);
  }
}
for (const problem of problems) console.log(problem);
process.exit(problems.length ? 1 : 0);
