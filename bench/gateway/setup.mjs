#!/usr/bin/env node
/**
 * Prepares everything the gateway benchmark runs, idempotently (a second run changes nothing):
 *   1. bench/gateway/node_modules (Portkey, undici, resvg) from bench/gateway/package.json —
 *      kept out of the root workspace;
 *   2. the Portkey patch (below);
 *   3. LiteLLM in its own venv, bench/gateway/.venv-litellm (uv, else python3 -m venv + pip);
 *   4. the generated Python service: `catalyst build` of workflows/bench-completion.json into
 *      bench/gateway/.build/python-service, installed into .build/python-venv. Rebuilt every
 *      run, so a change to the Python runtime is measured the next time.
 *
 * The Portkey patch: @portkey-ai/gateway 1.15.2 fails every streaming request on Node 20 with
 * `TypeError: immutable` (Portkey-AI/gateway #1389, #1550). Its @hono/node-server's lightweight
 * Response keeps the init's Headers object as is; when the init is a fetch() Response its
 * headers are immutable, and Portkey then appends x-portkey-* headers to them. The patch copies
 * those headers into a fresh Headers — one line per bundled copy, marked `bench-patch`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** The LiteLLM release measured (pinned so reruns compare like with like). */
export const LITELLM_REQUIREMENT = 'litellm[proxy]==1.108.7';

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
  }
}

function log(message) {
  console.error(`[setup] ${message}`);
}

/** The uv binary if there is one (the repository's venv ships it), else undefined. */
export function findUv() {
  for (const candidate of [join(root, '.venv', 'bin', 'uv'), '/work/main/.venv/bin/uv']) {
    if (existsSync(candidate)) return candidate;
  }
  const which = spawnSync('sh', ['-c', 'command -v uv'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

function installNodeDependencies() {
  const marker = join(here, 'node_modules', '@portkey-ai', 'gateway', 'package.json');
  const wanted = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')).dependencies;
  const installed = existsSync(marker) && existsSync(join(here, 'node_modules', 'undici'));
  const version = installed ? JSON.parse(readFileSync(marker, 'utf8')).version : undefined;
  if (installed && version === wanted['@portkey-ai/gateway']) return;
  log('installing bench/gateway dependencies (npm)');
  // --ignore-scripts: Portkey's postinstall runs patch-package for its own repo layout.
  run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: here });
}

const PATCH_FROM = 'this[cacheKey] = [init?.status || 200, body, headers || init?.headers];';
const PATCH_TO =
  'this[cacheKey] = [init?.status || 200, body, headers || (init instanceof GlobalResponse ? new Headers(init.headers) : init?.headers)]; // bench-patch';

/** Applies the header patch to every bundled copy in @hono/node-server; returns files changed. */
export function patchHonoNodeServer(
  directory = join(here, 'node_modules', '@hono', 'node-server', 'dist'),
) {
  let changed = 0;
  let patched = 0;
  for (const file of readdirSync(directory)) {
    if (!/\.m?js$/.test(file)) continue;
    const path = join(directory, file);
    const text = readFileSync(path, 'utf8');
    if (text.includes(PATCH_TO)) patched++;
    if (!text.includes(PATCH_FROM)) continue;
    writeFileSync(path, text.replaceAll(PATCH_FROM, PATCH_TO));
    changed++;
  }
  if (changed + patched === 0) {
    throw new Error(
      `@hono/node-server in ${directory} has neither the known header line nor the patch; check the Portkey version`,
    );
  }
  return changed;
}

function installLiteLlm() {
  const venv = join(here, '.venv-litellm');
  const stamp = join(venv, 'bench-requirement.txt');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === LITELLM_REQUIREMENT) return;
  log(`installing ${LITELLM_REQUIREMENT} into bench/gateway/.venv-litellm`);
  const uv = findUv();
  if (uv) {
    if (!existsSync(join(venv, 'bin', 'python'))) run(uv, ['venv', venv, '--python', '3']);
    run(uv, ['pip', 'install', '--python', join(venv, 'bin', 'python'), LITELLM_REQUIREMENT]);
  } else {
    run('python3', ['-m', 'venv', venv]);
    run(join(venv, 'bin', 'pip'), ['install', LITELLM_REQUIREMENT]);
  }
  writeFileSync(stamp, LITELLM_REQUIREMENT);
}

function buildPythonService() {
  const cli = join(root, 'packages', 'cli', 'dist', 'bin.js');
  if (!existsSync(cli)) run('npx', ['tsc', '-b'], { cwd: root });
  const project = join(here, '.build', 'python-service');
  const venv = join(here, '.build', 'python-venv');
  run(process.execPath, [
    cli,
    'build',
    join(here, 'workflows', 'bench-completion.json'),
    '--target',
    'python',
    '--out',
    project,
    '--force',
  ]);
  const uv = findUv();
  if (uv) {
    if (!existsSync(join(venv, 'bin', 'python'))) run(uv, ['venv', venv, '--python', '3']);
    run(uv, [
      'pip',
      'install',
      '--quiet',
      '--python',
      join(venv, 'bin', 'python'),
      '--reinstall-package',
      'catalyst-bench-completion',
      project,
    ]);
  } else {
    if (!existsSync(join(venv, 'bin', 'python'))) run('python3', ['-m', 'venv', venv]);
    run(join(venv, 'bin', 'pip'), [
      'install',
      '--quiet',
      '--force-reinstall',
      '--no-deps',
      project,
    ]);
    run(join(venv, 'bin', 'pip'), ['install', '--quiet', project]);
  }
}

/** Runs every step; `skip` names steps to leave out ('litellm', 'python'). */
export function setup({ skip = [] } = {}) {
  installNodeDependencies();
  const changed = patchHonoNodeServer();
  if (changed > 0) log(`patched @hono/node-server header handling in ${changed} files`);
  if (!skip.includes('litellm')) installLiteLlm();
  if (!skip.includes('python')) buildPythonService();
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) setup();
