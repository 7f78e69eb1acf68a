import type { ReplyPlan, StreamFrame, StreamOptions } from '../types.js';
import type { ResponseTracker } from './response-tracker.js';

const DEFAULT_ERROR_MESSAGES = 'The simulated stream failed (scenario stream-error fault).';

/**
 * Writes a stream's frames with the plan's pacing and fault. Content frames keep a schedule:
 * the first is due `firstTokenMs` after the stream starts, each next one `tokenDelayMs` after
 * the previous one was due. A frame whose time has passed goes out at once, so a late timer
 * does not slow the whole stream: at 1 ms per token the stream delivers 1,000 tokens/s, as a
 * fast provider does, where one timer per token (each ≥ 1 ms plus the event loop's turn)
 * delivered about a third of that. A fault fires once `afterChunks` content frames are out,
 * before the next content frame or, when none remain, before the trailing bookkeeping frames.
 * Resolves false when the stream was cut.
 */
export async function streamFrames(options: {
  tracker: ResponseTracker;
  plan: ReplyPlan;
  frames: Iterable<StreamFrame>;
  streamOptions: StreamOptions;
}): Promise<boolean> {
  const { tracker, plan, streamOptions } = options;
  const { response } = tracker;
  const frames = [...options.frames];
  if (tracker.closed) return false;
  if (!response.headersSent) {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      ...streamOptions.headers,
    });
    // Headers go out at once so the client sees the status before the first token delay.
    response.flushHeaders();
  }
  const fault = plan.fault;
  const streamFault = fault && fault.type !== 'http' && fault.type !== 'reset' ? fault : undefined;
  const contentTotal = frames.filter((frame) => frame.content).length;
  let contentSent = 0;
  let dueAt = performance.now() + plan.timing.firstTokenMs;

  for (const frame of frames) {
    const noContentLeft = contentSent >= contentTotal;
    if (streamFault && contentSent >= streamFault.afterChunks && (frame.content || noContentLeft)) {
      await applyFault(tracker, streamFault, streamOptions);
      return false;
    }
    if (frame.content) {
      if (contentSent > 0) dueAt += plan.timing.tokenDelayMs;
      if (!(await tracker.wait(dueAt - performance.now()))) return false;
      contentSent++;
    }
    if (!tracker.write(frame.wire)) return false;
  }
  if (streamFault) {
    await applyFault(tracker, streamFault, streamOptions);
    return false;
  }
  tracker.end();
  return !tracker.closed || response.writableFinished;
}

type StreamFault = Exclude<NonNullable<ReplyPlan['fault']>, { type: 'http' } | { type: 'reset' }>;

async function applyFault(
  tracker: ResponseTracker,
  fault: StreamFault,
  streamOptions: StreamOptions,
): Promise<void> {
  switch (fault.type) {
    case 'disconnect':
      await tracker.destroySocket();
      return;
    case 'malformed':
      tracker.write(streamOptions.malformedFrame);
      tracker.end();
      return;
    case 'stall':
      // Keep the connection open, silent, until the client gives up.
      await tracker.whenClosed;
      return;
    case 'stream-error':
      tracker.write(streamOptions.errorFrame(fault.kind, fault.message ?? DEFAULT_ERROR_MESSAGES));
      tracker.end();
      return;
    default: {
      const unreachable: never = fault;
      throw new Error(`unknown fault ${JSON.stringify(unreachable)}`);
    }
  }
}
