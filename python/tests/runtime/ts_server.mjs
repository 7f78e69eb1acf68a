// Serves one workflow with the TypeScript runtime (packages/runtime/dist), for the cross-runtime
// comparison tests. Usage: node ts_server.mjs WORKFLOW.json [KEEP_ALIVE_MS]
// Providers read keys and base URLs from the environment (the tests point them at a simulator).
// CATALYST_GATEWAY_FILE names the OpenAI gateway's file, as generated Python services read it.
// Prints "listening on http://HOST:PORT" once ready.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../packages/', import.meta.url));
const runtime = await import(`${root}runtime/dist/index.js`);
const family = await import(`${root}providers/dist/openai-compatible/index.js`);
const { createAnthropicProvider } = await import(`${root}providers/dist/anthropic/index.js`);
const { createGeminiProvider } = await import(`${root}providers/dist/gemini/index.js`);
const { createVoyageProvider } = await import(`${root}providers/dist/voyage/index.js`);

const workflow = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const keepAliveMs = Number(process.argv[3] ?? '15000');
const environment = { ...process.env };
const factories = {
  openai: family.createOpenAIProvider,
  azure: family.createAzureOpenAIProvider,
  groq: family.createGroqProvider,
  xai: family.createXaiProvider,
  'openai-compatible': family.createOpenAICompatibleProvider,
  anthropic: createAnthropicProvider,
  gemini: createGeminiProvider,
  voyage: createVoyageProvider,
};
const cache = new Map();
const providers = (name) => {
  if (!cache.has(name)) cache.set(name, factories[name]({ environment }));
  return cache.get(name);
};
const gatewayFile = environment.CATALYST_GATEWAY_FILE;
const gateway = gatewayFile
  ? runtime.parseGatewayConfig(readFileSync(gatewayFile, 'utf8'), gatewayFile)
  : undefined;
const app = runtime.createCatalystApp({
  workflows: [workflow],
  providers,
  environment,
  keepAliveMs,
  ...(gateway !== undefined && { gateway }),
});
const server = await runtime.serveNode(app, { port: 0, host: '127.0.0.1' });
console.log(`listening on ${server.url}`);
