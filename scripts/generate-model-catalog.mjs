#!/usr/bin/env node
// Builds the one model catalog both runtimes read, from maintained data instead of by hand:
//
// - prices (input, output, cache read, cache write, tiers) and context windows from the
//   `@pydantic/genai-prices` data package, read from its bundled data (never its remote update);
// - deprecations and end-of-life dates from the official SDKs' own tables where they ship one
//   (`@anthropic-ai/sdk` has DEPRECATED_MODELS; openai, groq-sdk and @google/genai have none);
// - our additions (which models, capabilities, embedding dimensions, output limits, replacements,
//   retirements) from the reviewed overlay `conformance/model-catalog.overlay.json`.
//
// It writes `conformance/model-catalog.json` (read by the Python runtime and copied into
// generated projects) and `packages/providers/src/catalog/default-models.ts` (the TypeScript
// twin). Everything comes from installed packages, so it runs offline.
//
//   node scripts/generate-model-catalog.mjs           write both files
//   node scripts/generate-model-catalog.mjs --check   exit 1 when either file is out of date

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(ROOT, 'package.json'));

/** Where the generator reads and writes, relative to the repository root. */
export const CATALOG_PATHS = {
  overlay: 'conformance/model-catalog.overlay.json',
  catalog: 'conformance/model-catalog.json',
  typescript: 'packages/providers/src/catalog/default-models.ts',
};

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "November 30th, 2026" (the Anthropic SDK's wording) → "2026-11-30". */
export function parseSdkDate(text) {
  const match = /^([A-Z][a-z]+) (\d{1,2})(?:st|nd|rd|th)?, (\d{4})$/.exec(text.trim());
  const month = match ? MONTHS.indexOf(match[1]) + 1 : 0;
  if (!match || month === 0) throw new Error(`unrecognised end-of-life date "${text}"`);
  return `${match[3]}-${String(month).padStart(2, '0')}-${match[2].padStart(2, '0')}`;
}

// Packages whose export map hides package.json are found from their entry point upwards.
function packageDirectory(name) {
  let directory = dirname(require.resolve(name));
  while (!directory.endsWith(join('node_modules', name))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`cannot locate the installed package ${name}`);
    directory = parent;
  }
  return directory;
}

function packageVersion(name) {
  return JSON.parse(readFileSync(join(packageDirectory(name), 'package.json'), 'utf8')).version;
}

/** The Anthropic SDK's deprecation table (model id → end-of-life date), as the SDK ships it. */
export async function readAnthropicDeprecations() {
  // The table is internal to the SDK (not in its export map), so it is loaded by file path.
  const directory = packageDirectory('@anthropic-ai/sdk');
  const module = await import(
    pathToFileURL(join(directory, 'internal', 'data', 'deprecated-models.mjs')).href
  );
  return Object.fromEntries(
    Object.entries(module.DEPRECATED_MODELS).map(([id, date]) => [id, parseSdkDate(date)]),
  );
}

/** Model ids the Anthropic SDK's `Model` type lists (it ships them as a type, read from it). */
export function readAnthropicModelIds() {
  const directory = packageDirectory('@anthropic-ai/sdk');
  const types = readFileSync(join(directory, 'resources', 'messages', 'messages.d.ts'), 'utf8');
  const union = /export type Model =([^;]*);/.exec(types)?.[1] ?? '';
  return [...union.matchAll(/'([^']+)'/g)].map((match) => match[1]);
}

// genai-prices' model prices may be a list of prices with start dates; the one in force on the
// overlay's `pricesAsOf` date is used, so the output does not change with the day it runs.
function pricesInForce(model, asOf) {
  if (!Array.isArray(model.prices)) return model.prices;
  for (let index = model.prices.length - 1; index >= 0; index--) {
    const entry = model.prices[index];
    if (!entry.constraint) return entry.prices;
    if (entry.constraint.type === 'start_date' && asOf >= entry.constraint.start_date) {
      return entry.prices;
    }
  }
  return model.prices[0].prices;
}

const PRICE_KEYS = [
  ['input_mtok', 'inputPerMillion'],
  ['output_mtok', 'outputPerMillion'],
  ['cache_read_mtok', 'cacheReadPerMillion'],
  ['cache_write_mtok', 'cacheWritePerMillion'],
];

