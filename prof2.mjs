import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const py = require('./build/server/src/analysis/python/index.js');
const root = process.argv[2];
const files = [];
const walk = (rel) => { for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) { const c = rel ? `${rel}/${e.name}` : e.name; if (e.isDirectory()) walk(c); else files.push(c); } };
walk('');
const texts = new Map(files.map((f) => [f, fs.readFileSync(path.join(root, f), 'utf8')]));
const pyf = files.filter(f => f.endsWith('.py'));
for (let r = 0; r < 3; r++) {
  const c = process.cpuUsage();
  const index = new py.PythonIndex({ roots: py.pythonRootsFor(files) });
  for (const f of pyf) index.update(f, texts.get(f));
  const u1 = process.cpuUsage(c);
  index.tasks(); const u2 = process.cpuUsage(c);
  index.exceptionClasses(); const u3 = process.cpuUsage(c);
  const ms = (u) => ((u.user + u.system) / 1000).toFixed(0);
  console.log('update', ms(u1), 'tasks', ms(u2) - ms(u1), 'classes', ms(u3) - ms(u2));
}
