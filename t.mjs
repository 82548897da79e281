import { parser } from '@lezer/python';
const text = require_text();
function require_text(){ return process.argv[2]; }
const tree = parser.parse(text);
let depth = 0;
tree.iterate({ enter(n) { console.log('  '.repeat(depth) + n.name + ' ' + JSON.stringify(text.slice(n.from, n.to).slice(0, 50))); depth++; }, leave() { depth--; } });
