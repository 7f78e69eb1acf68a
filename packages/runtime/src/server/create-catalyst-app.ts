import { createEmbeddingCache, type EmbeddingCache } from '@catalyst/providers';
import type { JsonValue, WorkflowDefinition, WorkflowEvent } from '@catalyst/spec';
import { Hono } from 'hono';
import { executeWorkflow } from '../execute-workflow.js';
import type { NodeExecutor, ProviderResolver } from '../executors/node-executor.js';
import { createRouterState } from '../router/create-router-state.js';
import type { RouterState } from '../router/router-state.js';
import { validateInput } from '../validate-input.js';
import { errorResponse, statusForRunError } from './error-response.js';
import { eventStreamResponse } from './event-stream-response.js';
import { openApiDocument } from './openapi-document.js';

/** What a Catalyst server serves and how it reaches providers. */
export interface CatalystAppOptions {
  /** Validated workflows; their ids name the routes. */
  workflows: WorkflowDefinition[];
  providers: ProviderResolver;
  environment: Record<string, string | undefined>;
  /** Silence before a keep-alive comment; default 15 s. */
  keepAliveMs?: number;
  executors?: Record<string, NodeExecutor>;
  /**
   * State every `llmRouter` of this app shares across runs; default: Redis when `REDIS_URL` is in
   * `environment` (shared with other servers), else this process's memory.
   */
  routerState?: RouterState;
  /**
   * The embeddings cache this app's runs share; null for none. Default: a new one per app, Redis
   * when `environment.REDIS_URL` is set, else an in-memory LRU.
   */
  embeddingCache?: EmbeddingCache | null;
}

/** A `fetch(Request) → Response` application: runs on Node, Bun, Deno or serverless alike. */
export interface CatalystApp {
  fetch(request: Request): Promise<Response> | Response;
  /** Releases what the app holds (the router's Redis connection). */
  close(): Promise<void>;
}

/**
 * The HTTP API of DESIGN.md: `GET /health`, `GET /workflows`, `GET /openapi.json`,
 * `POST /workflows/{id}/run` (JSON) and `POST /workflows/{id}/stream` (Server-Sent Events).
 *
 * @example
 * const app = createCatalystApp({ workflows: [chat], providers, environment: process.env });
 * const response = await app.fetch(new Request('http://local/workflows/chat/run', { method: 'POST', body: '{"question":"Hi"}' }));
 */
export function createCatalystApp(options: CatalystAppOptions): CatalystApp {
  const byId = new Map(options.workflows.map((workflow) => [workflow.id, workflow]));
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const embeddingCache =
    options.embeddingCache !== undefined
      ? options.embeddingCache
      : createEmbeddingCache({ environment: options.environment });
  const routerState =
    options.routerState ?? createRouterState({ environment: options.environment });
  const app = new Hono();

  app.get('/health', (context) => context.json({ status: 'ok', workflows: byId.size }));
  app.get('/workflows', (context) =>
    context.json({
      workflows: options.workflows.map((workflow) => ({
        id: workflow.id,
        name: workflow.name,
        description: workflow.description ?? null,
        input: workflow.input,
      })),
    }),
  );
  app.get('/openapi.json', (context) => context.json(openApiDocument(options.workflows)));

  /** Resolves the workflow and its input, or the 4xx answer that says what is wrong. */
  const prepare = async (
    request: Request,
    id: string,
  ): Promise<{ workflow: WorkflowDefinition; input: JsonValue } | Response> => {
    const workflow = byId.get(id);
    if (!workflow) {
      const known = [...byId.keys()].map((name) => `"${name}"`).join(', ') || 'none';
      return errorResponse(404, {
        kind: 'not_found',
        message: `no workflow "${id}"; this server runs: ${known}`,
      });
    }
    const text = await request.text();
    if (text.trim() === '') {
      return errorResponse(400, {
        kind: 'invalid_json',
        message: 'the request body is empty; send the workflow input as a JSON object',
      });
    }
    let input: JsonValue;
    try {
      input = JSON.parse(text) as JsonValue;
    } catch {
      // The parser's own wording differs between runtimes; the 4xx bodies must not.
      return errorResponse(400, {
        kind: 'invalid_json',
        message: 'the request body is not valid JSON',
      });
    }
    const problems = validateInput(workflow.input, input);
    if (problems.length > 0) {
      const summary = problems
        .map((problem) => `${problem.path || '(input)'} ${problem.message}`)
        .join('; ');
      return errorResponse(422, {
        kind: 'invalid_input',
        message: `the input does not match the input schema of workflow "${workflow.id}": ${summary}`,
        problems,
      });
    }
    return { workflow, input };
  };

  const run = (
    workflow: WorkflowDefinition,
    input: JsonValue,
    signal: AbortSignal,
  ): AsyncIterable<WorkflowEvent> =>
    executeWorkflow({
      workflow,
      input,
      signal,
      providers: options.providers,
      environment: options.environment,
      routerState,
      ...(options.executors !== undefined && { executors: options.executors }),
      embeddingCache,
    });

  app.post('/workflows/:id/run', async (context) => {
    const prepared = await prepare(context.req.raw, context.req.param('id'));
    if (prepared instanceof Response) return prepared;
    for await (const event of run(prepared.workflow, prepared.input, context.req.raw.signal)) {
      if (event.type === 'done') {
        const { type: _type, ...result } = event;
        return context.json(result);
      }
      if (event.type === 'error') {
        const { type: _type, ...error } = event;
        return errorResponse(statusForRunError(event.kind), error);
      }
    }
    return errorResponse(500, { kind: 'internal', message: 'the run ended without a result' });
  });

  app.post('/workflows/:id/stream', async (context) => {
    const prepared = await prepare(context.req.raw, context.req.param('id'));
    if (prepared instanceof Response) return prepared;
    return eventStreamResponse({
      events: (signal) => run(prepared.workflow, prepared.input, signal),
      signal: context.req.raw.signal,
      keepAliveMs,
    });
  });

  app.notFound((context) =>
    errorResponse(404, {
      kind: 'not_found',
      message: `no route ${context.req.method} ${new URL(context.req.url).pathname}; see GET /openapi.json`,
    }),
  );
  app.onError((error) =>
    errorResponse(500, {
      kind: 'internal',
      message: error instanceof Error ? error.message : String(error),
    }),
  );
  return {
    fetch: (request) => app.fetch(request),
    // A state passed in belongs to the caller, who closes it.
    close: async () => {
      if (options.routerState === undefined) await routerState.close();
    },
  };
}
