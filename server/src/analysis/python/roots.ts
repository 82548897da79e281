// Python module names (SPEC §10): a file's path relative to a Python root,
// `.py` dropped, `/` → `.`, `pkg/__init__.py` → `pkg`. Roots come from the
// setting `tasklens.pythonRoots`, or, when it is empty, from the project
// marker files of the workspace. Pure functions: no parser, no file system.

/** Folders never searched for Python files (SPEC §10), besides `tasklens.exclude`. */
export const PYTHON_IGNORED_DIRS: readonly string[] = ['.venv', 'venv', '__pycache__', 'site-packages', 'node_modules', '.tox', '.git'];

const PROJECT_MARKERS = new Set(['pyproject.toml', 'setup.py', 'setup.cfg']);
const IGNORED = new Set(PYTHON_IGNORED_DIRS);

/** `./a/b/` → `a/b`; `.` and `` → `` (the workspace folder). */
export function normaliseRoot(root: string): string {
  let r = root.replace(/\\/g, '/').trim();
  while (r.startsWith('./')) r = r.slice(2);
  r = r.replace(/\/+$/, '');
  return r === '.' ? '' : r;
}

/** True when a workspace-relative path runs through a folder Tasklens ignores for Python. */
const IGNORED_SEGMENT = /(?:^|\/)(?:\.venv|venv|__pycache__|site-packages|node_modules|\.tox|\.git)\//;

export function isIgnoredPythonPath(file: string): boolean {
  if (!IGNORED_SEGMENT.test(file)) return false;
  const parts = file.split('/');
  for (let i = 0; i < parts.length - 1; i++) if (IGNORED.has(parts[i])) return true;
  return false;
}

/**
 * The Python roots of a workspace: `setting` (workspace-relative folders) when
 * it is not empty; else the workspace folder (`''`), every folder holding a
 * `pyproject.toml`, `setup.py` or `setup.cfg` among `files`, and the `src/`
 * folder beside each. Sorted deepest first, without duplicates.
 */
export function pythonRootsFor(files: Iterable<string>, setting: readonly string[] = []): string[] {
  const roots = new Set<string>();
  if (setting.length > 0) {
    for (const root of setting) roots.add(normaliseRoot(root));
  } else {
    roots.add('');
    roots.add('src');
    for (const file of files) {
      const slash = file.lastIndexOf('/');
      const base = file.slice(slash + 1);
      if (!PROJECT_MARKERS.has(base) || isIgnoredPythonPath(file)) continue;
      const dir = slash < 0 ? '' : file.slice(0, slash);
      roots.add(dir);
      roots.add(dir === '' ? 'src' : `${dir}/src`);
    }
  }
  return sortRoots(roots);
}

function sortRoots(roots: Iterable<string>): string[] {
  const depth = (r: string): number => (r === '' ? 0 : r.split('/').length);
  return [...roots].sort((a, b) => depth(b) - depth(a) || (a < b ? -1 : a > b ? 1 : 0));
}

export interface PythonModule {
  /** Dotted module name (`shop.tasks.orders`). */
  readonly module: string;
  /** The root that gave it, workspace-relative (`''` is the workspace folder). */
  readonly root: string;
  /** True for `pkg/__init__.py`: relative imports start from the module itself. */
  readonly isPackage: boolean;
}

/**
 * The module of a workspace-relative `.py` file under the deepest of `roots`
 * that contains it; undefined when no root contains it or the path gives no
 * name (an `__init__.py` at a root).
 */
export function pythonModuleFor(file: string, roots: readonly string[]): PythonModule | undefined {
  return moduleUnderRoots(file, roots.map(normaliseRoot));
}

/** `pythonModuleFor` with roots already normalised (the index calls it for every file). */
export function moduleUnderRoots(file: string, roots: readonly string[]): PythonModule | undefined {
  if (!file.endsWith('.py')) return undefined;
  let best: string | undefined;
  let bestDepth = -1;
  for (const root of roots) {
    if (root !== '' && !(file.startsWith(root) && file.charCodeAt(root.length) === 47)) continue;
    const depth = depthOf(root);
    if (depth > bestDepth) {
      best = root;
      bestDepth = depth;
    }
  }
  if (best === undefined) return undefined;
  let rel = best === '' ? file : file.slice(best.length + 1);
  rel = rel.slice(0, -3);
  const isPackage = rel === '__init__' || rel.endsWith('/__init__');
  if (isPackage) rel = rel.slice(0, Math.max(0, rel.length - 9));
  if (rel === '' || rel.startsWith('/') || rel.endsWith('/') || rel.includes('//')) {
    const parts = rel.split('/').filter((p) => p !== '');
    if (parts.length === 0) return undefined;
    rel = parts.join('/');
  }
  return { module: rel.replace(/\//g, '.'), root: best, isPackage };
}

function depthOf(root: string): number {
  if (root === '') return 0;
  let depth = 1;
  for (let i = root.indexOf('/'); i !== -1; i = root.indexOf('/', i + 1)) depth++;
  return depth;
}
