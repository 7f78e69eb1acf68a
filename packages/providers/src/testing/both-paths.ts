import type { StreamEvent } from '@catalyst/spec';
import { withoutRequestIds } from './collect-events.js';

/** The two ways a provider can reach its API: the shipped direct client, or the official SDK. */
export type TransportPath = 'direct' | 'sdk';

/**
 * Runs `run` once per path, the direct path first, and returns both event lists with request ids
 * normalised (to compare), and the direct path's events as they came (to check what they say).
 *
 * @example
 * const { direct, sdk, raw } = await bothPaths((path) => collectEvents(providerFor(path).stream(request)));
 * expect(direct).toEqual(sdk);
 */
export async function bothPaths(
  run: (path: TransportPath) => Promise<StreamEvent[]>,
): Promise<{ direct: unknown[]; sdk: unknown[]; raw: StreamEvent[] }> {
  const raw = await run('direct');
  const direct = withoutRequestIds(raw);
  const sdk = withoutRequestIds(await run('sdk'));
  return { direct, sdk, raw };
}
