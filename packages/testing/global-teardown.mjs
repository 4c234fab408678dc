export default async function globalTeardown() {
  await globalThis.__SWITCHYARD_PG__?.stop();
}
