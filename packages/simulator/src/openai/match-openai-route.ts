import type { RouteMatch, SimOperation } from '../types.js';
import type { OpenAiVendor } from './openai-vendor.js';

type Vendor = OpenAiVendor['provider'];

/** Explicit vendor prefixes a user can put in a base URL (`http://host:port/xai/v1`). */
const EXPLICIT_PREFIXES: Array<{ prefix: string; vendor: Vendor }> = [
  { prefix: '/openai-api', vendor: 'openai' },
  { prefix: '/azure', vendor: 'azure' },
  { prefix: '/groq', vendor: 'groq' },
  { prefix: '/xai', vendor: 'xai' },
];

function modelOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const model = (body as { model?: unknown }).model;
  return typeof model === 'string' ? model : undefined;
}

function operationFor(
  method: string,
  rest: string,
): { operation: SimOperation; model?: string } | null {
  if (method === 'POST' && rest === 'chat/completions') return { operation: 'chat' };
  if (method === 'POST' && rest === 'embeddings') return { operation: 'embeddings' };
  if (method === 'GET' && rest === 'models') return { operation: 'models' };
  if (method === 'GET' && rest.startsWith('models/')) {
    return { operation: 'models', model: decodeURIComponent(rest.slice('models/'.length)) };
  }
  return null;
}

/**
 * Routes an OpenAI-family request to its vendor. Paths decide first (an explicit prefix, Azure's
 * deployment paths, Groq's `/openai/v1` unless Azure's `api-key` header is present), then the
 * model: `grok-*` is xAI on any shared path.
 */
export function matchOpenAiRoute(
  method: string,
  pathname: string,
  query: URLSearchParams,
  body: unknown,
  headers: Record<string, string> = {},
): RouteMatch | null {
  let path = pathname.replace(/\/+$/, '');
  let explicit: Vendor | undefined;
  for (const { prefix, vendor } of EXPLICIT_PREFIXES) {
    if (path.startsWith(`${prefix}/`)) {
      explicit = vendor;
      path = path.slice(prefix.length);
      break;
    }
  }

  const deployment = /^\/openai\/deployments\/([^/]+)\/(.+)$/.exec(path);
  if (deployment?.[1] && deployment[2]) {
    if (explicit !== undefined && explicit !== 'azure') return null;
    const operation = operationFor(method, deployment[2]);
    if (!operation) return null;
    return { provider: 'azure', ...operation, model: decodeURIComponent(deployment[1]) };
  }

  let rest: string;
  let pathVendor: Vendor;
  if (path.startsWith('/openai/v1/')) {
    rest = path.slice('/openai/v1/'.length);
    // Azure's v1 API and Groq share this path; Azure's `api-key` header or an api-version query
    // marks Azure.
    pathVendor = query.has('api-version') || headers['api-key'] !== undefined ? 'azure' : 'groq';
  } else if (path.startsWith('/openai/') && query.has('api-version')) {
    rest = path.slice('/openai/'.length);
    pathVendor = 'azure';
  } else if (path.startsWith('/v1/')) {
    rest = path.slice('/v1/'.length);
    pathVendor = 'openai';
  } else {
    return null;
  }
  const operation = operationFor(method, rest);
  if (!operation) return null;
  const model = modelOf(body) ?? operation.model;
  const provider: Vendor =
    explicit ?? (model?.startsWith('grok-') && pathVendor !== 'azure' ? 'xai' : pathVendor);
  return { provider, ...operation };
}
