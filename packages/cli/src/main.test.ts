import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSimulator, startSimulator } from '@catalyst/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandIo } from './io.js';
import { main } from './main.js';

const root = join(import.meta.dirname, '..', '..', '..');
let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
});
afterAll(async () => {
  await simulator.close();
});

async function catalyst(argv: string[], environment: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    environment: {
      ANTHROPIC_API_KEY: 'sk-ant-cli-test-000000',
      ANTHROPIC_BASE_URL: simulator.url,
      OPENAI_API_KEY: 'sk-cli-test-000000',
      OPENAI_BASE_URL: `${simulator.url}/v1`,
      GEMINI_API_KEY: 'AIzaCliTest000000',
      GEMINI_BASE_URL: simulator.url,
      GROQ_API_KEY: 'gsk_clitest000000',
      GROQ_BASE_URL: simulator.url,
      ...environment,
    },
    cwd: root,
    signal: new AbortController().signal,
  };
  const exitCode = await main(argv, io);
  return { exitCode, stdout, stderr };
}

describe('catalyst CLI', () => {
  it('chat streams the reply to stdout and usage and cost to stderr', async () => {
    const result = await catalyst([
      'chat',
      '--provider',
      'openai',
      '--model',
      'gpt-4.1-mini',
      'Hello CLI',
    ]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('Simulated reply from gpt-4.1-mini: you said "Hello CLI".\n');
    expect(result.stderr).toMatch(
      /openai gpt-4\.1-mini · stop · \d+ in \/ \d+ out tokens · \$0\.\d{6}/,
    );
  });

  it('chat --json prints one JSON event per line, ending with done', async () => {
    const result = await catalyst(['chat', '-p', 'anthropic', '--json', 'Hi']);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    expect(events.at(-1)?.type).toBe('done');
    expect(events.filter((event) => event.type === 'token').length).toBeGreaterThan(2);
  });

  it('chat reports a provider error as one line and exit code 1, without the key', async () => {
    const result = await catalyst([
      'chat',
      '-p',
      'openai',
      'x [[sim {"fault":{"type":"http","kind":"auth"}}]]',
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('error (auth): OpenAI rejected the credentials (HTTP 401)');
    expect(result.stderr).toContain('Set OPENAI_API_KEY');
    expect(result.stderr).not.toContain('sk-cli-test-000000');
  });

  it('chat names a retired model and its replacement', async () => {
    const result = await catalyst(['chat', '-p', 'groq', '-m', 'mixtral-8x7b-32768', 'hi']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('was retired');
    expect(result.stderr).toContain('llama-3.3-70b-versatile');
  });

  it('run streams a workflow and prints its output', async () => {
    const result = await catalyst(
      ['run', 'examples/chat.json', '--input', '{"question":"What is 2+2?"}'].map((part) =>
        part.startsWith('examples/') ? join(root, part) : part,
      ),
    );
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('you said "What is 2+2?"');
    expect(result.stdout).toContain('"answer":');
    expect(result.stderr).toContain('total cost: $');
  });

  it('run refuses an input that breaks the input schema', async () => {
    const result = await catalyst([
      'run',
      join(root, 'examples/chat.json'),
      '--input',
      '{"question":1}',
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('input/question: must be a string, not a number');
  });

  it('validate accepts the examples', async () => {
    const files = ['chat', 'chain', 'parallel', 'extraction', 'hello'].map((name) =>
      join(root, 'examples', `${name}.json`),
    );
    const result = await catalyst(['validate', ...files]);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout.match(/✓/g)).toHaveLength(5);
  });

  it('validate prints problems with their location and exits 1', async () => {
    const result = await catalyst([
      'validate',
      join(root, 'examples/broken/unknown-reference.json'),
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/unknown-reference\.json:\d+:\d+ /);
  });

  it('build refuses an invalid workflow with the messages of validate, and writes nothing', async () => {
    const file = join(root, 'examples/broken/unknown-reference.json');
    const out = mkdtempSync(join(tmpdir(), 'catalyst-build-'));
    const built = await catalyst(['build', file, '--target', 'python', '--out', out]);
    const validated = await catalyst(['validate', file]);
    expect(built.exitCode).toBe(1);
    expect(built.stderr).toContain(validated.stderr.trim());
    expect(built.stderr).toContain('nothing was built');
    expect(readdirSync(out)).toEqual([]);
  });

  it('build says at build time what a localCompletion service needs', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'catalyst-build-')), 'hello-service');
    const local = await catalyst([
      'build',
      join(root, 'examples/hello.json'),
      '--target',
      'python',
      '--out',
      out,
    ]);
    expect(local.exitCode).toBe(0);
    expect(local.stdout).toContain('CATALYST_LOCAL_BASE_URL=http://127.0.0.1:8080/v1');
    const other = join(mkdtempSync(join(tmpdir(), 'catalyst-build-')), 'chat-service');
    const chat = await catalyst([
      'build',
      join(root, 'examples/chat.json'),
      '--target',
      'python',
      '--out',
      other,
    ]);
    expect(chat.stdout).not.toContain('CATALYST_LOCAL_BASE_URL');
  });

  it('build writes a Python project and needs --target and --out', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'catalyst-build-')), 'chat-service');
    const result = await catalyst([
      'build',
      join(root, 'examples/chat.json'),
      '--target',
      'python',
      '--out',
      out,
    ]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('built workflow "chat"');
    for (const file of [
      'app/main.py',
      'app/workflow.py',
      'pyproject.toml',
      'Dockerfile',
      'tests/test_service.py',
    ]) {
      expect(existsSync(join(out, file))).toBe(true);
    }
    // A rebuild (forced or not) keeps the owner's files and says which of its own it removed.
    writeFileSync(join(out, 'app', 'custom.py'), 'ANSWER = 42\n');
    const forced = await catalyst([
      'build',
      join(root, 'examples/chat.json'),
      '--target',
      'python',
      '--out',
      out,
      '--force',
    ]);
    expect(forced.exitCode).toBe(0);
    expect(readFileSync(join(out, 'app', 'custom.py'), 'utf8')).toBe('ANSWER = 42\n');
    const rebuilt = await catalyst([
      'build',
      join(root, 'examples/embeddings.json'),
      '--target',
      'python',
      '--out',
      out,
    ]);
    expect(rebuilt.exitCode).toBe(0);
    // The embeddings workflow calls no Anthropic model: the Anthropic adapter goes.
    const removed = [...rebuilt.stdout.matchAll(/removed (\S+) \(no longer generated\)/g)].map(
      (match) => match[1] ?? '',
    );
    expect(removed.some((path) => /^catalyst_runtime\/.*anthropic.*\.py$/.test(path))).toBe(true);
    for (const path of removed) expect(existsSync(join(out, path))).toBe(false);
    expect(readFileSync(join(out, 'app', 'custom.py'), 'utf8')).toBe('ANSWER = 42\n');
    expect(
      (await catalyst(['build', join(root, 'examples/chat.json'), '--out', out])).stderr,
    ).toContain('--target python');
    expect(
      (await catalyst(['build', join(root, 'examples/chat.json'), '--target', 'go', '--out', out]))
        .exitCode,
    ).toBe(2);
  });

  it('answers a bad command line with exit code 2 and a hint', async () => {
    const result = await catalyst(['chat']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('catalyst chat: chat needs a prompt');
    expect((await catalyst(['nonsense'])).exitCode).toBe(2);
    expect((await catalyst(['run', 'a.json', '--bogus'])).stderr).toContain(
      "Unknown option '--bogus'",
    );
  });

  it('models lists the catalog with status, end-of-life dates and the data versions', async () => {
    const result = await catalyst(['models', '--provider', 'anthropic']);
    expect(result.stdout).toContain('claude-sonnet-4-6');
    expect(result.stdout).not.toContain('claude-3-sonnet-20240229');
    expect(result.stdout).toMatch(
      /claude-sonnet-4-5 .* deprecated, end of life 2026-11-30; use claude-sonnet-4-6/,
    );
    expect(result.stdout).toMatch(/claude-haiku-4-5 .* \$1 .* \$0\.1 .* \$1\.25 .* \$5 .* current/);
    expect(result.stdout).toMatch(/@pydantic\/genai-prices \d+\.\d+\.\d+/);
    const retired = await catalyst(['models', '--provider', 'anthropic', '--retired']);
    expect(retired.stdout).toMatch(
      /claude-3-sonnet-20240229 .* retired 2025-07-21; use claude-sonnet-4-6/,
    );
  });

  it('studio refuses a non-loopback host: it writes files and has no login', async () => {
    const result = await catalyst(['studio', 'examples', '--host', '0.0.0.0', '--no-simulator']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('serve it on a loopback host');
  });

  it('serve reads the gateway file from CATALYST_GATEWAY_FILE, and --gateway overrides it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'catalyst-gateway-'));
    const broken = join(directory, 'broken.yaml');
    writeFileSync(broken, 'routes:\n  broken:\n    default: []\n');
    const fromVariable = await catalyst(['serve', 'examples/chat.json', '--port', '0'], {
      CATALYST_GATEWAY_FILE: broken,
    });
    expect(fromVariable.exitCode).toBe(1);
    expect(fromVariable.stderr).toContain(`${broken}: routes.broken: `);
    const missing = await catalyst(
      ['serve', 'examples/chat.json', '--port', '0', '--gateway', join(directory, 'none.yaml')],
      { CATALYST_GATEWAY_FILE: broken },
    );
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('--gateway: cannot read');
    const unreadable = await catalyst(['serve', 'examples/chat.json', '--port', '0'], {
      CATALYST_GATEWAY_FILE: join(directory, 'none.yaml'),
    });
    expect(unreadable.stderr).toContain('CATALYST_GATEWAY_FILE: cannot read');
  });
});
