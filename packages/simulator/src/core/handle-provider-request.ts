import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProtocolContext, ProtocolModule, RouteMatch, SimRequest } from '../types.js';
import { answerNonStreamFault } from './answer-non-stream-fault.js';
import { ScenarioError } from './parse-scenario.js';
import { planReply } from './plan-reply.js';
import { applyPromptCache } from './prompt-cache.js';
import { parseBody, readBody } from './read-body.js';
import { readDirectives } from './read-directives.js';
import { replayCapture } from './replay-capture.js';
import { flattenHeaders, modelFromBody, streamFromBody } from './request-body-fields.js';
import { createLogEntry, trackEntry } from './request-log-entry.js';
import { findRule, mergeActions } from './resolve-action.js';
import { ResponseTracker } from './response-tracker.js';
import type { ScenarioAction } from './scenario.js';
import { httpFault, sendHttpError, sendNotFound } from './send-error.js';
import type { SimulatorState } from './simulator-state.js';
import { streamFrames } from './stream-frames.js';

function findRoute(
  protocols: ProtocolModule[],
  method: string,
  pathname: string,
  query: URLSearchParams,
  body: unknown,
  headers: Record<string, string>,
): { module: ProtocolModule; match: RouteMatch } | undefined {
  for (const module of protocols) {
    const match = module.match(method, pathname, query, body, headers);
    if (match) return { module, match };
  }
  return undefined;
}

/**
 * Answers one provider request end to end: route, log, directives and scenario, auth, plan,
 * fault, then the protocol's own rendering.
 */
export async function handleProviderRequest(options: {
  state: SimulatorState;
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
}): Promise<void> {
  const { state, request, response, url } = options;
  const method = request.method ?? 'GET';
  const body = parseBody(await readBody(request));
  const entry = createLogEntry({
    state,
    request,
    pathname: url.pathname,
    query: url.searchParams,
    body,
  });
  const tracker = new ResponseTracker(response);
  trackEntry(state, entry, tracker);

  const route = findRoute(
    state.protocols,
    method,
    url.pathname,
    url.searchParams,
    body,
    flattenHeaders(request),
  );
  if (!route) {
    sendNotFound({ protocols: state.protocols, method, pathname: url.pathname, response });
    return;
  }
  const { module, match } = route;
  const simRequest: SimRequest = {
    id: entry.id,
    method,
    path: url.pathname,
    query: url.searchParams,
    headers: flattenHeaders(request),
    body,
    provider: match.provider,
    operation: match.operation,
    ...((match.model ?? modelFromBody(body)) ? { model: match.model ?? modelFromBody(body) } : {}),
    stream: match.stream ?? streamFromBody(body),
  };
  entry.provider = match.provider;
  entry.operation = match.operation;
  entry.model = simRequest.model ?? null;
  entry.stream = simRequest.stream;

  let action: ScenarioAction;
  let summary: ReturnType<ProtocolModule['summarize']>;
  let lastUserText: string;
  try {
    summary = module.summarize(simRequest);
    const directives = readDirectives(request, summary.lastUserText);
    lastUserText = directives.strippedText;
    const rule = findRule({
      scenario: state.scenario,
      counters: state.counters,
      request: simRequest,
      lastUserText,
    });
    if (rule) entry.rule = rule.name ?? `rules[${state.scenario?.rules.indexOf(rule) ?? -1}]`;
    action = mergeActions([rule, directives.inline, directives.header]);
  } catch (error) {
    const message =
      error instanceof ScenarioError
        ? `Catalyst simulator: ${error.message}`
        : `Catalyst simulator could not read the request body: ${(error as Error).message}`;
    sendHttpError(module, simRequest, httpFault('invalid_request', message), tracker);
    return;
  }

  const scenarioDemandsAuth = action.fault?.type === 'http' && action.fault.kind === 'auth';
  if (!scenarioDemandsAuth && !module.authenticated(request, match, url.searchParams)) {
    sendHttpError(module, simRequest, httpFault('auth'), tracker);
    return;
  }

  const plan = planReply({
    request: simRequest,
    summary: { ...summary, lastUserText },
    action,
    lastUserText,
    ...(state.scenario?.defaults?.timing ? { defaultTiming: state.scenario.defaults.timing } : {}),
  });
  const scriptedUsage = action.reply?.usage;
  if (
    simRequest.operation === 'chat' &&
    summary.cacheBreakpoints !== undefined &&
    plan.fault?.type !== 'http' &&
    scriptedUsage?.cacheReadTokens === undefined &&
    scriptedUsage?.cacheWriteTokens === undefined
  ) {
    // A scenario that scripts cache usage wins; otherwise the breakpoints decide, statefully.
    const cached = applyPromptCache({
      cache: state.promptCache,
      breakpoints: summary.cacheBreakpoints,
      inputTokens: plan.usage.inputTokens,
      now: state.now(),
    });
    plan.usage.cacheReadTokens = cached.read;
    plan.usage.cacheWriteTokens = cached.write;
  }
  entry.fault = plan.fault ?? null;
  if (plan.model !== simRequest.model) entry.model = entry.model ?? plan.model;

  const fault = plan.fault;
  if (fault?.type === 'http') {
    sendHttpError(module, simRequest, fault, tracker);
    return;
  }
  if (fault?.type === 'reset') {
    await tracker.destroySocket();
    return;
  }

  if (action.replay) {
    await replayCapture({
      replay: action.replay,
      baseDirectory: state.scenario?.baseDirectory ?? process.cwd(),
      provider: match.provider,
      plan,
      tracker,
    });
    return;
  }

  if (!simRequest.stream) {
    // A whole response arrives once the model has "generated" every token.
    // Only chat generates tokens; embeddings and model lists answer after the first delay.
    const generationMs =
      simRequest.operation === 'chat'
        ? plan.timing.firstTokenMs + plan.timing.tokenDelayMs * Math.max(0, plan.chunks.length - 1)
        : plan.timing.firstTokenMs;
    if (fault) {
      await answerNonStreamFault({ fault, module, simRequest, tracker, delayMs: generationMs });
      return;
    }
    if (!(await tracker.wait(generationMs))) return;
  }

  const context: ProtocolContext = {
    request: simRequest,
    plan,
    response,
    json(status, jsonBody, headers) {
      if (tracker.closed) return;
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      tracker.end(JSON.stringify(jsonBody));
    },
    streamFrames: (frames, streamOptions) => streamFrames({ tracker, plan, frames, streamOptions }),
  };
  await module.handle(context);
}
