// The bare fetch the engine's sync is measured against: node fetch.js BASE_URL ACCESS_TOKEN
// Reads every HubSpot contact page on one kept-alive connection (the definition's path, page size and cursor),
// parses each page and serialises each record once (as the engine does to store it); prints the record count.
'use strict';
const http = require('http');
const [base, token] = process.argv.slice(2);
const properties = 'email,firstname,lastname,company,phone,lifecyclestage,createdate,lastmodifieddate';
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const get = (path) => new Promise((resolve, reject) => {
  http.get(base + path, { agent, headers: { Authorization: 'Bearer ' + token } }, (response) => {
    const chunks = [];
    response.on('data', (chunk) => chunks.push(chunk));
    response.on('end', () => response.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8'))
                                                          : reject(new Error('HTTP ' + response.statusCode)));
  }).on('error', reject);
});
(async () => {
  let after = '';
  let records = 0;
  let bytes = 0;
  for (;;) {
    const page = JSON.parse(await get('/crm/v3/objects/contacts?limit=100&properties=' + properties +
                                      (after ? '&after=' + after : '')));
    for (const record of page.results) bytes += JSON.stringify(record).length;
    records += page.results.length;
    after = page.paging && page.paging.next ? page.paging.next.after : '';
    if (!after) break;
  }
  console.log(`${records} records (${bytes} bytes serialised)`);
  agent.destroy();
})().catch((e) => { console.error(e); process.exit(1); });
