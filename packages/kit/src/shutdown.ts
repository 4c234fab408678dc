/** Work to finish before the process exits on a signal (flushing traces, say). */
const hooks: Array<() => Promise<void>> = [];

export function onShutdown(hook: () => Promise<void>): void {
  hooks.push(hook);
}

/** Runs every hook, each failure its own (a process on its way out must not hang on one). */
export async function runShutdownHooks(): Promise<void> {
  await Promise.allSettled(hooks.map((hook) => hook()));
}
