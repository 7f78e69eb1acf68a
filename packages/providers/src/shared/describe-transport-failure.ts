/**
 * Stable wording for transport failures, independent of the HTTP stack that saw them. The
 * generated Python services word them the same way (their httpx errors differ from undici's), so
 * an `error` event is identical in both runtimes; the phrases still tell a person what happened.
 */
export const TRANSPORT_FAILURE = {
  refused: 'the connection was refused',
  hostNotFound: 'the host name could not be resolved',
  closed: 'the connection closed before the response was complete',
  timedOut: 'the connection timed out',
  failed: 'the connection failed',
  malformed: 'the response stream was malformed',
} as const;

const CODES: Record<string, string> = {
  ECONNREFUSED: TRANSPORT_FAILURE.refused,
  ENOTFOUND: TRANSPORT_FAILURE.hostNotFound,
  EAI_AGAIN: TRANSPORT_FAILURE.hostNotFound,
  ECONNRESET: TRANSPORT_FAILURE.closed,
  EPIPE: TRANSPORT_FAILURE.closed,
  UND_ERR_SOCKET: TRANSPORT_FAILURE.closed,
  ETIMEDOUT: TRANSPORT_FAILURE.timedOut,
  UND_ERR_CONNECT_TIMEOUT: TRANSPORT_FAILURE.timedOut,
};

// Messages undici and the SDKs use when a socket dies mid-body.
const CLOSED_MESSAGES = ['terminated', 'other side closed', 'socket hang up', 'premature close'];

/** Which failure an error chain describes (walks `cause` a few levels deep). */
export function describeTransportFailure(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CODES[code]) return CODES[code];
    const message = current.message.toLowerCase();
    if (CLOSED_MESSAGES.some((fragment) => message.includes(fragment)))
      return TRANSPORT_FAILURE.closed;
    current = current.cause;
  }
  return TRANSPORT_FAILURE.failed;
}
