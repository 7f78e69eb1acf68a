import { homedir } from 'node:os';
import { join } from 'node:path';

/** File name of the model `npm run setup:local-model` installs. */
export const LOCAL_MODEL_FILE_NAME = 'SmolLM2-135M-Instruct.Q4_1.gguf';

/**
 * Where `npm run setup:local-model` puts the model: `$CATALYST_CACHE_DIR/models/` or
 * `~/.cache/catalyst/models/`. Must match `modelDirectory()` in scripts/setup-local-model.mjs.
 */
export function defaultLocalModelPath(environment: NodeJS.ProcessEnv = process.env): string {
  const cacheRoot = environment.CATALYST_CACHE_DIR || join(homedir(), '.cache', 'catalyst');
  return join(cacheRoot, 'models', LOCAL_MODEL_FILE_NAME);
}

/**
 * The model file the local provider loads: an explicit path, else `CATALYST_LOCAL_MODEL`, else
 * the setup script's cache location.
 */
export function resolveLocalModelPath(
  explicitPath?: string,
  environment: NodeJS.ProcessEnv = process.env,
): string {
  return explicitPath || environment.CATALYST_LOCAL_MODEL || defaultLocalModelPath(environment);
}
