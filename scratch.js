const YAML = require('yaml');
const lc = new YAML.LineCounter();
const d = YAML.parseDocument('a: 1\rb: 2\nc: 3\n', {lineCounter: lc, uniqueKeys: true});
console.log(JSON.stringify(d.toJS()), d.errors.map(e=>e.message), lc.lineStarts);
const d2 = YAML.parseDocument('a: "x\ry"\n', {uniqueKeys: true});
console.log(JSON.stringify(d2.toJS()));
// bomb
const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]'];
const names='abcdefghij';
for (let i=1;i<9;i++) bomb.push(`${names[i]}: &${names[i]} [${Array(9).fill('*'+names[i-1]).join(',')}]`);
const text = bomb.join('\n')+'\n';
console.log(text.length);
let t=Date.now(); const bd = YAML.parseDocument(text, {uniqueKeys:true, merge:false}); console.log('parse', Date.now()-t, bd.errors.length);
// dup keys
for (const s of ['1.5: a\n1.5: b\n', 'true: a\ntrue: b\n', 'null: a\n~: b\n', '1: a\n"1": b\n', '1: a\n01: b\n', '0x1: a\n1: b\n', 'a: 1\n"a": 2\n', '1.5: a\n1.50: b\n']) {
  const dd = YAML.parseDocument(s, {uniqueKeys:true, merge:false});
  console.log(JSON.stringify(s), dd.errors.map(e=>e.code));
}
