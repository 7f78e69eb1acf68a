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

/** A run id as the server makes them and as `Last-Event-ID` may name them. */
const RUN_ID_PATTERN = '[0-9A-Za-z_-]{1,128}';

/** An event id, `RUN:SEQ` (docs/protocol.md, "Resuming a stream"). */
const EVENT_ID_SCHEMA: JsonSchema = {
  type: 'string',
  pattern: `^${RUN_ID_PATTERN}:(0|[1-9][0-9]{0,15})$`,
};

/** One Server-Sent Event whose `data` is JSON with these required fields. */
function eventSchema(name: string, required: string[]): JsonSchema {
  return {
    type: 'object',
    required: ['id', 'event', 'data'],
    properties: {
      id: EVENT_ID_SCHEMA,
      event: { const: name },
      data: {
        type: 'string',
        contentMediaType: 'application/json',
        contentSchema: { type: 'object', required },
      },
    },
  };
}

// Last-Event-ID is described in the operations' text, not as a header parameter: what it may be
// depends on the run (an id this server sent), which a schema cannot say, and a fuzzer would
// take any string matching its pattern for a valid request.

/**
 * One event of `POST /workflows/{id}/stream` and `GET /workflows/{id}/runs/{run}/stream`. OpenAPI 3.1 has no `itemSchema` (3.2 does): the
 * `schema` of a `text/event-stream` response describes each event, as `{event, data}` with `data`
 * the JSON text (docs/protocol.md, "The event stream"). Keep-alive comments are not events.
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
          'From the first event, or after the Last-Event-ID header (RUN:SEQ of this run; another value is a 400). See docs/protocol.md.',
        parameters: [
          {
            name: 'run',
            in: 'path',
            required: true,
            schema: { type: 'string', pattern: `^${RUN_ID_PATTERN}$` },
          },
        ],
        responses: {
          '200': {
            description:
              "The run's event stream; for a run this server does not hold, one error event of kind expired",
            content: { 'text/event-stream': { schema: EVENT_SCHEMA } },
          },
          '400': errorAnswer('Last-Event-ID is not an event id of this run'),
          '503': errors['503'],
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
