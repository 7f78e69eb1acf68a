import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NODE_TYPES } from '../nodes/node-types.js';
import { buildNodeManifest, NODE_MANIFEST_PATH, nodeManifestText } from './node-manifest.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

describe('conformance/node-manifest.json', () => {
  it('equals what the node registry and provider table produce (run `npm run generate` after changing either)', () => {
    const committed = readFileSync(`${root}${NODE_MANIFEST_PATH}`, 'utf8');
    expect(
      committed === nodeManifestText(),
      `${NODE_MANIFEST_PATH} is out of date: run \`npm run generate\``,
    ).toBe(true);
  });

  it('records every node type with its handles, defaults and schema, and every provider', () => {
    const manifest = buildNodeManifest();
    expect(manifest.nodeTypes.map((entry) => entry.type)).toEqual(
      NODE_TYPES.map((definition) => definition.type),
    );
    const router = manifest.nodeTypes.find((entry) => entry.type === 'llmRouter');
    expect(router?.outputs.map((handle) => handle.id)).toEqual([
      'output',
      'stream',
      'function_call',
    ]);
    expect(router?.defaultConfig.strategy).toBe('ordered');
    expect(manifest.nodeTypes.find((entry) => entry.type === 'input')?.provider).toBeNull();
    expect(manifest.providers.gemini?.apiKey).toEqual(['GEMINI_API_KEY', 'GOOGLE_API_KEY']);
    expect(manifest.providers.azure?.apiVersion).toBe('AZURE_OPENAI_API_VERSION');
    expect(manifest.providers.openai?.note).toContain('optional');
  });
});
