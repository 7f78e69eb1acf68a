import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveLocalModelPath } from '@catalyst/providers/local';
import { unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../runtime/src/testing/launch-chromium.js';

// End to end, as a person uses it: `catalyst studio` on an empty directory, Debian's Chromium
// (scripts/setup-chromium.sh; never a downloaded browser) driving the built app.

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const STUDIO_BUILD = join(root, 'packages/studio/dist/index.html');
const CLI = join(root, 'packages/cli/bin/catalyst.mjs');
const RUFF = join(root, '.venv/bin/ruff');
// The repository's venv holds every dependency a generated project declares (scripts/test-python.sh).
const PYTHON = join(root, '.venv/bin/python');
const LOCAL_MODEL = resolveLocalModelPath();
// In CI the setup script installs the model first, so a missing model there fails, not skips.
const runLocalModel = existsSync(LOCAL_MODEL) || Boolean(process.env.CI);
if (!runLocalModel) {
  console.warn(
    `Skipping the studio's local-model run: no model at ${LOCAL_MODEL}. Run \`npm run setup:local-model\`.`,
  );
}
// Set to a directory (e.g. docs) to write the README's screenshots while the test runs.
const SCREENSHOTS = process.env.CATALYST_STUDIO_SCREENSHOTS;

let directory: string;
let studio: ChildProcess;
let studioUrl: string;
let simulatorUrl: string;
let browser: Browser;
let page: Page;

function startStudio(): Promise<void> {
  return new Promise((resolve, reject) => {
    studio = spawn(process.execPath, [CLI, 'studio', directory, '--port', '0'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      // No provider keys: the simulator is what a person without keys runs against. The embedded
      // local model is the one file looked up outside the directory (HOME is the temp dir).
      env: { PATH: process.env.PATH ?? '', HOME: directory, CATALYST_LOCAL_MODEL: LOCAL_MODEL },
    });
    let output = '';
    studio.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const studioMatch = /Catalyst Studio on (http:\/\/\S+?)\/\s/.exec(output);
      const simulatorMatch = /provider simulator on (http:\/\/\S+)/.exec(output);
      if (studioMatch?.[1] && simulatorMatch?.[1]) {
        studioUrl = studioMatch[1];
        simulatorUrl = simulatorMatch[1];
        resolve();
      }
    });
    studio.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    studio.once('exit', (code) => reject(new Error(`catalyst studio exited (${code}): ${output}`)));
  });
}

/**
 * Draws an edge by dragging from one node's output handle to another's input, and waits until
 * the canvas shows it. On a loaded machine a drag can start while the canvas is still settling
 * (fit-view animates) and end nowhere; then it is dragged once more — an edge the canvas never
 * draws still fails the test.
 */
async function connect(from: string, to: string, fromHandle = 'output'): Promise<void> {
  const edges = page.locator('.react-flow__edge');
  const before = await edges.count();
  const drag = () =>
    page
      .locator(`[data-testid=node-${from}] .react-flow__handle.source[data-handleid=${fromHandle}]`)
      .dragTo(page.locator(`[data-testid=node-${to}] .react-flow__handle.target`));
  await drag();
  const drawn = () => expect.poll(() => edges.count(), { timeout: 3_000 }).toBe(before + 1);
  try {
    await drawn();
  } catch {
    await drag();
    await drawn();
  }
}

async function selectNode(id: string): Promise<void> {
  await page.locator(`[data-testid=node-${id}] .flow-node-header`).click();
  await page.locator(`[aria-label="Settings of node ${id}"]`).waitFor();
}

async function simulatorRequests(): Promise<
  { path: string; clientClosedEarly: boolean; finished: boolean }[]
> {
  const response = await fetch(`${simulatorUrl}/_sim/requests`);
  const body = (await response.json()) as
    | { requests: { path: string; clientClosedEarly: boolean; finished: boolean }[] }
    | { path: string; clientClosedEarly: boolean; finished: boolean }[];
  return Array.isArray(body) ? body : body.requests;
}