// genai-prices tiers price the whole request at the tier's rate once the prompt (all input
// tokens) exceeds `start`; Catalyst keeps that meaning under the name `inputTokensAbove`.
function toPricing(prices) {
  const pricing = {};
  const thresholds = new Set();
  for (const [source, target] of PRICE_KEYS) {
    const value = prices[source];
    if (value === undefined) continue;
    if (typeof value === 'number') {
      pricing[target] = value;
    } else {
      pricing[target] = value.base;
      for (const tier of value.tiers) thresholds.add(tier.start);
    }
  }
  if (pricing.outputPerMillion === undefined && pricing.inputPerMillion !== undefined) {
    pricing.outputPerMillion = 0; // embedding models have no output
  }
  const tiers = [...thresholds]
    .sort((a, b) => a - b)
    .map((start) => {
      const tier = { inputTokensAbove: start };
      for (const [source, target] of PRICE_KEYS) {
        const value = prices[source];
        if (value === undefined) continue;
        if (typeof value === 'number') tier[target] = value;
        else {
          let price = value.base;
          for (const step of value.tiers) if (start >= step.start) price = step.price;
          tier[target] = price;
        }
      }
      return tier;
    });
  const ordered = {
    inputPerMillion: pricing.inputPerMillion,
    outputPerMillion: pricing.outputPerMillion,
  };
  if (pricing.cacheReadPerMillion !== undefined)
    ordered.cacheReadPerMillion = pricing.cacheReadPerMillion;
  if (pricing.cacheWritePerMillion !== undefined)
    ordered.cacheWritePerMillion = pricing.cacheWritePerMillion;
  if (tiers.length > 0) ordered.tiers = tiers;
  return ordered;
}

/**
 * Builds the catalog object from the overlay and the installed data packages.
 *
 * @returns {Promise<{ sources: object, models: object[] }>}
 */
export async function buildModelCatalog() {
  const overlay = JSON.parse(readFileSync(join(ROOT, CATALOG_PATHS.overlay), 'utf8'));
  const genaiPrices = await import('@pydantic/genai-prices');
  const anthropicDeprecations = await readAnthropicDeprecations();
  const anthropicIds = readAnthropicModelIds();
  const asOf = overlay.pricesAsOf;

  const models = overlay.models.map((entry) => {
    const priceProvider = overlay.priceSources[entry.provider];
    let priced;
    if (priceProvider) {
      const provider = genaiPrices.findProvider({ providerId: priceProvider });
      const result = genaiPrices.calcPrice({ input_tokens: 1 }, entry.id, {
        provider,
        timestamp: new Date(`${asOf}T00:00:00Z`),
      });
      if (!result) {
        throw new Error(
          `@pydantic/genai-prices has no price for ${entry.provider}/${entry.id}; fix the id in ${CATALOG_PATHS.overlay}`,
        );
      }
      priced = result.model;
    }
    const capabilities = overlay.capabilityPresets[entry.capabilities];
    if (!capabilities) throw new Error(`unknown capabilities "${entry.capabilities}"`);
    const contextWindow = priced?.context_window ?? entry.contextWindow;
    if (contextWindow === undefined) {
      throw new Error(`${entry.provider}/${entry.id}: no context window in the data or overlay`);
    }
    const model = {
      id: entry.id,
      provider: entry.provider,
      contextWindow,
      maxOutputTokens: entry.maxOutputTokens,
    };
    if (entry.dimensions !== undefined) model.dimensions = entry.dimensions;
    model.pricing = priced ? toPricing(pricesInForce(priced, asOf)) : entry.pricing;
    model.capabilities = capabilities;

    const sdkEndOfLife =
      entry.provider === 'anthropic' ? anthropicDeprecations[entry.id] : undefined;
    if (sdkEndOfLife !== undefined || priced?.deprecated) {
      if (!entry.replacements?.length) {
        throw new Error(
          `${entry.provider}/${entry.id} is deprecated by ${sdkEndOfLife ? '@anthropic-ai/sdk' : '@pydantic/genai-prices'}; give it "replacements" in ${CATALOG_PATHS.overlay}`,
        );
      }
      model.deprecated = {
        ...(sdkEndOfLife ? { endOfLife: sdkEndOfLife } : {}),
        replacements: entry.replacements,
        source: sdkEndOfLife ? '@anthropic-ai/sdk' : '@pydantic/genai-prices',
      };
    }
    return model;
  });

  const retired = overlay.retired.map((entry) => ({
    id: entry.id,
    provider: entry.provider,
    contextWindow: 0,
    maxOutputTokens: 0,
    capabilities: overlay.capabilityPresets[entry.embedding ? 'embedding' : 'textOnly'],
    retired: { since: entry.since, replacements: entry.replacements },
  }));

  const catalogIds = new Set(models.map((model) => `${model.provider}/${model.id}`));
  for (const model of [...models, ...retired]) {
    for (const replacement of (model.deprecated ?? model.retired)?.replacements ?? []) {
      if (!catalogIds.has(`${model.provider}/${replacement}`)) {
        throw new Error(
          `${model.provider}/${model.id}: replacement "${replacement}" is not in the catalog`,
        );
      }
    }
  }

  return {
    sources: {
      '@pydantic/genai-prices': packageVersion('@pydantic/genai-prices'),
      '@anthropic-ai/sdk': packageVersion('@anthropic-ai/sdk'),
      pricesAsOf: asOf,
      // Claude ids the SDK knows that the catalog leaves out (no price in the data, or not yet
      // reviewed): a prompt to extend the overlay, not an error.
      anthropicSdkModelsNotInCatalog: anthropicIds.filter(
        (id) =>
          !catalogIds.has(`anthropic/${id}`) &&
          !catalogIds.has(`anthropic/${id.replace(/-\d{8}$/, '')}`),
      ),
    },
    models: [...models, ...retired],
  };
}

