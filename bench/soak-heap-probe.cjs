// Loaded into the soaked `catalyst serve` process with `node --require` (bench/soak.bench.mjs):
// every 10 s it forces a full garbage collection and appends the live JavaScript heap and the RSS
// to the file named by CATALYST_SOAK_HEAP_LOG, one JSON line each. RSS alone cannot tell a leak
// from V8 and the allocator keeping freed memory; the heap that survives a full GC can.
'use strict';
const { appendFileSync } = require('node:fs');
const { setFlagsFromString } = require('node:v8');
const { runInNewContext } = require('node:vm');

const file = process.env.CATALYST_SOAK_HEAP_LOG;
if (file) {
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc');
  const startedAt = Date.now();
  setInterval(() => {
    collect();
    const memory = process.memoryUsage();
    const line = {
      seconds: (Date.now() - startedAt) / 1000,
      heapMb: memory.heapUsed / 1048576,
      externalMb: memory.external / 1048576,
      rssMb: memory.rss / 1048576,
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  }, 10_000).unref();
}