/** axe-core's violations of any impact (minor included) on the page as it is now. */
async function axeViolations(): Promise<string[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) {
    const axeSource = readFileSync(
      createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
      'utf8',
    );
    await page.addScriptTag({ content: axeSource });
  }
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: () => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run();
    return result.violations.map(
      (violation) => `${violation.id} ${violation.impact} (${violation.nodes.length})`,
    );
  });
}

/** The names in the open completion list of a template field. */
async function completionOptions(field: string): Promise<string[]> {
  const list = page.locator(`#${field}__completions`);
  await list.waitFor();
  return list.locator('[role=option] code').allTextContents();
}

beforeAll(async () => {
  if (!existsSync(STUDIO_BUILD)) {
    throw new Error(`the studio is not built: run "npm run build" (npm run setup does)`);
  }
  directory = mkdtempSync(join(tmpdir(), 'catalyst-studio-'));
  await startStudio();
  browser = await launchChromium();
  const context = await browser.newContext({
    viewport: { width: 1400, height: 860 },
    acceptDownloads: true,
  });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
});

afterAll(async () => {
  await browser?.close();
  studio?.kill('SIGINT');
  if (directory) rmSync(directory, { recursive: true, force: true });
});

describe('catalyst studio, end to end in Chromium', () => {
  it('builds input → prompt template → Claude → output from empty, with live validation', async () => {
    await page.goto(`${studioUrl}/`);
    await page.fill('#new-name', 'flow');
    await page.click('[data-testid=create]');
    await page.locator('.react-flow').waitFor();

    // Add by click, and by keyboard (focus + Enter), as the palette promises.
    await page.click('[data-testid=palette-input]');
    await page.click('[data-testid=palette-promptTemplate]');
    await page.focus('[data-testid=palette-anthropicCompletion]');
    await page.keyboard.press('Enter');
    await page.click('[data-testid=palette-output]');
    for (const id of ['input', 'prompt_template', 'claude', 'output']) {
      await page.locator(`[data-testid=node-${id}]`).waitFor();
    }
    await page.click('[aria-label="Workflow canvas"] .react-flow__controls-fitview');

    await connect('input', 'prompt_template');
    await connect('prompt_template', 'claude');
    await connect('claude', 'output');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(3);

    // The template has no messages: the validator's message appears on that field.
    await selectNode('prompt_template');
    const messagesError = page.locator('#root_messages__error');
    await expect.poll(() => messagesError.textContent()).toContain('is required');
    await page.click('[aria-label="Settings of node prompt_template"] .btn-add');
    await page.selectOption('#root_messages_0_role', 'user');
    // Completion as you type: `{{ inp` lists input.question under the caret; Enter takes it.
    const content = page.locator('#root_messages_0_content');
    await content.click();
    await page.keyboard.type('{{ inp');
    expect(await completionOptions('root_messages_0_content')).toEqual(['input.question']);
    expect(await content.getAttribute('aria-haspopup')).toBe('listbox');
    expect(await page.locator('#root_messages_0_content__completions').isVisible()).toBe(true);
    expect(await content.getAttribute('aria-activedescendant')).toBe(
      'root_messages_0_content__completions_0',
    );
    // The half-typed hole is a syntax problem on this field until the completion closes it.
    await expect
      .poll(() => page.textContent('#root_messages_0_content__error'))
      .toContain('unterminated expression');
    expect(await axeViolations()).toEqual([]);
    await page.keyboard.press('Enter');
    await expect.poll(() => content.inputValue()).toBe('{{ input.question }}');
    expect(await page.locator('#root_messages_0_content__completions').isHidden()).toBe(true);
    expect(await content.getAttribute('aria-activedescendant')).toBeNull();
    await expect.poll(() => messagesError.count()).toBe(0);
    await expect.poll(() => page.locator('#root_messages_0_content__error').count()).toBe(0);
    await expect.poll(() => page.textContent('[data-testid=problem-count]')).toContain('0 errors');
    await expect
      .poll(() => page.locator('[data-testid=node-prompt_template] .badge-error').count())
      .toBe(0);

    // Claude's prompt offers its upstream nodes only (not output), then that node's fields.
    await selectNode('claude');
    const prompt = page.locator('#root_prompt');
    await prompt.click();
    await page.keyboard.type('{{ nodes.');
    expect(await completionOptions('root_prompt')).toEqual([
      'nodes.input',
      'nodes.prompt_template',
    ]);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    expect(await prompt.getAttribute('aria-activedescendant')).toBe('root_prompt__completions_1');
    await page.keyboard.press('Tab');
    await expect.poll(() => prompt.inputValue()).toBe('{{ nodes.prompt_template');
    await page.keyboard.type('.');
    await expect
      .poll(() => completionOptions('root_prompt'))
      .toEqual([
        'nodes.prompt_template.text',
        'nodes.prompt_template.messages',
        'nodes.prompt_template.system',
      ]);
    await page.keyboard.type('te');
    await expect
      .poll(() => completionOptions('root_prompt'))
      .toEqual(['nodes.prompt_template.text']);
    await page.keyboard.press('Escape');
    expect(await page.locator('#root_prompt__completions').isHidden()).toBe(true);
    await page.keyboard.press('Control+Space');
    await page.keyboard.press('Enter');
    await expect.poll(() => prompt.inputValue()).toBe('{{ nodes.prompt_template.text }}');

    // A bad reference in Claude's prompt shows on the prompt field, then clears when fixed.
    await page.fill('#root_prompt', 'Answer: {{ nodes.nope.text }}');
    await expect
      .poll(() => page.textContent('#root_prompt__error'))
      .toContain('unknown node "nope"');
    await expect.poll(() => page.locator('[data-testid=node-claude] .badge-error').count()).toBe(1);
    await page.fill('#root_prompt', '');
    await expect.poll(() => page.locator('#root_prompt__error').count()).toBe(0);
    await expect.poll(() => page.textContent('[data-testid=problem-count]')).toContain('0 errors');
    if (SCREENSHOTS) await page.screenshot({ path: join(root, SCREENSHOTS, 'studio-editor.png') });

    // axe-core: no accessibility violations on the editor, minor ones included.
    expect(await axeViolations()).toEqual([]);
  });

  it('runs against the simulator with tokens arriving one at a time before the end', async () => {
    await page.click('[data-testid=tab-run]');
    await page.fill('#input_question', 'Tell me [[sim {"timing":{"tokenDelayMs":40}}]]');
    // Record every change of the transcript with its time, from inside the page.
    await page.evaluate(() => {
      const transcript = document.querySelector('[data-testid=transcript]') as HTMLElement;
      const phase = document.querySelector('[data-testid=run-phase]') as HTMLElement;
      const record = { lengths: [] as [number, number][], doneAt: 0 };
      (window as unknown as { record: typeof record }).record = record;
      new MutationObserver(() => {
        record.lengths.push([performance.now(), transcript.textContent?.length ?? 0]);
      }).observe(transcript, { characterData: true, subtree: true, childList: true });
      new MutationObserver(() => {
        if (phase.textContent === 'done' && record.doneAt === 0) record.doneAt = performance.now();
      }).observe(phase, { characterData: true, subtree: true, childList: true });
    });
    await page.click('[data-testid=run]');
    if (SCREENSHOTS) {
      // Half-way through the reply, so the picture shows a run in progress.
      await page.waitForFunction(
        () => (document.querySelector('[data-testid=transcript]')?.textContent?.length ?? 0) > 30,
      );
      await page.screenshot({ path: join(root, SCREENSHOTS, 'studio-run.png') });
    }
    await expect
      .poll(() => page.textContent('[data-testid=run-phase]'), { timeout: 15_000 })
      .toBe('done');
    const transcript = await page.textContent('[data-testid=transcript]');
    expect(transcript).toBe('Simulated reply from claude-haiku-4-5: you said "Tell me".');
    const record = await page.evaluate(
      () =>
        (window as unknown as { record: { lengths: [number, number][]; doneAt: number } }).record,
    );
    const growth = record.lengths.filter(
      ([, length], index) => index === 0 || length > (record.lengths[index - 1]?.[1] ?? 0),
    );
    // ~14 tokens 40 ms apart: many small steps, the first well before the run finished.
    expect(growth.length).toBeGreaterThanOrEqual(8);
    const [firstAt] = growth[0] ?? [0];
    expect(record.doneAt - firstAt).toBeGreaterThan(200);
    const steps = growth.map(([, length], index) => length - (growth[index - 1]?.[1] ?? 0));
    // Most frames add one token (about 4 characters); a busy machine may merge a few.
    const sortedSteps = [...steps].sort((left, right) => left - right);
    expect(sortedSteps[Math.floor(sortedSteps.length / 2)]).toBeLessThanOrEqual(6);
    await expect.poll(() => page.textContent('[data-testid=status-claude]')).toBe('finished');
    expect(await page.textContent('[data-testid=usage]')).toContain('anthropic/claude-haiku-4-5');
  });

  it('Stop aborts a slow run and the upstream request closes', async () => {
    const before = (await simulatorRequests()).length;
    await page.fill(
      '#input_question',
      'Slow [[sim {"reply":{"text":"one two three four five six seven eight nine ten eleven twelve"},"timing":{"tokenDelayMs":400}}]]',
    );
    await page.click('[data-testid=run]');
    await expect.poll(() => page.textContent('[data-testid=token-count]')).not.toBe('0 tokens');
    await page.click('[data-testid=stop]');
    await expect.poll(() => page.textContent('[data-testid=run-phase]')).toBe('stopped');
    await expect
      .poll(async () =>
        (await simulatorRequests()).slice(before).map((request) => request.clientClosedEarly),
      )
      .toEqual([true]);
  });

  it('saves a stable file: a reload and a one-field change is a one-line diff', async () => {
    await page.click('[data-testid=save]');
    await expect.poll(() => page.textContent('[role=status]')).toContain('Saved flow.json');
    const file = join(directory, 'flow.json');
    const saved = readFileSync(file, 'utf8');
    const workflow = JSON.parse(saved);
    expect(
      workflow.nodes.map((node: { id: string; type: string }) => `${node.id}:${node.type}`),
    ).toEqual([
      'input:input',
      'prompt_template:promptTemplate',
      'claude:anthropicCompletion',
      'output:output',
    ]);
    expect(workflow.edges).toEqual([
      { from: 'input', to: 'prompt_template' },
      { from: 'prompt_template', to: 'claude' },
      { from: 'claude', to: 'output' },
    ]);
    expect(workflow.nodes[1].config).toEqual({
      messages: [{ role: 'user', content: '{{ input.question }}' }],
    });
    expect(
      workflow.nodes.every((node: { position?: unknown }) => node.position !== undefined),
    ).toBe(true);
    execFileSync(process.execPath, [CLI, 'validate', file]);

    await page.reload();
    await page.locator('[data-testid=node-claude]').waitFor();
    await page.click('[data-testid=save]');
    await expect.poll(() => page.textContent('[role=status]')).toContain('Saved flow.json');
    expect(readFileSync(file, 'utf8')).toBe(saved);

    await page.click('[data-testid=tab-settings]');
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.fill('#workflow-name', 'Renamed flow');
    await page.keyboard.press('Control+s');
    await expect.poll(() => readFileSync(file, 'utf8')).toContain('Renamed flow');
    const before = saved.split('\n');
    const after = readFileSync(file, 'utf8').split('\n');
    expect(after.length).toBe(before.length);
    const changed = after.filter((line, index) => line !== before[index]);
    expect(changed).toEqual(['  "name": "Renamed flow",']);
  });

  it('exports a Python project that compiles, passes ruff and passes its own tests', {
    timeout: 150_000,
  }, async () => {
    const download = page.waitForEvent('download');
    await page.click('[data-testid=export]');
    const zipPath = join(directory, 'export.zip');
    await (await download).saveAs(zipPath);
    const files = unzipSync(readFileSync(zipPath));
    const names = Object.keys(files);
    expect(names).toContain('flow/app/workflow.py');
    expect(names).toContain('flow/pyproject.toml');
    const out = join(directory, 'export');
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(out, name)), { recursive: true });
      writeFileSync(join(out, name), content);
    }
    execFileSync('python3', ['-m', 'compileall', '-q', join(out, 'flow')]);
    execFileSync(RUFF, ['check', '--no-cache', join(out, 'flow')], { cwd: join(out, 'flow') });
    // The exported project's own test suite, as the generated-project tests run it: without
    // pytest-asyncio, which the repository's venv has and a generated project does not declare.
    const pytest = execFileSync(
      PYTHON,
      ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', '-p', 'no:asyncio'],
      {
        cwd: join(out, 'flow'),
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    // A failing test exits non-zero and throws above; this checks tests ran at all.
    expect(pytest).toMatch(/\d+ passed/);
  });

  it.skipIf(!runLocalModel)(
    'runs a localCompletion node on the embedded local model, tokens arriving live',
    async () => {
      // examples/hello.json, kept small: a loaded machine still answers in seconds.
      const hello = JSON.parse(readFileSync(join(root, 'examples/hello.json'), 'utf8'));
      hello.nodes[1].config = { prompt: '{{ input.question }}', maxTokens: 16, temperature: 0 };
      writeFileSync(join(directory, 'hello.json'), `${JSON.stringify(hello, null, 2)}\n`);
      // Only the hash changes, so reload: the app opens the file its hash names on load.
      await page.goto(`${studioUrl}/#file=hello.json`);
      await page.reload();
      await page.locator('[data-testid=node-answer]').waitFor();
      await page.click('[data-testid=tab-run]');
      expect(await page.textContent('[data-testid=local-note]')).toContain('answer runs on the');
      // Off the simulator: the real runtime and providers, which is the local model here.
      await page.uncheck('[data-testid=use-simulator]');
      await page.fill('#input_question', 'Say hello');
      await page.evaluate(() => {
        const transcript = document.querySelector('[data-testid=transcript]') as HTMLElement;
        const phase = document.querySelector('[data-testid=run-phase]') as HTMLElement;
        const record = { lengths: [] as number[], phaseAtFirst: '' };
        (window as unknown as { record: typeof record }).record = record;
        new MutationObserver(() => {
          const length = transcript.textContent?.length ?? 0;
          if (length <= (record.lengths.at(-1) ?? 0)) return;
          // The phase when the first text showed: tokens must arrive while the run goes on.
          if (record.lengths.length === 0) record.phaseAtFirst = phase.textContent ?? '';
          record.lengths.push(length);
        }).observe(transcript, { characterData: true, subtree: true, childList: true });
      });
      await page.click('[data-testid=run]');
      await expect
        .poll(() => page.textContent('[data-testid=run-phase]'), { timeout: 90_000 })
        .toBe('done');
      const record = await page.evaluate(
        () => (window as unknown as { record: { lengths: number[]; phaseAtFirst: string } }).record,
      );
      // The transcript grew in several steps, the first while the run was still going.
      expect(record.phaseAtFirst).toBe('running');
      expect(record.lengths.length).toBeGreaterThanOrEqual(2);
      const tokens = Number.parseInt(
        (await page.textContent('[data-testid=token-count]')) ?? '',
        10,
      );
      expect(tokens).toBeGreaterThanOrEqual(record.lengths.length);
      expect(tokens).toBeLessThanOrEqual(16);
      expect(await page.textContent('[data-testid=status-answer]')).toBe('finished');
      expect(await page.textContent('[data-testid=usage]')).toContain(
        'local/SmolLM2-135M-Instruct',
      );
      expect((await page.textContent('[data-testid=transcript]'))?.trim()).not.toBe('');
    },
    120_000,
  );
});
