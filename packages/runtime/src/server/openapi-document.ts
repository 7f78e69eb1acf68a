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

/** An answer with the `{"error": {…}}` body. */
function errorAnswer(description: string) {
  return { description, content: { 'application/json': { schema: ERROR_SCHEMA } } };
}

/** A `Last-Event-ID`: `RUN:SEQ`, as parseEventId accepts it (docs/protocol.md). */
const EVENT_ID_PATTERN = '^[0-9A-Za-z_-]{1,128}:(0|[1-9][0-9]{0,15})$';

/** One Server-Sent Event whose `data` is JSON with these required fields. */
function eventSchema(name: string, required: string[]): JsonSchema {
  return {
    type: 'object',
    required: ['id', 'event', 'data'],
    properties: {
      id: { type: 'string', pattern: EVENT_ID_PATTERN },
      event: { const: name },
      data: {
        type: 'string',
        contentMediaType: 'application/json',
        contentSchema: { type: 'object', required },
      },
    },
  };
}

/**
 * One event of `POST /workflows/{id}/stream`. OpenAPI 3.1 has no `itemSchema` (3.2 does): the
 * `schema` of a `text/event-stream` response describes each event, as `{id, event, data}` with
 * `data` the JSON text (docs/protocol.md, "The event stream"). Keep-alive comments are not events.
 */
const EVENT_SCHEMA: JsonSchema = {
  oneOf: [
    eventSchema('node', ['node', 'nodeType', 'status']),
    eventSchema('token', ['node', 'text']),
    eventSchema('tool-call-delta', ['node', 'index', 'argumentsDelta']),
    eventSchema('partial', ['node', 'output']),
    eventSchema('route', ['node', 'route', 'targets']),
    eventSchema('fallback', ['node', 'from', 'to', 'error']),
    eventSchema('done', ['output', 'text', 'tokenCount', 'usage', 'cost']),
    eventSchema('error', ['kind', 'message', 'retryable']),
  ],
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
    // The refusals both endpoints share (docs/protocol.md, "Serving in production").
    const errors = {
      '400': errorAnswer('The body is not JSON, nests too deep or holds invalid Unicode'),
      '413': errorAnswer('The body is larger than the server allows'),
      '415': errorAnswer('The body is not sent as application/json'),
      '422': errorAnswer('The input does not match the input schema'),
      '503': errorAnswer('The server is shutting down; retry after Retry-After seconds'),
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
          '429': errorAnswer('A provider is rate limiting'),
          '500': errorAnswer('An expression or the server failed'),
          '502': errorAnswer('A provider failed'),
          '504': errorAnswer('A provider did not answer in time'),
        },
      },
    };
    // Last-Event-ID is in the descriptions, not a parameter: with it the body is not read (any
    // body resumes) and an id of another run is refused, which no schema of a header can say.
    paths[`/workflows/${workflow.id}/stream`] = {
      post: {
        operationId: `stream_${workflow.id}`,
        summary: `Run "${workflow.name}" as a Server-Sent Events stream`,
        description:
          'Events (each with id RUN:SEQ): node, token, tool-call-delta, partial, then exactly one done or error. With a Last-Event-ID header, the rest of that run instead of a new one. See docs/protocol.md.',
        requestBody,
        responses: {
          '200': {
            description: 'An event stream',
            content: { 'text/event-stream': { schema: EVENT_SCHEMA } },
          },
          ...errors,
        },
      },
    };
    paths[`/workflows/${workflow.id}/runs/{run}/stream`] = {
      get: {
        operationId: `resume_${workflow.id}`,
        summary: `The events of one run of "${workflow.name}" (for EventSource)`,
        description:
          'Every event of the run, or those after the Last-Event-ID (RUN:SEQ of this run) that EventSource sends when it reconnects. See docs/protocol.md.',
        parameters: [{ name: 'run', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': {
            description: 'An event stream',
            content: { 'text/event-stream': { schema: EVENT_SCHEMA } },
          },
          ...errors,
          '404': errorAnswer('No such workflow, or {run} cannot be a run id'),
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
