import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';

// Every package README's example is a real file under packages/<name>/examples/, shown verbatim
// in the README and run here, so the documentation cannot drift from code that works.

const packagesDirectory = fileURLToPath(new URL('../../', import.meta.url));

/** What each example must print (a line it prints, in order). */
const EXPECTED: Record<string, RegExp[]> = {
  'spec/examples/describe-stream.ts': [/^token "Hello"$/, /^token " world"$/, /^error network:/],
  'providers/examples/stream-completion.ts': [/Simulated reply/, /^\d+ in, \d+ out, \$\d/],
  'workflow/examples/validate-file.ts': [/chat\.json:7:\d+ .*promt/, /^1 problem\(s\)$/],
  'simulator/examples/openai-sdk.ts': [
    /^Simulated reply from gpt-4o: you said "Hello"\.$/,
    /^1 request logged$/,
  ],
  'runtime/examples/serve-in-process.ts': [
    /^200 text\/event-stream/,
    /^event: token$/,
    /^event: done$/,
  ],
};

function examples(): string[] {
  const found: string[] = [];
  for (const name of readdirSync(packagesDirectory).sort()) {
    const directory = join(packagesDirectory, name, 'examples');
    let files: string[];
    try {
      files = readdirSync(directory);
    } catch {
      continue;
    }
    for (const file of files.filter((file) => file.endsWith('.ts')).sort()) {
      found.push(`${name}/examples/${file}`);
    }
  }
  return found;
}

describe('package README examples', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('every example has an expectation here', () => {
    expect(examples()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const example of examples()) {
    const packageName = example.split('/')[0] ?? '';
    it(`${example} is shown verbatim in packages/${packageName}/README.md`, () => {
      const readme = readFileSync(join(packagesDirectory, packageName, 'README.md'), 'utf8');
      const code = readFileSync(join(packagesDirectory, example), 'utf8');
      expect(readme).toContain(`\`\`\`ts\n${code}\`\`\``);
    });

    it(`${example} runs and prints what its README says`, async () => {
      const printed: string[] = [];
      vi.spyOn(console, 'log').mockImplementation((...values: unknown[]) => {
        printed.push(...values.map(String).join(' ').split('\n'));
      });
      await import(join(packagesDirectory, example));
      let from = 0;
      for (const pattern of EXPECTED[example] ?? []) {
        const index = printed.findIndex((line, position) => position >= from && pattern.test(line));
        expect(index, `${pattern} in:\n${printed.join('\n')}`).toBeGreaterThanOrEqual(0);
        from = index + 1;
      }
    });
  }
});

/** Splits a shell line into words: plain words and single-quoted strings, as the README uses. */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? '');
}

describe('the CLI README example', () => {
  it('runs each command of its shell block and each succeeds', async () => {
    const readme = readFileSync(join(packagesDirectory, 'cli', 'README.md'), 'utf8');
    const block = /```bash\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const lines = block.split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(2);
    const { startSimulator } = await import('@catalyst/simulator');
    const { main } = await import('./main.js');
    const simulator = await startSimulator({ port: 0 });
    try {
      for (const line of lines) {
        // The README starts the simulator in the background; the test already has one running.
        if (line.includes('catalyst simulate')) continue;
        const words = shellWords(line.replaceAll('http://127.0.0.1:8787', simulator.url));
        const environment: Record<string, string> = {};
        while (words[0]?.includes('=')) {
          const [name, ...value] = (words.shift() ?? '').split('=');
          environment[name ?? ''] = value.join('=');
        }
        expect(words.shift()).toBe('catalyst');
        let output = '';
        const exitCode = await main(words, {
          stdout: { write: (text: string) => (output += text) },
          stderr: { write: (text: string) => (output += text) },
          environment,
          cwd: fileURLToPath(new URL('../../../', import.meta.url)),
          signal: new AbortController().signal,
        });
        expect(exitCode, `${line}\n${output}`).toBe(0);
      }
    } finally {
      await simulator.close();
    }
  });
});
