import { createHash } from 'node:crypto';

const ALPHANUMERIC = /[^A-Za-z0-9]/g;

/** 22 id characters derived from a seed, so replies are reproducible run to run. */
function idSuffix(seed: string): string {
  return createHash('sha256').update(seed).digest('base64').replace(ALPHANUMERIC, '').slice(0, 22);
}

/** A message id in Anthropic's shape (`msg_01` + 22 characters). */
export function anthropicMessageId(requestId: number): string {
  return `msg_01${idSuffix(`message:${requestId}`)}`;
}

/** A request id in Anthropic's shape, sent as the `request-id` header and in error bodies. */
export function anthropicRequestId(requestId: number): string {
  return `req_011C${idSuffix(`request:${requestId}`)}`;
}

/**
 * A tool-use id in Anthropic's shape. The core plans protocol-neutral ids (often `call_…`); the
 * real API only ever sends `toolu_…`, and clients echo the id back, so it must be stable.
 */
export function anthropicToolUseId(plannedId: string): string {
  if (plannedId.startsWith('toolu_')) {
    return plannedId;
  }
  return `toolu_01${idSuffix(`tool:${plannedId}`)}`;
}
