import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BUILD_MARKER, type GeneratedFile } from './generate-project.js';

/** Why `writeProject` refused to write. */
export class ProjectDirectoryError extends Error {
  override name = 'ProjectDirectoryError';
}

/**
 * Writes `files` under `directory`. An existing directory is replaced only when it is empty or
 * holds an earlier `catalyst build` output (its marker file); anything else is refused unless
 * `force`, so a typo in `--out` never wipes someone's work. Files a previous build wrote that
 * this one does not are removed; `.venv`, `.env` and caches are kept.
 */
export function writeProject(
  files: readonly GeneratedFile[],
  directory: string,
  options: { force?: boolean } = {},
): void {
  const root = resolve(directory);
  if (existsSync(root)) {
    const entries = readdirSync(root);
    const ours = entries.includes(BUILD_MARKER) && isBuildMarker(join(root, BUILD_MARKER));
    if (entries.length > 0 && !ours && !options.force) {
      throw new ProjectDirectoryError(
        `${directory} exists and was not written by catalyst build; choose an empty directory or pass --force to write into it`,
      );
    }
    if (ours) {
      for (const generated of ['app', 'catalyst_runtime', 'tests']) {
        rmSync(join(root, generated), { recursive: true, force: true });
      }
    }
  }
  for (const file of files) {
    const target = resolve(root, file.path);
    if (!target.startsWith(`${root}/`))
      throw new Error(`refusing to write outside ${root}: ${file.path}`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
  }
}

function isBuildMarker(path: string): boolean {
  try {
    const marker = JSON.parse(readFileSync(path, 'utf8')) as { generator?: unknown };
    return typeof marker.generator === 'string' && marker.generator.startsWith('catalyst build');
  } catch {
    return false;
  }
}
