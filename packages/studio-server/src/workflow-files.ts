import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A workflow file name the studio may read and write: no directories, a known ending. */
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.(json|ya?ml)$/;

/** Thrown for a file name outside what {@link WorkflowFiles} serves. */
export class FileNameError extends Error {
  constructor(name: string) {
    super(
      `"${name}" is not a workflow file name: use letters, digits, "-", "_" and ".", ending in .json, .yaml or .yml`,
    );
    this.name = 'FileNameError';
  }
}

/** The workflow files of one directory, as the studio lists, reads and writes them. */
export class WorkflowFiles {
  constructor(readonly directory: string) {}

  /** The workflow file names in the directory, sorted; `package.json` and friends are left out. */
  async list(): Promise<string[]> {
    const entries = await readdir(this.directory, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile() && FILE_NAME.test(entry.name))
      .map((entry) => entry.name)
      .filter((name) => !/^(package(-lock)?|tsconfig.*)\.json$/.test(name))
      .sort();
  }

  /** The text of a file; undefined when it does not exist. */
  async read(name: string): Promise<string | undefined> {
    try {
      return await readFile(this.path(name), 'utf8');
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /**
   * Writes a file; `create` refuses to replace an existing one. A replacement is written beside
   * the file and renamed over it, so a reader (an editor, git, a watcher) never sees half a file.
   */
  async write(name: string, text: string, options: { create?: boolean } = {}): Promise<void> {
    const path = this.path(name);
    if (options.create) {
      await writeFile(path, text, { encoding: 'utf8', flag: 'wx' });
      return;
    }
    const temporary = join(this.directory, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    await writeFile(temporary, text, 'utf8');
    await rename(temporary, path);
  }

  private path(name: string): string {
    // The pattern has no separators and no leading dot, so the file stays inside the directory.
    if (!FILE_NAME.test(name) || name.includes('..')) throw new FileNameError(name);
    return join(this.directory, name);
  }
}
