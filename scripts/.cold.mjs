// scratch: one cold index round over a kept workspace, for profiling
import { createRequire } from 'node:module';
import * as fs from 'node:fs'; import * as path from 'node:path';
const require = createRequire(import.meta.url);
const ts = require('typescript');
const idx = require('/work/main/build/server/src/analysis/typescriptIndex.js');
const root = process.argv[2];
const list = () => { const out = []; const w = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const f = path.join(d, e.name); if (e.isDirectory()) w(f); else out.push(path.relative(root, f)); } }; w(root); return out; };
const files = list();
(function warmup() { for (const f of files.slice(0, Number(process.env.WARM ?? 3000))) ts.createSourceFile(f, fs.readFileSync(path.join(root, f), 'utf8'), 99, true, 3); })();
globalThis.gc?.();
const cpu = process.cpuUsage(); const t = performance.now();
const ix = new idx.TypeScriptIndex({ moduleRoot: '', taskFunctionNames: ['task'] });
for (const f of list()) ix.update(f, fs.readFileSync(path.join(root, f), 'utf8'));
ix.tasks(); ix.exceptionClasses();
const u = process.cpuUsage(cpu);
console.log('cold wall', (performance.now() - t).toFixed(0), 'cpu', ((u.user + u.system) / 1000).toFixed(0));
