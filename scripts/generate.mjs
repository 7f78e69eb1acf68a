#!/usr/bin/env node
// Writes every file generated from the TypeScript registries; `npm run generate` builds first.
// Tests fail when a committed copy drifts, so run this whenever a node type, a provider's
// environment names or the model catalog changes:
//   - schema/workflow.schema.json           the published workflow file schema
//   - conformance/node-manifest.json        node types and provider environment names (Python reads it)
// (conformance/model-catalog.json and its TypeScript twin are built before the TypeScript build by
// scripts/generate-model-catalog.mjs, from the data packages and the reviewed overlay.)
//   - python/catalyst_runtime/node_configs.py  a TypedDict per node type's config
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { nodeConfigsModule } from '@catalyst/codegen-python';
import { buildNodeManifest, nodeManifestText, workflowFileSchema } from '@catalyst/workflow';

const root = fileURLToPath(new URL('../', import.meta.url));

async function write(path, text) {
  await writeFile(`${root}${path}`, text);
  console.log(`wrote ${path}`);
}

await write('schema/workflow.schema.json', `${JSON.stringify(workflowFileSchema(), null, 2)}\n`);
// The schema is committed in Biome's JSON format (short arrays on one line).
execFileSync(
  `${root}node_modules/.bin/biome`,
  ['format', '--write', 'schema/workflow.schema.json'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
await write('conformance/node-manifest.json', nodeManifestText());
await write('python/catalyst_runtime/node_configs.py', nodeConfigsModule(buildNodeManifest()));
