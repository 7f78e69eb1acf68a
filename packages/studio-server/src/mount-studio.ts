import type { CatalystApp } from '@catalyst/runtime';
import type { StudioApp } from './create-studio-app.js';

/**
 * One `fetch` handler for `catalyst serve --studio`: requests under `prefix` go to the studio
 * (created with the same `basePath`), everything else to the Catalyst API.
 */
export function mountStudio(options: {
  app: CatalystApp;
  studio: StudioApp;
  prefix: string;
}): CatalystApp {
  const { app, studio, prefix } = options;
  return {
    // Shutdown drains the API's runs; the studio's own runs end with the process.
    drain: (drainOptions) => app.drain(drainOptions),
    inFlight: () => app.inFlight(),
    fetch: (request) => {
      const path = new URL(request.url).pathname;
      return path === prefix || path.startsWith(`${prefix}/`)
        ? studio.fetch(request)
        : app.fetch(request);
    },
    close: async () => {
      await studio.close();
      await app.close();
    },
  };
}
