import type { Fault, ProtocolModule, SimRequest } from '../types.js';
import type { ResponseTracker } from './response-tracker.js';
import { httpFault, sendHttpError } from './send-error.js';

/** Stream faults on a request that did not ask for a stream, rendered as the nearest reality. */
export async function answerNonStreamFault(options: {
  fault: Exclude<Fault, { type: 'http' } | { type: 'reset' }>;
  module: ProtocolModule;
  simRequest: SimRequest;
  tracker: ResponseTracker;
  delayMs: number;
}): Promise<void> {
  const { fault, tracker } = options;
  switch (fault.type) {
    case 'disconnect':
      if (await tracker.wait(options.delayMs)) await tracker.destroySocket();
      return;
    case 'stall':
      await tracker.whenClosed;
      return;
    case 'malformed':
      if (!(await tracker.wait(options.delayMs))) return;
      tracker.response.writeHead(200, { 'content-type': 'application/json' });
      tracker.end('{"id":"cut-off","choices":[{"message":{"content":"');
      return;
    case 'stream-error':
      if (!(await tracker.wait(options.delayMs))) return;
      sendHttpError(
        options.module,
        options.simRequest,
        httpFault(fault.kind, fault.message),
        tracker,
      );
      return;
    default: {
      const unreachable: never = fault;
      throw new Error(`unknown fault ${JSON.stringify(unreachable)}`);
    }
  }
}
