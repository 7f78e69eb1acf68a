import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { WorkflowDefinition } from '@catalyst/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILD_MARKER, type BuildRecord, generatePythonProject } from './generate-project.js';
import { projectNeeds } from './project-needs.js';
import { loadRuntimeSources } from './runtime-sources.js';
import { ProjectDirectoryError, writeProject } from './write-project.js';

const REPOSITORY = join(import.meta.dirname, '..', '..', '..');
const VENV_PYTHON = join(REPOSITORY, '.venv', 'bin', 'python');
const PWNED = join(tmpdir(), 'catalyst-codegen-pwned');
const runtime = loadRuntimeSources();
const directories: string[] = [];

afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function build(workflow: WorkflowDefinition): string {
  const directory = mkdtempSync(join(tmpdir(), 'catalyst-codegen-'));
  directories.push(directory);
  writeProject(
    generatePythonProject(workflow, { runtime, sourceName: 'hostile "flow".json' }),
    directory,
    {
      force: true,
    },
  );
  return directory;
}

// Every kind of string that has broken a code generator somewhere.
const NASTY = [
  `"'""" ''' \\ \\" {x} {{ input.q }} %s`,
  `"); __import__('os').system('touch ${PWNED}'); ("`,
  `'''); __import__('os').system('touch ${PWNED}') #`,
  'line\nbreak\r\nand\ttab\u0000nul\u0007bell\u001besc\u007fdel',
  '\u202ebidi\u202c \u2028 \u2029 \ufeff \u200b',
  'café 日本語 🚀 \ud800 lone',
  `${'very long '.repeat(300)}end`,
  '# not a comment',
  '\\',
];

function hostileWorkflow(): WorkflowDefinition {
  const ids = [
    'input',
    'class',
    'None',
    '__import__',
    'lambda x: x',
    '1"; import os #',
    'WORKFLOW',
    'Edge',
  ];
  return {
    id: 'hostile-flow',
    name: NASTY.join(' | '),
    description: NASTY.join('\n'),
    input: {
      type: 'object',
      description: NASTY[0],
      properties: Object.fromEntries(
        NASTY.map((text, index) => [text, { type: 'string', description: NASTY[index] }]),
      ),
    },
    env: ['USE_FAST', 'A"B', 'new\nline'],
    nodes: [
      ...ids.map((id, index) => ({
        id,
        type: index === 0 ? 'input' : 'promptTemplate',
        name: NASTY[index % NASTY.length],
        config: {
          system: NASTY[(index + 1) % NASTY.length] ?? '',
          messages: NASTY.map((content) => ({ role: 'user', content })),
          [NASTY[index % NASTY.length] ?? 'k']: { nested: [1.5, 2 ** 60, -0, 1e21, true, null] },
        },
      })),
      {
        id: NASTY[1] ?? 'x',
        type: 'anthropicCompletion',
        config: { model: NASTY[0] ?? 'm', prompt: NASTY[2] ?? '' },
      },
      { id: 'output', type: 'output' },
    ],
    edges: [
      ...ids.slice(1).map((id) => ({ from: 'input', to: id })),
      { from: 'class', to: NASTY[1] ?? 'x' },
      {
        from: NASTY[1] ?? 'x',
        fromHandle: NASTY[3] ?? 'h',
        to: 'output',
        toHandle: NASTY[4] ?? 'h',
      },
    ],
  } as WorkflowDefinition;
}

describe('app/workflow.py with typed configs', () => {
  it('lets mypy catch a misspelt config field or a wrong value type in a hand edit', () => {
    const directory = build(
      JSON.parse(
        readFileSync(join(REPOSITORY, 'examples', 'chat.json'), 'utf8'),
      ) as WorkflowDefinition,
    );
    const path = join(directory, 'app', 'workflow.py');
    const generated = readFileSync(path, 'utf8');
    expect(generated).toContain('config=AnthropicCompletionConfig(');
    const mypy = (source: string) => {
      writeFileSync(path, source);
      try {
        execFileSync(
          VENV_PYTHON,
          ['-m', 'mypy', '--strict', '--no-incremental', 'app/workflow.py'],
          {
            cwd: directory,
            encoding: 'utf8',
          },
        );
        return 'clean';
      } catch (error) {
        return String((error as { stdout?: string }).stdout);
      }
    };
    expect(mypy(generated)).toBe('clean');
    expect(
      mypy(generated.replace('maxTokens=1024,', 'maxTokens=1024,\n        promt="x",')),
    ).toContain('Extra key "promt" for TypedDict "AnthropicCompletionConfig"');
    expect(mypy(generated.replace('maxTokens=1024,', 'maxTokens="many",'))).toContain(
      'Incompatible types (expression has type "str", TypedDict item "maxTokens" has type "int")',
    );
  });
});

