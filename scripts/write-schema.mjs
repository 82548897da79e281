// Writes bench/tasklens-config.schema.json: the JSON schema of the config file
// (server/src/features/schema.ts, what `tasklens schema` prints), which the
// benchmark gives yaml-language-server so both servers know the same fields.
// Run after `npm run build`; test/unit/schema.test.ts keeps the committed file in
// step with the field table.
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function configSchema() {
  return require(path.join(REPO, 'build', 'server', 'src', 'features', 'schema.js')).configSchema();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(path.join(REPO, 'bench', 'tasklens-config.schema.json'), JSON.stringify(configSchema(), null, 2) + '\n');
}
