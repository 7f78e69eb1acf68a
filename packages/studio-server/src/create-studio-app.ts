import { randomUUID } from 'node:crypto';
import { createEmbeddingCache, createProviderRegistry, ModelCatalog } from '@catalyst/providers';
import {
  type CatalystApp,
  createCatalystApp,
  createRouterState,
  errorResponse,
  type ProviderResolver,
} from '@catalyst/runtime';
import type { WorkflowDefinition } from '@catalyst/spec';
import {
  expressionReferences,
  formatProblem,
  NODE_TYPES,
  parseWorkflow,
  validateWorkflow,
  type WorkflowProblem,
  WorkflowSyntaxError,
} from '@catalyst/workflow';
import { Hono } from 'hono';
import { editWorkflowText } from './edit-workflow-text.js';
import { exportPythonZip, generatedWorkflowModule } from './export-python-zip.js';
import { simulatorEnvironment } from './simulator-environment.js';
import { DEFAULT_ASSETS_DIRECTORY, studioAssetResponse } from './studio-assets.js';
import { refuseStudioRequest } from './studio-request-guard.js';
import { FileNameError, WorkflowFiles } from './workflow-files.js';

/** What the studio edits and how its runs reach providers. */
export interface StudioAppOptions {
  /** The directory whose workflow files the studio lists, opens and saves. */
  directory: string;
  environment: Record<string, string | undefined>;
  /** A running provider simulator; runs with `target: "simulator"` go there. */
  simulatorUrl?: string;
  /** Where the built browser app is; packages/studio/dist by default. */
  assetsDirectory?: string;
  /** Where the studio sits below the server's root, e.g. `/studio`; default the root. */
  basePath?: string;
}

/** The studio: its browser app and the API under `api/`, as one `fetch` handler. */
/** The studio's `fetch(Request) → Response` application. */
export interface StudioApp {
  fetch: CatalystApp['fetch'];
  /** Aborts the studio's runs and releases what it holds. */
  close(): Promise<void>;
}

/** A problem as the studio shows it: the validator's fields plus `catalyst validate`'s line. */
export interface StudioProblem extends WorkflowProblem {
  text: string;
}

/**
 * The Catalyst Studio server (docs/studio.md): the built browser app and a JSON API to list,
 * read, validate and save workflow files, describe node types and models, run a workflow with a
 * live event stream (stop included) and export it as a Python project.
 *
 * @example
 * const studio = createStudioApp({ directory: 'examples', environment: process.env });
 * await serveNode(studio, { port: 4000, host: '127.0.0.1' });
 */
