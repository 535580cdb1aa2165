// jsonata-js side of the benchmark: node bench.js DATA.json WORKLOADS.json NAME
'use strict';
const fs = require('fs');
const jsonata = require('jsonata');

async function main() {
  const [dataPath, workloadsPath, name] = process.argv.slice(2);
  const records = JSON.parse(fs.readFileSync(dataPath, 'utf8'));
  const workload = JSON.parse(fs.readFileSync(workloadsPath, 'utf8'))[name];
  const expr = jsonata(workload.expr);
  const runOnce = async (limit) => {
    let sink = 0;
    if (workload.mode === 'whole') {
      const r = await expr.evaluate(limit ? records.slice(0, limit) : records);
      sink += r === undefined ? 0 : 1;
    } else {
      const n = limit || records.length;
      for (let i = 0; i < n; i++) {
        const r = await expr.evaluate(records[i]);
        sink += r === undefined ? 0 : 1;
      }
    }
    return sink;
  };
  await runOnce(Math.min(10000, records.length)); // let the JIT warm up
  const start = process.hrtime.bigint();
  const sink = await runOnce(0);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`${name} jsonata-js ${Math.round(records.length / seconds)} records/s (${seconds.toFixed(3)} s, ${sink})`);
}
main().catch((e) => { console.error(e); process.exit(1); });
