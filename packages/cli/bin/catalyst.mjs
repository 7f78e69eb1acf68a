#!/usr/bin/env node
// A committed, executable entry point, so `npx catalyst` works right after `npm install`;
// the CLI itself is compiled to dist/ by `npm run build` (part of `npm run setup`).
await import('../dist/bin.js');
