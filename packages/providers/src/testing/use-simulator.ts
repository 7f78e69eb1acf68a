import { type RunningSimulator, startSimulator } from '@catalyst/simulator';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/**
 * The simulator for a test file: started before its tests on a free port and closed after them,
 * with its scenario and request log cleared before each test. Call it at the top of the file; the
 * object it returns reaches the running simulator once `beforeAll` has started it.
 *
 * @example
 * const simulator = useSimulator();
 * it('streams', async () => {
 *   const provider = createAnthropicProviderOver({ apiKey, baseUrl: simulator.url, environment: {} });
 * });
 */
export function useSimulator(): RunningSimulator {
  let running: RunningSimulator | undefined;
  const current = (): RunningSimulator => {
    if (!running) throw new Error('the simulator starts in beforeAll; use it inside a test');
    return running;
  };
  beforeAll(async () => {
    running = await startSimulator({ port: 0 });
  });
  afterAll(async () => running?.close());
  beforeEach(() => {
    current().setScenario(undefined);
    current().reset();
  });
  return {
    get url() {
      return current().url;
    },
    get port() {
      return current().port;
    },
    close: () => current().close(),
    requests: () => current().requests(),
    reset: () => current().reset(),
    setScenario: (scenario) => current().setScenario(scenario),
  };
}
