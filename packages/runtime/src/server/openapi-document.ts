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
          'Events: node, token, partial, then exactly one done or error. See docs/protocol.md.',
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
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Catalyst workflows', version: '1.0.0' },
    paths,
  };
}
