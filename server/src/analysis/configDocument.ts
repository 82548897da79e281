// One config file read into located facts: the value tree (every node knows its
// offsets), what the runtime's loader would make of it, and why it would refuse it.
import {
  ConfigFormat, configFormat, EMPTY_MAP, isPyprojectPath, LoadedConfig, LoadError, MapEntry, MapNode, mapGet,
  parseConfigText,
} from '../resolver';
import { LineIndex, TextEdit } from './lineIndex';
import { parseYamlIncrementally, sectionAt, YamlChunkCache } from './yamlChunks';

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

  private constructor(readonly path: string, readonly text: string, readonly version: number, previous?: ConfigDocument, edit?: TextEdit) {
    this.format = configFormat(path);
    this.lines = previous && edit ? previous.lines.edited(text, edit) : new LineIndex(text);
    if (this.format === 'yaml') {
      const parsed = parseYamlIncrementally(path, text, this.lines, previous?.chunkCache, edit);
      this.root = parsed.root;
      this.errors = parsed.errors;
      this.chunkCache = parsed.cache;
      this.loaded = parsed.errors.length > 0 ? { ok: false, error: parsed.errors[0] } : isPyprojectPath(path) ? parseConfigText(path, text) : { ok: true, root: parsed.root };
    } else {
      this.loaded = parseConfigText(path, text);
      this.root = this.loaded.ok ? this.loaded.root : EMPTY_MAP;
      this.errors = this.loaded.ok ? [] : [this.loaded.error];
      this.chunkCache = undefined;
    }
  }

  static parse(path: string, text: string, version = 0): ConfigDocument {
    return new ConfigDocument(path, text, version);
  }

  /** A new version of this document, reusing what did not change. */
  withText(text: string, version: number, edit?: TextEdit): ConfigDocument {
    if (text === this.text) return this;
    // An edit that does not turn this text into `text` is ignored: the texts are compared instead.
    const fits = edit !== undefined && edit.start <= edit.oldEnd && edit.oldEnd <= this.text.length && text.length - this.text.length === edit.newEnd - edit.oldEnd;
    return new ConfigDocument(this.path, text, version, this, fits ? edit : undefined);
  }

  /**
   * The section around `offset` (a top-level key, or a child of `task:`), so work
   * about a position can stay inside it. Undefined when the file was read whole.
   */
  sectionAt(offset: number): { start: number; inTaskSection: boolean } | undefined {
    return this.chunkCache ? sectionAt(this.chunkCache, offset) : undefined;
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
