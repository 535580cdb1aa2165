// node's side of the parse measurement: node parse.js FILE [RUNS] — best MB/s of JSON.parse over the file's text.
'use strict';
const fs = require('fs');
const [path, runsText] = process.argv.slice(2);
const text = fs.readFileSync(path, 'utf8');
const bytes = Buffer.byteLength(text);
let best = Infinity;
for (let i = 0; i < parseInt(runsText || '3', 10); i++) {
  const start = process.hrtime.bigint();
  const value = JSON.parse(text);
  best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  if (value === undefined) process.exit(1);
}
console.log(`${'JSON.parse (node)'.padEnd(34)} ${(bytes / 1e6 / best).toFixed(0).padStart(8)} MB/s (${best.toFixed(3)} s for ${(bytes / 1e6).toFixed(1)} MB)`);