describe('generatePythonProject with hostile input', () => {
  it('always compiles, never runs input, and holds every string exactly', () => {
    const workflow = hostileWorkflow();
    const directory = build(workflow);
    // Compiles every generated and copied file.
    execFileSync('python3', ['-m', 'compileall', '-q', 'app', 'tests', 'catalyst_runtime'], {
      cwd: directory,
    });
    // Importing the graph rebuilds the workflow exactly (JSON bytes as JavaScript writes them).
    const dumped = execFileSync(
      VENV_PYTHON,
      [
        '-c',
        'import sys; from app.workflow import WORKFLOW; from catalyst_runtime.javascript import json_text; sys.stdout.write(json_text.dumps(WORKFLOW.to_dict()).decode())',
      ],
      { cwd: directory, encoding: 'utf8' },
    );
    expect(dumped).toBe(JSON.stringify(workflow));
    expect(existsSync(PWNED)).toBe(false);
    // The TOML and the lint rules hold too.
    const description = execFileSync(
      VENV_PYTHON,
      [
        '-c',
        'import sys, tomllib; sys.stdout.write(tomllib.load(open("pyproject.toml", "rb"))["project"]["description"])',
      ],
      { cwd: directory, encoding: 'utf8' },
    );
    expect(description).toBe(workflow.name.replace('\ud800', '\ufffd'));
    // Laid out as ruff formats it: no reformatting, no lint finding, in every file of the project.
    const ruff = join(REPOSITORY, '.venv', 'bin', 'ruff');
    execFileSync(ruff, ['check', '--quiet', '--no-cache', '.'], { cwd: directory });
    execFileSync(ruff, ['format', '--check', '--quiet', '--no-cache', '.'], { cwd: directory });
  });

  it('keeps user text out of the Dockerfile and makes README text inert', () => {
    const workflow = hostileWorkflow();
    const files = generatePythonProject(workflow, { runtime, sourceName: 'flow.json' });
    const text = (path: string) => files.find((file) => file.path === path)?.content ?? '';
    expect(text('Dockerfile')).not.toContain('hostile');
    expect(text('README.md')).not.toMatch(/<[a-z]/i);
    expect(text('README.md').split('\n')[0]).toMatch(/^# /);
    expect(text('.env.example')).toContain('USE_FAST=');
    expect(text('.env.example')).not.toContain('A"B');
  });
});

describe('a localCompletion service', () => {
  const local: WorkflowDefinition = {
    id: 'local',
    name: 'Local',
    input: { type: 'object', properties: { question: { type: 'string' } } },
    nodes: [
      { id: 'input', type: 'input' },
      { id: 'answer', type: 'localCompletion', config: { prompt: '{{ input.question }}' } },
      { id: 'output', type: 'output' },
    ],
    edges: [
      { from: 'input', to: 'answer' },
      { from: 'answer', to: 'output' },
    ],
  };
  const files = generatePythonProject(local, { runtime, sourceName: 'local.json' });
  const text = (path: string) => files.find((file) => file.path === path)?.content ?? '';

  it('lists the required base URL in .env.example, not commented out, and the key as optional', () => {
    const lines = text('.env.example').split('\n');
    expect(lines).toContain('CATALYST_LOCAL_BASE_URL=http://127.0.0.1:8080/v1');
    expect(lines).toContain('# CATALYST_LOCAL_API_KEY=');
    expect(lines).toContain('# CATALYST_GATEWAY_FILE=gateway.yaml');
  });

  it('documents what the service needs and how it behaves in production', () => {
    const readme = text('README.md');
    expect(readme).not.toMatch(/no network/i);
    expect(readme).toContain('`CATALYST_LOCAL_BASE_URL`');
    for (const name of [
      'CATALYST_FIRST_TOKEN_TIMEOUT_MS',
      'CATALYST_IDLE_TIMEOUT_MS',
      'CATALYST_MAX_BODY_BYTES',
      'CATALYST_API_KEYS',
      'CATALYST_CORS_ORIGINS',
      'CATALYST_LOG_LEVEL',
      'CATALYST_SHUTDOWN_GRACE_MS',
      'CATALYST_GATEWAY_FILE',
    ]) {
      expect(readme).toContain(`\`${name}\``);
    }
  });
});

describe('generatePythonProject', () => {
  const chat = JSON.parse(
    readFileSync(join(REPOSITORY, 'examples', 'chat.json'), 'utf8'),
  ) as WorkflowDefinition;

  it('depends only on the SDKs of the providers the workflow calls', () => {
    const files = generatePythonProject(chat, { runtime, sourceName: 'chat.json' });
    const pyproject = files.find((file) => file.path === 'pyproject.toml')?.content ?? '';
    expect(pyproject).toMatch(/"anthropic[><=]/);
    expect(pyproject).not.toMatch(/"openai[><=]|"groq[><=]|"google-genai[><=]/);
    const runtimeFiles = files
      .map((file) => file.path)
      .filter((path) => path.startsWith('catalyst_runtime/'));
    expect(runtimeFiles).toContain('catalyst_runtime/providers/anthropic/anthropic_provider.py');
    expect(runtimeFiles).toContain('catalyst_runtime/providers/anthropic/__init__.py');
    expect(runtimeFiles).not.toContain('catalyst_runtime/providers/gemini/gemini_provider.py');
    expect(runtimeFiles.some((path) => path.includes('openai_compatible'))).toBe(false);
    expect(runtimeFiles).toContain('catalyst_runtime/server/create_app.py');
    // The runtime's own tests and fixtures are not part of a service.
    expect(
      runtimeFiles.filter((path) => /\/(test_[^/]*|conftest)\.py$|__fixtures__/.test(path)),
    ).toEqual([]);
    expect(runtimeFiles).toContain('catalyst_runtime/model-catalog.json');
    expect(runtimeFiles).toContain('catalyst_runtime/node-manifest.json');
    expect(runtimeFiles).toContain('catalyst_runtime/node_configs.py');
  });

  it('finds providers named in node settings and every provider behind an expression', () => {
    const base = { id: 'w', name: 'W', input: {}, edges: [] };
    expect(
      projectNeeds({ ...base, nodes: [{ id: 'a', type: 'groqCompletion' }] }).providers,
    ).toEqual(['groq']);
    const routed = projectNeeds({
      ...base,
      nodes: [
        {
          id: 'a',
          type: 'input',
          config: { targets: [{ provider: 'gemini' }, { provider: '{{ env.P }}' }] },
        },
      ],
    });
    expect(routed.providers.length).toBeGreaterThan(5);
  });
});

describe('what a project carries', () => {
  const chat = JSON.parse(
    readFileSync(join(REPOSITORY, 'examples', 'chat.json'), 'utf8'),
  ) as WorkflowDefinition;
  const files = generatePythonProject(chat, { runtime, sourceName: 'chat.json' });
  const text = (path: string) => files.find((file) => file.path === path)?.content;

  it('copies the service templates as they are and generates only the data they read', () => {
    for (const path of ['app/main.py', 'tests/test_service.py', 'Dockerfile', '.gitignore']) {
      const template = readFileSync(
        join(REPOSITORY, 'python', 'templates', 'service', path),
        'utf8',
      );
      expect([path, text(path)]).toEqual([path, template]);
    }
    expect(JSON.parse(text('tests/sample.json') ?? '')).toEqual({
      input: { question: 'example' },
      modelNodes: ['answer'],
    });
  });

  it('marks copied runtime modules with the Catalyst version and the runtime hash, as the build record does', () => {
    const record = JSON.parse(text(BUILD_MARKER) ?? '') as BuildRecord;
    expect(record.catalystVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(record.runtimeSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(record.files).toEqual(
      files
        .map((file) => file.path)
        .filter((path) => path !== BUILD_MARKER)
        .sort(),
    );
    const modules = files.filter((file) => /^catalyst_runtime\/.*\.py$/.test(file.path));
    expect(modules.length).toBeGreaterThan(10);
    for (const module of modules) {
      const header = module.content.split('\n').slice(0, 2).join('\n');
      expect(header).toContain(`Catalyst ${record.catalystVersion}`);
      expect(header).toContain(`sha256:${record.runtimeSha256.slice(0, 16)}`);
      expect(module.content.slice(header.length + 1)).toBe(
        runtime.files.get(module.path.slice('catalyst_runtime/'.length)),
      );
    }
    // Another runtime is another hash.
    const changed = { ...runtime, files: new Map([...runtime.files, ['extra.py', '']]) };
    const other = generatePythonProject(chat, { runtime: changed, sourceName: 'chat.json' });
    const otherRecord = JSON.parse(
      other.find((file) => file.path === BUILD_MARKER)?.content ?? '',
    ) as BuildRecord;
    expect(otherRecord.runtimeSha256).not.toBe(record.runtimeSha256);
  });

  it('points a service owner at no TypeScript file they do not have', () => {
    for (const file of files) {
      expect([file.path, file.content.match(/packages\/|\b[\w.-]+\.ts\b/g)]).toEqual([
        file.path,
        null,
      ]);
    }
  });
});

describe('writeProject', () => {
  it('replaces its own earlier output but refuses a directory it did not write', () => {
    const directory = mkdtempSync(join(tmpdir(), 'catalyst-codegen-'));
    directories.push(directory);
    writeFileSync(join(directory, 'notes.txt'), 'mine');
    const files = [
      { path: BUILD_MARKER, content: '{"generator":"catalyst build --target python"}' },
    ];
    expect(() => writeProject(files, directory)).toThrow(ProjectDirectoryError);
    writeProject(files, directory, { force: true });
    writeProject([...files, { path: 'app/x.py', content: '' }], directory);
    expect(existsSync(join(directory, 'app', 'x.py'))).toBe(true);
    expect(() => writeProject([{ path: '../escape.py', content: '' }], directory)).toThrow(
      /outside/,
    );
  });

  it('on a rebuild removes only the files it wrote and no longer writes, never a file someone added', () => {
    const directory = mkdtempSync(join(tmpdir(), 'catalyst-codegen-'));
    directories.push(directory);
    const gemini = {
      id: 'ask',
      name: 'Ask',
      input: { type: 'object' },
      nodes: [
        { id: 'input', type: 'input' },
        { id: 'answer', type: 'geminiCompletion', config: { prompt: 'hi' } },
      ],
      edges: [{ from: 'input', to: 'answer' }],
    } as WorkflowDefinition;
    const anthropic = {
      ...gemini,
      nodes: [
        gemini.nodes[0],
        { id: 'answer', type: 'anthropicCompletion', config: { prompt: 'hi' } },
      ],
    } as WorkflowDefinition;
    writeProject(generatePythonProject(gemini, { runtime, sourceName: 'ask.json' }), directory);
    const geminiAdapter = join(directory, 'catalyst_runtime', 'providers', 'gemini');
    expect(existsSync(join(geminiAdapter, 'gemini_provider.py'))).toBe(true);
    // The owner's own files, beside and inside the generated folders.
    const own = [
      'app/custom.py',
      'tests/test_custom.py',
      'catalyst_runtime/local_patch.py',
      'notes/plan.md',
      '.env',
    ];
    for (const path of own) {
      mkdirSync(dirname(join(directory, path)), { recursive: true });
      writeFileSync(join(directory, path), `# mine: ${path}\n`);
    }
    writeFileSync(join(directory, 'app', 'main.py'), '# edited by hand\n');

    const { removed } = writeProject(
      generatePythonProject(anthropic, { runtime, sourceName: 'ask.json' }),
      directory,
    );

    expect(removed).toEqual([
      'catalyst_runtime/providers/gemini/__init__.py',
      'catalyst_runtime/providers/gemini/embed_with_gemini.py',
      'catalyst_runtime/providers/gemini/gemini_provider.py',
    ]);
    // Its folder goes too, once nothing of the owner's is left in it.
    expect(existsSync(geminiAdapter)).toBe(false);
    expect(
      existsSync(
        join(directory, 'catalyst_runtime', 'providers', 'anthropic', 'anthropic_provider.py'),
      ),
    ).toBe(true);
    for (const path of own)
      expect([path, readFileSync(join(directory, path), 'utf8')]).toEqual([
        path,
        `# mine: ${path}\n`,
      ]);
    // A file the build writes is the build's: it is replaced.
    expect(readFileSync(join(directory, 'app', 'main.py'), 'utf8')).not.toContain('by hand');
  });

  it('never removes what a tampered build record names outside the project', () => {
    const directory = mkdtempSync(join(tmpdir(), 'catalyst-codegen-'));
    const outside = mkdtempSync(join(tmpdir(), 'catalyst-codegen-outside-'));
    directories.push(directory, outside);
    writeFileSync(join(outside, 'keep.txt'), 'keep');
    const record = {
      generator: 'catalyst build --target python',
      files: [join('..', basename(outside), 'keep.txt'), join(outside, 'keep.txt'), 'app'],
    };
    mkdirSync(join(directory, 'app'));
    writeFileSync(join(directory, BUILD_MARKER), JSON.stringify(record));
    writeProject([{ path: 'README.md', content: '' }], directory);
    expect(readFileSync(join(outside, 'keep.txt'), 'utf8')).toBe('keep');
    expect(existsSync(join(directory, 'app'))).toBe(true);
  });
});
