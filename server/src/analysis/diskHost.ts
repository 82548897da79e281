// The workspace host over the real disk, for the CLI and for files the editor
// has not opened. Reads only what it is asked for, below the folder or named
// by configuration.
import { isUtf8 } from 'buffer';
import * as fs from 'fs';
import * as path from 'path';
import { ReadProblem } from '../resolver';
import { WorkspaceHost } from './workspace';

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', 'out', 'dist', 'build', 'coverage', '.vscode-test', 'venv', '__pycache__', 'site-packages']);
/** Task code, config files and the files that make a Python project folder. */
const LISTED_FILE = /(\.(ts|tsx|mts|cts|ya?ml|py|json|toml)|^setup\.(py|cfg))$/;

/** The byte offset of the first sequence that is not valid UTF-8, or undefined when all of it is. */
export function invalidUtf8Offset(bytes: Uint8Array): number | undefined {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return undefined;
}

/** The largest file read (a config file of 150,000 sections is 5 to 10 MB). */
const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** Why a path that exists is not read at all: not a regular file, or too large. */
function unreadableKind(stat: fs.Stats): string | undefined {
  if (stat.isDirectory()) return 'it is a directory';
  if (!stat.isFile()) return 'it is not a regular file';
  if (stat.size > MAX_FILE_BYTES) return `it is larger than ${MAX_FILE_BYTES / (1024 * 1024)} MB`;
  return undefined;
}

/**
 * A disk host for a process that reads each file once and sees no change (the
 * CLI): the workspace asks for a config file's text several times (to find it,
 * load it, check it), and each read of a 30 MB file is a decode and a new string.
 */
export class ReadOnceDiskHost implements WorkspaceHost {
  private readonly texts = new Map<string, string | undefined>();
  private readonly problems = new Map<string, ReadProblem | undefined>();
  private readonly disk: DiskHost;

  constructor(readonly root: string) {
    this.disk = new DiskHost(root);
  }

  readText(relativePath: string): string | undefined {
    if (!this.texts.has(relativePath)) this.texts.set(relativePath, this.disk.readText(relativePath));
    return this.texts.get(relativePath);
  }

  readProblem(relativePath: string): ReadProblem | undefined {
    if (!this.problems.has(relativePath)) this.problems.set(relativePath, this.disk.readProblem(relativePath));
    return this.problems.get(relativePath);
  }

  listFiles(): readonly string[] {
    return this.disk.listFiles();
  }
}

export class DiskHost implements WorkspaceHost {
  constructor(readonly root: string) {}

  /** The file's text; undefined when it does not exist or cannot be read as UTF-8 text (see `readProblem`). */
  readText(relativePath: string): string | undefined {
    const full = path.resolve(this.root, relativePath);
    try {
      // Only regular files of a bounded size: a FIFO would block, a device never end.
      if (unreadableKind(fs.statSync(full)) !== undefined) return undefined;
      // Validated, then decoded (a BOM is kept, as the strict decoder kept it): several times faster than a fatal TextDecoder.
      const bytes = fs.readFileSync(full);
      return isUtf8(bytes) ? bytes.toString('utf8') : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Why a path that exists cannot be read as text: a directory, permission
   * denied, not valid UTF-8 at byte N. Undefined when it does not exist (or reads).
   */
  readProblem(relativePath: string): ReadProblem | undefined {
    const full = path.resolve(this.root, relativePath);
    let bytes: Buffer;
    try {
      const kind = unreadableKind(fs.statSync(full));
      if (kind !== undefined) return { reason: kind };
      bytes = fs.readFileSync(full);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      if (code === 'EACCES' || code === 'EPERM') return { reason: 'permission denied' };
      if (code === 'EISDIR') return { reason: 'it is a directory' };
      return { reason: (e as Error).message.split('\n')[0] };
    }
    const offset = invalidUtf8Offset(bytes);
    return offset === undefined ? undefined : { reason: `it is not UTF-8 text (an invalid byte sequence at byte ${offset})`, offset };
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
