// Every provider's stream is the same discriminated union; an exhaustive switch ends in a
// `never` check, so the compiler names any event type a consumer forgot.
import { emptyUsage, type StreamEvent } from '@catalyst/spec';

function describe(event: StreamEvent): string {
  switch (event.type) {
    case 'token':
      return `token ${JSON.stringify(event.text)}`;
    case 'tool-call-delta':
      return `tool call ${event.index} grows by ${event.argumentsDelta.length} characters`;
    case 'tool-call':
      return `tool call ${event.toolCall.name}`;
    case 'retry':
      return `retry ${event.attempt} in ${event.delayMs} ms (${event.error.kind})`;
    case 'done':
      return `done: ${event.usage.outputTokens} tokens, finish ${event.finishReason}`;
    case 'error':
      return `error ${event.error.kind}: ${event.error.message}`;
    default: {
      const unknown: never = event;
      throw new Error(`unhandled event ${JSON.stringify(unknown)}`);
    }
  }
}

const usage = emptyUsage();
const events: StreamEvent[] = [
  { type: 'token', text: 'Hello' },
  { type: 'token', text: ' world' },
  {
    type: 'error',
    error: {
      kind: 'network',
      message: 'the connection closed',
      provider: 'openai',
      retryable: true,
    },
    partialText: 'Hello world',
    usage,
  },
];
for (const event of events) console.log(describe(event));
// token "Hello"
// token " world"
// error network: the connection closed
