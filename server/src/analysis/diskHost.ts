// The workspace host over the real disk, for the CLI and for files the editor
// has not opened. Reads only what it is asked for, below the folder or named
// by configuration.
import * as fs from 'fs';
import * as path from 'path';
import { WorkspaceHost } from './workspace';

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', 'out', 'dist', 'build', 'coverage', '.vscode-test', 'venv', '__pycache__', 'site-packages']);
/** Task code, config files and the files that make a Python project folder. */
const LISTED_FILE = /(\.(ts|tsx|mts|cts|ya?ml|py|json|toml)|^setup\.(py|cfg))$/;

export class DiskHost implements WorkspaceHost {
  constructor(readonly root: string) {}

  readText(relativePath: string): string | undefined {
    try {
      return fs.readFileSync(path.resolve(this.root, relativePath), 'utf8');
    } catch {
      return undefined;
    }
  }

  listFiles(): readonly string[] {
    const found: string[] = [];
    const walk = (dir: string, rel: string) => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
        if (entry.isDirectory()) {
          if (!SKIPPED_DIRECTORIES.has(entry.name) && !entry.name.startsWith('.')) walk(path.join(dir, entry.name), childRel);
        } else if (entry.isFile() && LISTED_FILE.test(entry.name)) {
          found.push(childRel);
        }
      }
    };
    walk(this.root, '');
    return found.sort();
  }
}
