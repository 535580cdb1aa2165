// Writes N synthetic CRM records (deterministic) as a JSON array: node generate-data.js N OUT.json
'use strict';
const fs = require('fs');
const count = parseInt(process.argv[2] || '100000', 10);
const out = process.argv[3] || 'data.json';
let seed = 42;
const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const pick = (list) => list[Math.floor(rand() * list.length)];
const first = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Radia', 'Linus'];
const last = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson', 'Perlman'];
const countries = ['DE', 'FR', 'GB', 'US', 'NL', 'SE'];
const categories = ['hardware', 'software', 'services'];
const records = [];
for (let i = 0; i < count; i++) {
  const fn = pick(first);
  const ln = pick(last);
  const items = [];
  const n = 2 + Math.floor(rand() * 6);
  for (let k = 0; k < n; k++) {
    items.push({ sku: 'sku-' + Math.floor(rand() * 5000), qty: 1 + Math.floor(rand() * 5),
                 price: Math.round(rand() * 10000) / 100, category: pick(categories) });
  }
  records.push({
    id: String(100000 + i),
    properties: { email: (fn + '.' + ln + i + '@Example.COM'), firstname: fn, lastname: ln,
                  country: pick(countries), score: Math.floor(rand() * 100), createdate: '2024-01-0' + (1 + i % 9) },
    lineItems: items,
  });
}
fs.writeFileSync(out, JSON.stringify(records));
