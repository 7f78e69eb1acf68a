import { asArray, asNumber, asRecord, asString } from '../core/json-value.js';
import type { RequestSummary, SimRequest } from '../types.js';
import { protoField } from './proto-field.js';

type Part = Record<string, unknown> | undefined;

function partsOf(content: unknown): Part[] {
  return asArray(asRecord(content)?.parts).map(asRecord);
}

function textOfParts(parts: Part[]): string {
  return parts
    .flatMap((part) => {
      const text = asString(part?.text);
      return text === undefined ? [] : [text];
    })
    .join('');
}

/** Everything in a part that counts as prompt: text, function calls and their results. */
function promptTextOfPart(part: Part): string {
  const text = asString(part?.text);
  if (text !== undefined) {
    return text;
  }
  const call = asRecord(protoField(part, 'functionCall'));
  if (call !== undefined) {
    return `${asString(call.name) ?? ''} ${JSON.stringify(call.args ?? {})}`;
  }
  const result = asRecord(protoField(part, 'functionResponse'));
  if (result !== undefined) {
    return `${asString(result.name) ?? ''} ${JSON.stringify(result.response ?? {})}`;
  }
  // Inline images and files count too, but the simulator has no tokenizer for them; a fixed
  // share keeps estimates honest without decoding base64.
  return part === undefined ? '' : ' '.repeat(64);
}

function isUserTurn(content: unknown): boolean {
  // A content without a role is a user turn: the REST API defaults it so.
  const role = asString(asRecord(content)?.role);
  return role === undefined || role === 'user';
}

function functionResults(content: unknown): Part[] {
  return partsOf(content).filter((part) => protoField(part, 'functionResponse') !== undefined);
}

function functionDeclarations(tools: unknown): Array<{ name: string; parameters: unknown }> {
  return asArray(tools).flatMap((tool) =>
    asArray(protoField(asRecord(tool), 'functionDeclarations')).flatMap((item) => {
      const declaration = asRecord(item);
      const name = asString(declaration?.name);
      if (name === undefined) {
        return [];
      }
      const parameters =
        protoField(declaration, 'parametersJsonSchema') ?? declaration?.parameters ?? {};
      return [{ name, parameters }];
    }),
  );
}

function toolChoice(toolConfig: unknown): RequestSummary['toolChoice'] {
  const config = asRecord(protoField(asRecord(toolConfig), 'functionCallingConfig'));
  const allowed = asArray(protoField(config, 'allowedFunctionNames')).flatMap((name) =>
    typeof name === 'string' ? [name] : [],
  );
  switch (asString(config?.mode)) {
    case 'NONE':
      return 'none';
    case 'ANY':
      // ANY restricted to one function is how clients force a specific call.
      return allowed.length === 1 && allowed[0] !== undefined ? { name: allowed[0] } : 'required';
    default:
      return 'auto';
  }
}

function responseFormat(
  generationConfig: Record<string, unknown> | undefined,
): RequestSummary['responseFormat'] {
  if (protoField(generationConfig, 'responseMimeType') !== 'application/json') {
    return { type: 'text' };
  }
  const schema =
    protoField(generationConfig, 'responseJsonSchema') ??
    protoField(generationConfig, 'responseSchema');
  return schema === undefined ? { type: 'json_object' } : { type: 'json_schema', schema };
}

/** Texts to embed: one per `embedContent`, one per request of `batchEmbedContents`. */
function embeddingInputs(body: Record<string, unknown>): string[] {
  if (body.content !== undefined) {
    return [textOfParts(partsOf(body.content))];
  }
  return asArray(body.requests).map((request) => textOfParts(partsOf(asRecord(request)?.content)));
}

/**
 * Normalises a Gemini body (generateContent, streamGenerateContent, countTokens, embedContent,
 * batchEmbedContents), in camelCase or snake_case. `responseMimeType: application/json` is
 * Gemini's JSON mode; a schema in `responseSchema` or `responseJsonSchema` makes it structured.
 */
export function summarizeGeminiRequest(request: SimRequest): RequestSummary {
  const body = asRecord(request.body) ?? {};
  // countTokens may wrap the whole generate request in `generateContentRequest`.
  const generate = asRecord(protoField(body, 'generateContentRequest')) ?? body;
  const contents = asArray(generate.contents);
  const generationConfig = asRecord(protoField(generate, 'generationConfig'));
  const tools = functionDeclarations(generate.tools);
  const lastUser = [...contents].reverse().find(isUserTurn);
  const lastResults = functionResults(contents.at(-1));
  const promptParts = [textOfParts(partsOf(protoField(generate, 'systemInstruction')))];
  for (const content of contents) {
    promptParts.push(partsOf(content).map(promptTextOfPart).join('\n'));
  }
  for (const tool of tools) {
    promptParts.push(`${tool.name} ${JSON.stringify(tool.parameters)}`);
  }
  const maxTokens = asNumber(protoField(generationConfig, 'maxOutputTokens'));
  const typedText = textOfParts(partsOf(lastUser));
  return {
    lastUserText:
      typedText !== '' || lastResults.length === 0
        ? typedText
        : lastResults.map(promptTextOfPart).join('\n'),
    promptText: promptParts.filter((part) => part !== '').join('\n'),
    messageCount: contents.length,
    lastIsToolResult: lastResults.length > 0,
    ...(lastResults.length > 0
      ? { lastToolResultText: lastResults.map(promptTextOfPart).join('\n') }
      : {}),
    tools,
    toolChoice: toolChoice(protoField(generate, 'toolConfig')),
    responseFormat: responseFormat(generationConfig),
    ...(maxTokens === undefined ? {} : { maxTokens }),
    stop: asArray(protoField(generationConfig, 'stopSequences')).flatMap((stop) =>
      typeof stop === 'string' ? [stop] : [],
    ),
    choices: asNumber(protoField(generationConfig, 'candidateCount')) ?? 1,
    embeddingInputs: request.operation === 'embeddings' ? embeddingInputs(body) : [],
  };
}
