import { AssertionSigner, type SigningKey, VIEWER_HEADER, type Viewer } from '@switchyard/kit';

/**
 * The header the gateway sends a subgraph: `viewer` (or nobody) asserted with `key`, for
 * `subgraph`. For calling a subgraph directly, as the gateway (or a forger with another key) would.
 */
export async function viewerHeader(
  key: SigningKey,
  subgraph: string,
  viewer: Viewer | null = null,
): Promise<Record<string, string>> {
  return { [VIEWER_HEADER]: await new AssertionSigner(key.privateJwk).sign({ viewer }, subgraph) };
}
