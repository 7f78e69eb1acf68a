import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run setup` builds the browser app (packages/studio/dist). */
export const DEFAULT_ASSETS_DIRECTORY = fileURLToPath(
  new URL('../../studio/dist', import.meta.url),
);

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

/**
 * Answers a GET for the built studio: the file under `directory`, or index.html for the app's
 * own routes. A missing build gets a page that says how to make it.
 */
export async function studioAssetResponse(options: {
  directory: string;
  /** The path below the studio's base, `/` or `/assets/index-abc.js`. */
  path: string;
}): Promise<Response> {
  const index = join(options.directory, 'index.html');
  if (!existsSync(index)) {
    return new Response(
      `The studio is not built: run "npm run setup" (or "npm run build -w @catalyst/studio") in the Catalyst checkout. Looked in ${options.directory}.\n`,
      { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' } },
    );
  }
  const relative = normalize(decodeURIComponent(options.path)).replace(/^([/\\])+/, '');
  const file = join(options.directory, relative);
  const inside = file.startsWith(options.directory + sep) && !relative.includes('..');
  const target = inside && extname(file) !== '' && existsSync(file) ? file : index;
  const body = await readFile(target);
  return new Response(body, {
    headers: {
      'content-type': CONTENT_TYPES[extname(target)] ?? 'application/octet-stream',
      // Hashed asset names never change content; index.html must always be fresh.
      'cache-control': target === index ? 'no-cache' : 'public, max-age=31536000, immutable',
    },
  });
}
