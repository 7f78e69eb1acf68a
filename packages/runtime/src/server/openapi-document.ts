import type { JsonSchema, WorkflowDefinition } from '@catalyst/spec';

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['kind', 'message'],
      properties: { kind: { type: 'string' }, message: { type: 'string' } },
    },
  },
};

/** The OpenAPI 3.1 document of a server serving `workflows`. */
export function openApiDocument(workflows: WorkflowDefinition[]): JsonSchema {
  const paths: Record<string, unknown> = {
    '/health': {
      get: { summary: 'Liveness', responses: { '200': { description: 'The server is up' } } },
    },
    '/workflows': {
      get: {
        summary: 'The workflows this server runs, with their input schemas',
        responses: { '200': { description: 'Workflow list' } },
      },
    },
  };
  for (const workflow of workflows) {
    const requestBody = {
      required: true,
      content: { 'application/json': { schema: workflow.input } },
    };
    const errors = {
      '400': {
        description: 'The body is not JSON',
        content: { 'application/json': { schema: ERROR_SCHEMA } },
      },
      '422': {
        description: 'The input does not match the input schema',
        content: { 'application/json': { schema: ERROR_SCHEMA } },
      },
    };
    paths[`/workflows/${workflow.id}/run`] = {
      post: {
        operationId: `run_${workflow.id}`,
        summary: `Run "${workflow.name}" and return its result`,
        ...(workflow.description !== undefined && { description: workflow.description }),
        requestBody,
        responses: {
          '200': {
            description: 'The result: output, text, token count, usage and cost per node',
            content: {
              'application/json': {
                schema: { type: 'object', properties: { output: workflow.output ?? {} } },
              },
            },
          },
          ...errors,
          '502': {
            description: 'A provider failed',
            content: { 'application/json': { schema: ERROR_SCHEMA } },
          },
        },
      },
    };
    paths[`/workflows/${workflow.id}/stream`] = {
      post: {
        operationId: `stream_${workflow.id}`,
        summary: `Run "${workflow.name}" as a Server-Sent Events stream`,
        description:
          'Events (each with id RUN:SEQ): node, token, tool-call-delta, partial, then exactly one done or error. With a Last-Event-ID header, the rest of that run instead of a new one. See docs/protocol.md.',
        parameters: [
          {
            name: 'Last-Event-ID',
            in: 'header',
            required: false,
            description: 'Resume: the id of the last event received (RUN:SEQ)',
            schema: { type: 'string' },
          },
        ],
        requestBody,
        responses: {
          '200': {
            description: 'An event stream',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          ...errors,
        },
      },
    };
    paths[`/workflows/${workflow.id}/runs/{run}/stream`] = {
      get: {
        operationId: `resume_${workflow.id}`,
        summary: `The events of one run of "${workflow.name}" (for EventSource)`,
        parameters: [
          { name: 'run', in: 'path', required: true, schema: { type: 'string' } },
          {
            name: 'Last-Event-ID',
            in: 'header',
            required: false,
            description: 'Only the events after this one (RUN:SEQ)',
            schema: { type: 'string' },
          },
        ],
        responses: {
          '200': {
            description: 'An event stream',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          ...errors,
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Catalyst workflows', version: '1.0.0' },
    paths,
  };
}
