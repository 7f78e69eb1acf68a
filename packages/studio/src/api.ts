import type { ModelInfo, WorkflowDefinition } from '@catalyst/spec';
import type { ExpressionReference, NodeTypeDefinition, WorkflowProblem } from '@catalyst/workflow';

/** A validator problem with the one-line text `catalyst validate` prints for it. */
export interface StudioProblem extends WorkflowProblem {
  text: string;
}

/** What the server says about itself. */
export interface StudioConfig {
  directory: string;
  simulator: boolean;
}

/** An opened file. */
export interface OpenedFile {
  name: string;
  text: string;
  definition: WorkflowDefinition | null;
  problems: StudioProblem[];
}

// Relative to the page, so the app works at / and under /studio/ alike.
const apiUrl = (path: string) => new URL(`api/${path}`, document.baseURI).toString();

/** The message of the server's `{"error": {"kind", "message"}}` answer. */
export async function errorMessage(response: Response): Promise<string> {
  const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
  return body.error?.message ?? `${response.status} ${response.statusText}`;
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(apiUrl(path), {
    ...init,
    headers: { 'content-type': 'application/json', ...init?.headers },
  });
  if (!response.ok) {
    throw new Error(await errorMessage(response));
  }
  return (await response.json()) as T;
}

/** The studio's HTTP API (docs/studio.md). */
export const api = {
  config: () => call<StudioConfig>('config'),
  files: () => call<{ files: string[] }>('files').then((body) => body.files),
  open: (name: string) => call<OpenedFile>(`files/${encodeURIComponent(name)}`),
  save: (name: string, definition: WorkflowDefinition, create = false) =>
    call<{ text: string; problems: StudioProblem[] }>(`files/${encodeURIComponent(name)}`, {
      method: 'PUT',
      body: JSON.stringify({ definition, create }),
    }),
  validate: (name: string, definition: WorkflowDefinition, signal?: AbortSignal) =>
    call<{ problems: StudioProblem[]; references: Record<string, ExpressionReference[]> }>(
      'validate',
      {
        method: 'POST',
        body: JSON.stringify({ name, definition }),
        ...(signal && { signal }),
      },
    ),
  nodeTypes: () =>
    call<{ nodeTypes: NodeTypeDefinition[] }>('node-types').then((body) => body.nodeTypes),
  models: () => call<{ models: ModelInfo[] }>('models').then((body) => body.models),
  preview: (name: string, definition: WorkflowDefinition) =>
    call<{ path: string; text: string }>('preview', {
      method: 'POST',
      body: JSON.stringify({ name, definition }),
    }),
  /** The zip as a Blob; the caller saves it. */
  exportPython: async (name: string, definition: WorkflowDefinition): Promise<Blob> => {
    const response = await fetch(apiUrl('export'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, definition }),
    });
    if (!response.ok) {
      throw new Error(await errorMessage(response));
    }
    return response.blob();
  },
  /** Starts a run; the response body is the runtime's Server-Sent Events stream. */
  run: (options: {
    name: string;
    definition: WorkflowDefinition;
    input: unknown;
    target: 'simulator' | 'providers';
    signal: AbortSignal;
  }) =>
    fetch(apiUrl('runs'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: options.name,
        definition: options.definition,
        input: options.input,
        target: options.target,
      }),
      signal: options.signal,
    }),
  abort: (runId: string) =>
    fetch(apiUrl(`runs/${encodeURIComponent(runId)}/abort`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    }),
};