export function createStudioApp(options: StudioAppOptions): StudioApp {
  const files = new WorkflowFiles(options.directory);
  const assetsDirectory = options.assetsDirectory ?? DEFAULT_ASSETS_DIRECTORY;
  const routerState = createRouterState({ environment: options.environment });
  const embeddingCache = createEmbeddingCache({ environment: options.environment });
  const runs = new Map<string, AbortController>();
  const resolvers = new Map<string, ProviderResolver>();
  const catalog = ModelCatalog.default();

  const providersFor = (target: string, environment: Record<string, string | undefined>) => {
    let resolver = resolvers.get(target);
    if (!resolver) {
      resolver = createProviderRegistry({ environment });
      resolvers.set(target, resolver);
    }
    return resolver;
  };

  /** The file's text after a save of `definition`: the file edited in place, or a new file. */
  const textFor = async (name: string, definition: unknown): Promise<string> => {
    const current = await files.read(name);
    if (current !== undefined) {
      try {
        return editWorkflowText({ text: current, value: definition, fileName: name });
      } catch {
        // The file on disk does not parse; the editor's version replaces it whole.
      }
    }
    return serializeNew(name, definition);
  };

  const check = (name: string, text: string): StudioProblem[] => {
    try {
      return validateWorkflow(parseWorkflow(text, { fileName: name })).map(withText);
    } catch (error) {
      if (error instanceof WorkflowSyntaxError) return [withText(error.problem)];
      throw error;
    }
  };

  const api = new Hono();
  api.use('*', async (context, next) => {
    const refusal = refuseStudioRequest(context.req.raw);
    if (refusal) return refusal;
    await next();
  });

  api.get('/files', async (context) =>
    context.json({ directory: options.directory, files: await files.list() }),
  );

  api.get('/files/:name', async (context) => {
    const name = context.req.param('name');
    const text = await files.read(name);
    if (text === undefined) {
      return errorResponse(404, { kind: 'not_found', message: `no file ${name}` });
    }
    let definition: unknown = null;
    try {
      definition = parseWorkflow(text, { fileName: name }).definition;
    } catch (error) {
      if (!(error instanceof WorkflowSyntaxError)) throw error;
    }
    return context.json({ name, text, definition, problems: check(name, text) });
  });

  api.put('/files/:name', async (context) => {
    const name = context.req.param('name');
    const body = await readJson<{ definition?: unknown; create?: boolean }>(context.req.raw);
    if (!body || typeof body.definition !== 'object' || body.definition === null) {
      return errorResponse(400, {
        kind: 'invalid_request',
        message: 'send {"definition": {...}}: the workflow to save',
      });
    }
    if (body.create && (await files.read(name)) !== undefined) {
      return errorResponse(409, { kind: 'conflict', message: `${name} already exists` });
    }
    const text = await textFor(name, body.definition);
    await files.write(name, text, { create: body.create === true });
    return context.json({ name, text, problems: check(name, text) });
  });

  api.post('/validate', async (context) => {
    const body = await readJson<{ name?: string; definition?: unknown }>(context.req.raw);
    if (!body || typeof body.name !== 'string' || body.definition === undefined) {
      return errorResponse(400, {
        kind: 'invalid_request',
        message: 'send {"name": "flow.json", "definition": {...}}',
      });
    }
    // Problems are located in the text the file would hold after a save, so lines match.
    const text = await textFor(body.name, body.definition);
    // The names each node's expressions may read, for the editor's completion lists; computed
    // here with the validator's own upstream rule so the browser holds no graph logic.
    const references =
      typeof body.definition === 'object' && body.definition !== null
        ? Object.fromEntries(expressionReferences({ definition: body.definition }))
        : {};
    return context.json({ problems: check(body.name, text), references });
  });

  api.get('/node-types', (context) => context.json({ nodeTypes: NODE_TYPES }));
  api.get('/models', (context) => context.json({ models: catalog.list() }));
  api.get('/config', (context) =>
    context.json({
      directory: options.directory,
      simulator: options.simulatorUrl !== undefined,
      simulatorUrl: options.simulatorUrl ?? null,
    }),
  );

  api.post('/runs', async (context) => {
    const body = await readJson<{
      name?: string;
      definition?: WorkflowDefinition;
      input?: unknown;
      target?: 'simulator' | 'providers';
    }>(context.req.raw);
    if (!body || typeof body.definition !== 'object' || body.definition === null) {
      return errorResponse(400, {
        kind: 'invalid_request',
        message: 'send {"definition": {...}, "input": {...}, "target": "simulator" | "providers"}',
      });
    }
    const name = body.name ?? 'workflow.json';
    const problems = check(name, serializeNew(name, body.definition)).filter(
      (problem) => problem.severity === 'error',
    );
    if (problems.length > 0) {
      return errorResponse(422, {
        kind: 'validation',
        message: `the workflow has ${problems.length} error(s); fix them before running`,
        problems,
      });
    }
    const target = body.target ?? 'providers';
    if (target === 'simulator' && options.simulatorUrl === undefined) {
      return errorResponse(400, {
        kind: 'invalid_request',
        message: 'no simulator is running: start the studio with --simulator',
      });
    }
    const environment =
      target === 'simulator' && options.simulatorUrl !== undefined
        ? simulatorEnvironment(options.environment, options.simulatorUrl)
        : options.environment;
    const runId = randomUUID();
    const controller = new AbortController();
    runs.set(runId, controller);
    const finish = () => {
      runs.delete(runId);
    };
    controller.signal.addEventListener('abort', finish, { once: true });
    const app = createCatalystApp({
      workflows: [body.definition],
      providers: providersFor(target, environment),
      environment,
      routerState,
      embeddingCache,
      // Stop means stop: a studio run is never resumed, so it ends with its connection.
      streamReconnectMs: 0,
    });
    // The runtime's own streaming endpoint does the run, so the studio sees what clients see.
    const response = await app.fetch(
      new Request(
        `http://studio.local/workflows/${encodeURIComponent(body.definition.id)}/stream`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body.input ?? {}),
          signal: AbortSignal.any([context.req.raw.signal, controller.signal]),
        },
      ),
    );
    if (!response.body) {
      finish();
      return response;
    }
    const streamed = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({ flush: finish }),
    );
    const headers = new Headers(response.headers);
    headers.set('x-catalyst-run', runId);
    return new Response(streamed, { status: response.status, headers });
  });

  api.post('/runs/:id/abort', (context) => {
    const controller = runs.get(context.req.param('id'));
    if (!controller) {
      return errorResponse(404, { kind: 'not_found', message: 'no such run is in progress' });
    }
    controller.abort();
    return context.json({ aborted: true });
  });

  api.post('/export', async (context) => {
    const prepared = await prepareBuild(context.req.raw, check);
    if (prepared instanceof Response) return prepared;
    const zip = exportPythonZip(prepared);
    return new Response(zip.slice().buffer, {
      headers: {
        'content-type': 'application/zip',
        'content-disposition': `attachment; filename="${prepared.workflow.id}-python.zip"`,
      },
    });
  });

  api.post('/preview', async (context) => {
    const prepared = await prepareBuild(context.req.raw, check);
    if (prepared instanceof Response) return prepared;
    return context.json({ path: 'app/workflow.py', text: generatedWorkflowModule(prepared) });
  });

  api.notFound((context) =>
    errorResponse(404, {
      kind: 'not_found',
      message: `no studio route ${context.req.method} ${new URL(context.req.url).pathname}; see docs/studio.md`,
    }),
  );
  api.onError((error) => {
    if (error instanceof FileNameError) {
      return errorResponse(400, { kind: 'invalid_request', message: error.message });
    }
    return errorResponse(500, {
      kind: 'internal',
      message: error instanceof Error ? error.message : String(error),
    });
  });

  const basePath = (options.basePath ?? '').replace(/\/$/, '');
  const app = new Hono();
  app.route(`${basePath}/api`, api);
  // Without the slash the app's relative asset URLs would resolve above the base.
  if (basePath !== '') app.get(basePath, (context) => context.redirect(`${basePath}/`));
  app.get(`${basePath}/*`, (context) =>
    studioAssetResponse({
      directory: assetsDirectory,
      path: new URL(context.req.url).pathname.slice(basePath.length) || '/',
    }),
  );

  return {
    fetch: (request) => app.fetch(request),
    close: async () => {
      for (const controller of runs.values()) controller.abort();
      await routerState.close();
    },
  };
}

