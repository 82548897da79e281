// Where things are, seen from the compiled tests in build/test/.
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const SHARED_DIR = path.resolve(REPO_ROOT, '..', 'shared');
export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');
export const CLI = path.join(REPO_ROOT, 'server', 'out', 'cli.js');
export const SERVER = path.join(REPO_ROOT, 'server', 'out', 'server.js');
