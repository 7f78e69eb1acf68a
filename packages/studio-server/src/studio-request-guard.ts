import { errorResponse } from '@catalyst/runtime';

/**
 * Why a request to the studio's API is refused, or undefined when it may go on.
 *
 * The studio writes files and starts runs that cost money, and it has no login: it is only ever
 * served on a loopback address. Two browser attacks remain against a loopback server and are
 * closed here: a page on another site posting a "simple" cross-origin request (no preflight for
 * `text/plain` bodies), refused by demanding `application/json` on every request that changes
 * something; and DNS rebinding (an attacker's host name resolving to 127.0.0.1, which makes the
 * browser treat the studio as same-origin), refused by accepting only loopback `Host` names.
 */
export function refuseStudioRequest(request: Request): Response | undefined {
  const host = hostName(request.headers.get('host') ?? new URL(request.url).host);
  if (!isLoopbackName(host)) {
    return errorResponse(403, {
      kind: 'forbidden',
      message: `the studio answers only to a loopback host name (localhost, 127.0.0.1, [::1]), not "${host}"`,
    });
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      return errorResponse(415, {
        kind: 'unsupported_media_type',
        message: `send the request body as application/json (got ${type ? `"${type}"` : 'no Content-Type'})`,
      });
    }
  }
  return undefined;
}

/** `localhost:4000` → `localhost`; `[::1]:4000` → `::1`. */
function hostName(host: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(host);
  if (bracketed) return bracketed[1] ?? '';
  return host.replace(/:\d+$/, '').toLowerCase();
}

/** Whether a host name or address only ever means this machine. */
export function isLoopbackName(host: string): boolean {
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}
