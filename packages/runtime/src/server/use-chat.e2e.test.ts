import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createProviderRegistry } from '@catalyst/providers';
import { parseScenario, type RunningSimulator, startSimulator } from '@catalyst/simulator';
import { loadWorkflowFile } from '@catalyst/workflow';
import react from '@vitejs/plugin-react';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assistantWorkflow } from '../testing/assistant-workflow.js';
import { conformanceEnvironment, REPOSITORY_ROOT } from '../testing/conformance-vector.js';
import { launchChromium } from '../testing/launch-chromium.js';
import { type CatalystApp, createCatalystApp } from './create-catalyst-app.js';
import { type RunningServer, serveNode } from './serve-node.js';

// End to end in a browser: a React page using `@ai-sdk/react`'s `useChat` with the AI SDK's
// DefaultChatTransport, built with Vite, served by the same origin as `POST /workflows/{id}/ui`
// of the TypeScript app, driven by Debian's Chromium (scripts/setup-chromium.sh; never a
// downloaded browser). What a person building a chat UI on Catalyst sees: tokens arriving one by
// one, and a tool call rendered as a tool part.

const PAGE_SOURCE = fileURLToPath(new URL('./use-chat-page/', import.meta.url));
/** Pause between streamed tokens: long enough for the page to paint each one on its own. */
const TOKEN_DELAY_MS = 60;

const assistant = assistantWorkflow();

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

let pageDirectory: string;
let simulator: RunningSimulator;
let app: CatalystApp;
let server: RunningServer;
let browser: Browser;
let page: Page;

/** The built page's files for any path outside /workflows/: one origin, so no CORS. */
function staticFile(request: Request): Response {
  const { pathname } = new URL(request.url);
  const relative = normalize(pathname === '/' ? '/index.html' : pathname).replace(/^[/\\]+/, '');
  const file = join(pageDirectory, relative);
  if (!file.startsWith(pageDirectory) || !existsSync(file)) {
    return new Response('not found', { status: 404 });
  }
  return new Response(readFileSync(file), {
    headers: { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' },
  });
}

beforeAll(async () => {
  pageDirectory = mkdtempSync(join(tmpdir(), 'catalyst-use-chat-'));
  await build({
    configFile: false,
    root: PAGE_SOURCE,
    base: '/',
    logLevel: 'warn',
    plugins: [react()],
    // @ai-sdk/react pins its own patch of `ai`; one copy in the bundle, the one the server tests use.
    resolve: { dedupe: ['ai', '@ai-sdk/provider-utils', 'react', 'react-dom'] },
    build: { outDir: pageDirectory, emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  });
  simulator = await startSimulator({ port: 0 });
  const extraction = await loadWorkflowFile(join(REPOSITORY_ROOT, 'examples', 'extraction.json'));
  app = createCatalystApp({
    workflows: [assistant, extraction.definition],
    providers: createProviderRegistry({ environment: conformanceEnvironment(simulator.url) }),
    environment: {},
  });
  server = await serveNode(
    {
      fetch: (request, node) =>
        new URL(request.url).pathname.startsWith('/workflows/')
          ? app.fetch(request, node)
          : staticFile(request),
    },
    { port: 0, host: '127.0.0.1' },
  );
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await app?.close();
  await simulator?.close();
  if (pageDirectory) rmSync(pageDirectory, { recursive: true, force: true });
});
beforeEach(() => {
  simulator.reset();
  simulator.setScenario(parseScenario({ rules: [] }));
});

async function send(text: string): Promise<void> {
  await page.getByLabel('Message').fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}

describe('useChat in Chromium against POST /workflows/{id}/ui', () => {
  it('shows the assistant text growing token by token while the stream runs', async () => {
    await page.goto(`${server.url}/?workflow=assistant`);
    // Every change of the assistant's text, with the chat status at that moment, as the page saw
    // it: recorded in the page so that no change is missed between two polls of the test.
    await page.evaluate(() => {
      const samples: { text: string; status: string }[] = [];
      (window as unknown as { samples: typeof samples }).samples = samples;
      new MutationObserver(() => {
        const text = document.querySelector(
          '[data-testid=message-assistant] [data-testid=text-part]',
        )?.textContent;
        const status = document.querySelector('[data-testid=status]')?.textContent ?? '';
        if (text !== undefined && text !== null && samples.at(-1)?.text !== text) {
          samples.push({ text, status });
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const chunks = ['One ', 'token ', 'at ', 'a ', 'time ', 'from ', 'Catalyst.'];
    const directive = { reply: { chunks }, timing: { tokenDelayMs: TOKEN_DELAY_MS } };
    await send(`Hello [[sim ${JSON.stringify(directive)}]]`);

    await page.locator('[data-testid=status]', { hasText: 'ready' }).waitFor();
    const finalText = chunks.join('');
    await expect
      .poll(() =>
        page.locator('[data-testid=message-assistant] [data-testid=text-part]').textContent(),
      )
      .toBe(finalText);
    const samples = await page.evaluate(
      () => (window as unknown as { samples: { text: string; status: string }[] }).samples,
    );
    const whileStreaming = samples.filter((sample) => sample.status === 'streaming');
    // Several distinct partial texts were on screen while the response was still streaming…
    expect(whileStreaming.length).toBeGreaterThanOrEqual(4);
    expect(whileStreaming.some((sample) => sample.text.length < finalText.length / 2)).toBe(true);
    // …each one a prefix of the next, ending with the whole answer.
    for (const [index, sample] of samples.entries()) {
      expect(finalText.startsWith(sample.text)).toBe(true);
      if (index > 0)
        expect(sample.text.length).toBeGreaterThan(samples[index - 1]?.text.length ?? 0);
    }
    expect(samples.at(-1)?.text).toBe(finalText);
    expect(await page.getByTestId('message-user').count()).toBe(1);
    expect(await page.getByTestId('error').count()).toBe(0);
  });

  it('renders a tool call as a tool part with its name, id and parsed input', async () => {
    simulator.setScenario(
      parseScenario({
        rules: [
          {
            match: { provider: 'openai' },
            reply: {
              toolCalls: [
                {
                  id: 'call_1',
                  name: 'extract_contact',
                  arguments: { name: 'Ada Lovelace', email: 'ada@example.com' },
                },
              ],
            },
          },
        ],
      }),
    );
    await page.goto(`${server.url}/?workflow=extraction&inputField=text`);
    await send('Write to Ada Lovelace at ada@example.com');

    const tool = page.locator('[data-testid=message-assistant] [data-testid=tool-part]');
    await tool.waitFor();
    await page.locator('[data-testid=status]', { hasText: 'ready' }).waitFor();
    expect(await tool.getAttribute('data-tool-call-id')).toBe('call_1');
    expect(await tool.getAttribute('data-state')).toBe('input-available');
    expect(await tool.getByTestId('tool-name').textContent()).toBe('extract_contact');
    expect(JSON.parse((await tool.getByTestId('tool-input').textContent()) ?? 'null')).toEqual({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
    });
    // The workflow's input came from body.input, not from the chat messages.
    const requests = simulator.requests();
    expect(JSON.stringify(requests.at(-1)?.body)).toContain(
      'Write to Ada Lovelace at ada@example.com',
    );
    expect(await page.getByTestId('error').count()).toBe(0);
  });
});
