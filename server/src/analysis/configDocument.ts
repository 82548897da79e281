// One config file read into located facts: the value tree (every node knows its
// offsets), what the runtime's loader would make of it, and why it would refuse it.
import {
  ConfigFormat, configFormat, EMPTY_MAP, isPyprojectPath, LoadedConfig, LoadError, MapEntry, MapNode, mapGet,
  parseConfigParts, parseConfigText,
} from '../resolver';
import { LineIndex, Text, TextEdit } from './lineIndex';
import { finish, Steps } from './steps';
import { parseYamlSteps, sectionAt, YamlChunkCache } from './yamlChunks';

/** What reading one version of a file gives. */
interface DocumentRead {
  readonly lines: LineIndex;
  readonly loaded: LoadedConfig;
  readonly root: MapNode;
  readonly errors: readonly LoadError[];
  readonly chunkCache: YamlChunkCache | undefined;
}

export class ConfigDocument {
  readonly format: ConfigFormat | undefined;
  readonly lines: LineIndex;
  /** What the resolver reads (the `tool.pynenc` table for pyproject files). */
  readonly loaded: LoadedConfig;
  /** The whole file's tree, as far as it parses (for editor features). */
  readonly root: MapNode;
  /** Every reason the runtime would refuse to load the file. */
  readonly errors: readonly LoadError[];
  /** Reused chunk parses, handed on to the next version of the document. */
  readonly chunkCache: YamlChunkCache | undefined;

  private constructor(readonly path: string, readonly text: Text, readonly version: number, read: DocumentRead) {
    this.format = configFormat(path);
    ({ lines: this.lines, loaded: this.loaded, root: this.root, errors: this.errors, chunkCache: this.chunkCache } = read);
  }

  /**
   * Reads `text` in steps (a large YAML file is cut and read a few thousand
   * lines at a time), re-using `previous` when given; see `parseYamlSteps` for
   * what re-using does to `previous`.
   */
  static *steps(path: string, text: Text, version = 0, previous?: ConfigDocument, edit?: TextEdit): Steps<ConfigDocument> {
    const lines = previous && edit ? previous.lines.edited(text, edit) : new LineIndex(text);
    if (configFormat(path) === 'yaml') {
      const parsed = yield* parseYamlSteps(path, text, lines, previous?.chunkCache, edit);
      const loaded: LoadedConfig = parsed.errors.length > 0 ? { ok: false, error: parsed.errors[0] } : isPyprojectPath(path) ? parseConfigText(path, String(text)) : { ok: true, root: parsed.root };
      return new ConfigDocument(path, text, version, { lines, loaded, root: parsed.root, errors: parsed.errors, chunkCache: parsed.cache });
    }
    // JSON and TOML are read whole, from one string.
    const whole = String(text);
    const loaded = parseConfigText(path, whole);
    return new ConfigDocument(path, text, version, { lines, loaded, root: loaded.ok ? loaded.root : parseConfigParts(path, whole), errors: loaded.ok ? [] : [loaded.error], chunkCache: undefined });
  }

  static parse(path: string, text: Text, version = 0): ConfigDocument {
    return finish(ConfigDocument.steps(path, text, version));
  }

  /** A new version of this document, reusing what did not change. */
  withText(text: Text, version: number, edit?: TextEdit): ConfigDocument {
    // An edit that does not turn this text into `text` is ignored: the texts are compared instead.
    const fits = edit !== undefined && edit.start <= edit.oldEnd && edit.oldEnd <= this.text.length && text.length - this.text.length === edit.newEnd - edit.oldEnd;
    // Comparing the edited spans, not the texts: a whole comparison of a large file costs what a keystroke may not.
    const same = fits ? edit.oldEnd - edit.start === edit.newEnd - edit.start && this.text.slice(edit.start, edit.oldEnd) === text.slice(edit.start, edit.newEnd) : text === this.text;
    if (same) return this.text === text ? this : this.readAs(text);
    return finish(ConfigDocument.steps(this.path, text, version, this, fits ? edit : undefined));
  }

  /** This document, for `text`: another copy of the same text (so that the next edit of `text` is an edit of this). */
  private readAs(text: Text): ConfigDocument {
    const lines = typeof text === 'string' ? this.lines : new LineIndex(text);
    const chunkCache = this.chunkCache && { ...this.chunkCache, text, lines };
    return new ConfigDocument(this.path, text, this.version, { lines, loaded: this.loaded, root: this.root, errors: this.errors, chunkCache });
  }

  /**
   * The section around `offset` (a top-level key, or a child of `task:`), so work
   * about a position can stay inside it. Undefined when the file was read whole.
   */
  sectionAt(offset: number): { start: number; inTaskSection: boolean } | undefined {
    return this.chunkCache ? sectionAt(this.chunkCache, offset) : undefined;
  }

  /**
   * The settings the file holds, as the runtime reads them — the whole file, or
   * for `pyproject.toml` its `[tool.pynenc]` table — and for a file that fails
   * to load, as far as its parts parse.
   */
  get settings(): MapNode {
    if (this.loaded.ok) return this.loaded.root;
    if (!isPyprojectPath(this.path)) return this.root;
    const tool = mapGet(this.root, 'tool');
    const pynenc = tool?.value.type === 'map' ? mapGet(tool.value, 'pynenc') : undefined;
    return pynenc?.value.type === 'map' ? pynenc.value : EMPTY_MAP;
  }

  /** The `task:` section, when it is a mapping. */
  get taskSection(): MapEntry | undefined {
    const entry = mapGet(this.root, 'task');
    return entry && entry.value.type === 'map' ? entry : undefined;
  }

  /** Whether this YAML file looks like task config (a top-level `task:` mapping). */
  get hasTaskSection(): boolean {
    return this.taskSection !== undefined;
  }
}
