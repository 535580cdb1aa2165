// jsonata-js as a whole process, like `patchbay jsonata --compact --data FILE EXPR`: node evaluate.js FILE EXPR
// Reads and parses the file, evaluates the expression once and prints the result as compact JSON.
'use strict';
const fs = require('fs');
const jsonata = require('jsonata');
const [path, expression] = process.argv.slice(2);
jsonata(expression).evaluate(JSON.parse(fs.readFileSync(path, 'utf8'))).then((result) => {
  process.stdout.write(JSON.stringify(result) + '\n');
}, (error) => { console.error(error); process.exit(1); });
