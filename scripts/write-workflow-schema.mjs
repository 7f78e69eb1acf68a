#!/usr/bin/env node
// Writes schema/workflow.schema.json from the node registry. Run after `npm run build` (it
// imports the built @catalyst/workflow); a test fails when the committed file drifts from the
// registry, so run this whenever a node type changes:
//   npm run build && node scripts/write-workflow-schema.mjs && npx biome format --write schema
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { workflowFileSchema } from '@catalyst/workflow';

const target = fileURLToPath(new URL('../schema/workflow.schema.json', import.meta.url));
await writeFile(target, `${JSON.stringify(workflowFileSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
