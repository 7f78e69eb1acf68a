import type { Content, GenerateContentParameters } from '@google/genai';

/** The JSON body of `models/{model}:streamGenerateContent`, as the Gemini API reads it. */
export interface GeminiWireBody {
  contents: Content[];
  systemInstruction?: Content;
  tools?: unknown[];
  toolConfig?: unknown;
  serviceTier?: unknown;
  labels?: unknown;
  store?: unknown;
  /** Set by the client on a hop that continues a streamed answer (the SDK's `continuationToken`). */
  continuationToken?: string;
  generationConfig: Record<string, unknown>;
}

// Config fields `@google/genai` 2.x copies into `generationConfig` unchanged (its
// `generateContentConfigToMldev`). Fields it transforms (`responseSchema`, `speechConfig`,
// `imageConfig`), moves elsewhere (`safetySettings`, `cachedContent`) or rejects outside Vertex
// are not here: a request that sets one is sent by the SDK.
const GENERATION_FIELDS = new Set([
  'temperature',
  'topP',
  'topK',
  'candidateCount',
  'maxOutputTokens',
  'stopSequences',
  'responseLogprobs',
  'logprobs',
  'presencePenalty',
  'frequencyPenalty',
  'seed',
  'responseMimeType',
  'responseJsonSchema',
  'responseModalities',
  'mediaResolution',
  'thinkingConfig',
  'audioTranscriptionConfig',
  'enableEnhancedCivicAnswers',
]);

// Config fields the SDK lifts, unchanged, to the top of the body.
const TOP_LEVEL_FIELDS = new Set(['serviceTier', 'labels', 'store']);

// The part fields the SDK keeps (`partToMldev`); `functionCall` is kept only without the
// Vertex-only `partialArgs` / `willContinue`, which the SDK rejects.
const PART_FIELDS = new Set([
  'mediaResolution',
  'toolCall',
  'toolResponse',
  'audioTranscription',
  'codeExecutionResult',
  'executableCode',
  'fileData',
  'functionCall',
  'functionResponse',
  'inlineData',
  'text',
  'thought',
  'thoughtSignature',
  'videoMetadata',
  'partMetadata',
  'mediaProcessing',
  'speechMetadata',
]);

/**
 * The wire body `@google/genai` would send for `parameters` (the output of
 * `createGeminiRequest`), built without the SDK, or `undefined` when the parameters hold
 * something the direct path does not mirror field for field (a `providerOptions` field the SDK
 * transforms or rejects, a tool other than function declarations, a system instruction that is
 * not a string): the provider then sends that request through the SDK, whose converter decides.
 *
 * Like the SDK, fields set to `null` or `undefined` are left out and `generationConfig` is always
 * present.
 */
export function geminiWireBody(parameters: GenerateContentParameters): GeminiWireBody | undefined {
  const contents = parameters.contents;
  if (!Array.isArray(contents) || contents.length === 0) return undefined;
  const wireContents: Content[] = [];
  for (const content of contents) {
    const wire = wireContent(content);
    if (!wire) return undefined;
    wireContents.push(wire);
  }
  const body: GeminiWireBody = { contents: wireContents, generationConfig: {} };
  for (const [name, value] of Object.entries(parameters.config ?? {})) {
    if (value === undefined || value === null) continue;
    if (GENERATION_FIELDS.has(name)) {
      body.generationConfig[name] = value;
    } else if (TOP_LEVEL_FIELDS.has(name)) {
      (body as unknown as Record<string, unknown>)[name] = value;
    } else if (name === 'automaticContinuation') {
      // Read by the client that sends the body (it continues the stream or not), never sent.
    } else if (name === 'systemInstruction') {
      // The SDK turns a string into a user turn (its `tContent`); other shapes stay with it.
      if (typeof value !== 'string') return undefined;
      body.systemInstruction = { parts: [{ text: value }], role: 'user' };
    } else if (name === 'tools') {
      const tools = wireTools(value);
      if (!tools) return undefined;
      body.tools = tools;
    } else if (name === 'toolConfig') {
      const toolConfig = wireToolConfig(value);
      if (!toolConfig) return undefined;
      body.toolConfig = toolConfig;
    } else {
      return undefined;
    }
  }
  return body;
}

function wireContent(content: unknown): Content | undefined {
  if (typeof content !== 'object' || content === null || !('parts' in content)) return undefined;
  const { parts, role } = content as Content;
  if (!Array.isArray(parts)) return undefined;
  const wireParts: Record<string, unknown>[] = [];
  for (const part of parts) {
    if (typeof part !== 'object' || part === null) return undefined;
    const wirePart: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(part)) {
      if (value === undefined || value === null) continue;
      if (!PART_FIELDS.has(name)) return undefined;
      if (name === 'functionCall' && !plainFunctionCall(value)) return undefined;
      wirePart[name] = value;
    }
    wireParts.push(wirePart);
  }
  const wire: Content = { parts: wireParts };
  if (role !== undefined && role !== null) wire.role = role;
  return wire;
}

/** A function call the SDK passes as it is: only `id`, `name` and `args`, none of them null. */
function plainFunctionCall(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).every(
    ([name, field]) =>
      (name === 'id' || name === 'name' || name === 'args') &&
      field !== null &&
      field !== undefined,
  );
}

/** Function declarations with `parametersJsonSchema` (what Catalyst sends) pass unchanged. */
function wireTools(value: unknown): unknown[] | undefined {
  if (!Array.isArray(value)) return undefined;
  for (const tool of value) {
    if (typeof tool !== 'object' || tool === null) return undefined;
    const names = Object.keys(tool);
    if (names.length !== 1 || names[0] !== 'functionDeclarations') return undefined;
    const declarations = (tool as { functionDeclarations: unknown }).functionDeclarations;
    if (!Array.isArray(declarations)) return undefined;
    for (const declaration of declarations) {
      if (typeof declaration !== 'object' || declaration === null) return undefined;
      // `parameters` / `response` go through the SDK's schema conversion.
      if ('parameters' in declaration || 'response' in declaration) return undefined;
    }
  }
  return value;
}

/** `functionCallingConfig` with a mode and allowed names passes unchanged. */
function wireToolConfig(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  const names = Object.keys(value);
  if (names.length !== 1 || names[0] !== 'functionCallingConfig') return undefined;
  const calling = (value as { functionCallingConfig: unknown }).functionCallingConfig;
  if (typeof calling !== 'object' || calling === null) return undefined;
  const wire: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(calling)) {
    if (field === undefined || field === null) continue;
    if (name !== 'mode' && name !== 'allowedFunctionNames') return undefined;
    wire[name] = field;
  }
  return { functionCallingConfig: wire };
}
