import type { WorkflowErrorEvent } from '@catalyst/spec';

/** A JSON error answer: `{"error": {"kind", "message", …}}`, the same in both runtimes. */
export function errorResponse(
  status: number,
  error: { kind: string; message: string } & Record<string, unknown>,
): Response {
  return new Response(JSON.stringify({ error }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/** The HTTP status for a failed run of `POST /workflows/{id}/run`. */
export function statusForRunError(kind: WorkflowErrorEvent['kind']): number {
  switch (kind) {
    case 'rate_limit':
      return 429;
    case 'overloaded':
    case 'unavailable':
      return 503;
    case 'timeout':
      return 504;
    case 'aborted':
      // nginx's "client closed request": nobody reads it, but logs show why the run ended.
      return 499;
    case 'auth':
    case 'model_not_found':
    case 'invalid_request':
    case 'context_length':
    case 'server':
    case 'network':
    case 'content_filter':
      // The upstream provider failed, not the caller's request.
      return 502;
    case 'expired':
      // Only a resumed stream meets it; kept here so the switch stays exhaustive.
      return 410;
    case 'expression':
    case 'validation':
    case 'internal':
      return 500;
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown error kind ${String(unreachable)}`);
    }
  }
}

/** The `kind` (or OpenAI `code`) of an error answer, for the log; null for success. */
export async function errorKindOf(response: Response): Promise<string | null> {
  if (response.status < 400) return null;
  try {
    const body = (await response.clone().json()) as { error?: { kind?: unknown; code?: unknown } };
    if (typeof body.error?.kind === 'string') return body.error.kind;
    return typeof body.error?.code === 'string' ? body.error.code : 'internal';
  } catch {
    return 'internal';
  }
}