/** The catalog as the JSON file holds it. */
export function renderCatalogJson(catalog) {
  return `${JSON.stringify(catalog, null, 2)}\n`;
}

/** The TypeScript twin, formatted by the repository's own formatter so lint stays quiet. */
export function renderDefaultModelsModule(catalog) {
  const current = catalog.models.filter((model) => !model.retired);
  const retired = catalog.models.filter((model) => model.retired);
  const source = `// Generated by scripts/generate-model-catalog.mjs from conformance/model-catalog.overlay.json,
// @pydantic/genai-prices and the official SDKs' deprecation tables. Do not edit: change the
// overlay (or update the data packages) and run \`npm run generate\`.
import type { ModelInfo } from '@catalyst/spec';

/** Versions of the data the catalog was built from. */
export const CATALOG_SOURCES = ${JSON.stringify(catalog.sources)} as const;

/** The models Catalyst knows out of the box. */
export const DEFAULT_MODELS: ModelInfo[] = ${JSON.stringify(current)};

/** Model ids that providers have retired, with what replaced them. */
export const RETIRED_MODELS: ModelInfo[] = ${JSON.stringify(retired)};
`;
  const biome = spawnSync(
    process.execPath,
    [
      require.resolve('@biomejs/biome/bin/biome'),
      'format',
      `--stdin-file-path=${CATALOG_PATHS.typescript}`,
    ],
    { cwd: ROOT, input: source, encoding: 'utf8' },
  );
  if (biome.status !== 0) throw new Error(`biome format failed: ${biome.stderr}`);
  return biome.stdout;
}

async function main() {
  const check = process.argv.includes('--check');
  const catalog = await buildModelCatalog();
  const outputs = [
    [CATALOG_PATHS.catalog, renderCatalogJson(catalog)],
    [CATALOG_PATHS.typescript, renderDefaultModelsModule(catalog)],
  ];
  let stale = false;
  for (const [path, content] of outputs) {
    const absolute = join(ROOT, path);
    let current = '';
    try {
      current = readFileSync(absolute, 'utf8');
    } catch {}
    if (current === content) continue;
    if (check) {
      stale = true;
      console.error(`${path} is out of date: run npm run generate`);
    } else {
      writeFileSync(absolute, content);
      console.log(`wrote ${path}`);
    }
  }
  if (stale) process.exit(1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
