import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BUILD_MARKER, type GeneratedFile } from './generate-project.js';

/** Why `writeProject` refused to write. */
export class ProjectDirectoryError extends Error {
  override name = 'ProjectDirectoryError';
}

/** What `writeProject` did besides writing: the files of an earlier build it removed. */
export interface WriteResult {
  /** Paths relative to the project root, sorted. */
  removed: string[];
}

/**
 * Writes `files` under `directory`. An existing directory is written into only when it is empty
 * or holds an earlier `catalyst build` output (its marker file); anything else is refused unless
 * `force`, so a typo in `--out` never wipes someone's work. Of an earlier build, only the files
 * its marker lists that this build no longer writes are removed: files someone added (a module in
 * `app/`, `.venv`, `.env`) are never touched.
 */
export function writeProject(
  files: readonly GeneratedFile[],
  directory: string,
  options: { force?: boolean } = {},
): WriteResult {
  const root = resolve(directory);
  const targets = files.map((file) => ({ file, target: inside(root, file.path) }));
  let previous: string[] = [];
  if (existsSync(root)) {
    const entries = readdirSync(root);
    const marker = entries.includes(BUILD_MARKER)
      ? readBuildMarker(join(root, BUILD_MARKER))
      : undefined;
    if (entries.length > 0 && !marker && !options.force) {
      throw new ProjectDirectoryError(
        `${directory} exists and was not written by catalyst build; choose an empty directory or pass --force to write into it`,
      );
    }
    previous = marker?.files ?? [];
  }
  // Stale files go first: a file of the old layout may stand where a directory is now written.
  const written = new Set(targets.map(({ target }) => target));
  const removed: string[] = [];
  for (const path of previous) {
    const target = resolve(root, path);
    if (!target.startsWith(`${root}/`) || written.has(target)) continue;
    if (removeFile(target)) {
      removed.push(path);
      removeEmptyDirectories(dirname(target), root);
    }
  }
  for (const { file, target } of targets) {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
  }
  return { removed: removed.sort() };
}

function inside(root: string, path: string): string {
  const target = resolve(root, path);
  if (!target.startsWith(`${root}/`)) throw new Error(`refusing to write outside ${root}: ${path}`);
  return target;
}

/** The marker's file list, or undefined when `path` is not a `catalyst build` marker. */
function readBuildMarker(path: string): { files: string[] } | undefined {
  try {
    const marker = JSON.parse(readFileSync(path, 'utf8')) as {
      generator?: unknown;
      files?: unknown;
    };
    if (typeof marker.generator !== 'string' || !marker.generator.startsWith('catalyst build'))
      return undefined;
    // Markers of builds before the file list was recorded name no file: nothing is removed.
    const files = Array.isArray(marker.files)
      ? marker.files.filter((item): item is string => typeof item === 'string')
      : [];
    return { files };
  } catch {
    return undefined;
  }
}

/** Removes a file (or a link, never what it points at); a directory there is left alone. */
function removeFile(path: string): boolean {
  try {
    if (lstatSync(path).isDirectory()) return false;
  } catch {
    return false;
  }
  rmSync(path, { force: true });
  return true;
}

/** Removes `directory` and its parents up to `root` while they are empty. */
function removeEmptyDirectories(directory: string, root: string): void {
  for (let current = directory; current.startsWith(`${root}/`); current = dirname(current)) {
    if (readdirSync(current).length > 0) return;
    rmdirSync(current);
  }
}