function withText(problem: WorkflowProblem): StudioProblem {
  return { ...problem, text: formatProblem(problem) };
}

/** A new file's text: 2-space JSON, or YAML for .yaml/.yml names. */
function serializeNew(name: string, definition: unknown): string {
  if (/\.ya?ml$/i.test(name)) {
    // A YAML file starts from the same structure; editWorkflowText keeps it stable afterwards.
    return editWorkflowText({ text: '{}\n', value: definition, fileName: name });
  }
  return `${JSON.stringify(definition, null, 2)}\n`;
}

async function readJson<T>(request: Request): Promise<T | undefined> {
  try {
    return (await request.json()) as T;
  } catch {
    return undefined;
  }
}

/** The validated workflow of a build request, or the 4xx that says why not. */
async function prepareBuild(
  request: Request,
  check: (name: string, text: string) => StudioProblem[],
): Promise<{ workflow: WorkflowDefinition; sourceName: string } | Response> {
  const body = await readJson<{ name?: string; definition?: WorkflowDefinition }>(request);
  if (!body || typeof body.definition !== 'object' || body.definition === null) {
    return errorResponse(400, {
      kind: 'invalid_request',
      message: 'send {"name": "flow.json", "definition": {...}}',
    });
  }
  const sourceName = body.name ?? `${body.definition.id}.json`;
  const errors = check(sourceName, serializeNew(sourceName, body.definition)).filter(
    (problem) => problem.severity === 'error',
  );
  if (errors.length > 0) {
    return errorResponse(422, {
      kind: 'validation',
      message: `the workflow has ${errors.length} error(s); nothing was built`,
      problems: errors,
    });
  }
  return { workflow: body.definition, sourceName };
}
