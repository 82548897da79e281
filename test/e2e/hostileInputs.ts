// Hostile and huge inputs (SPEC §11, issue 9), generated here rather than
// checked in: alias bombs, nesting far past the bound in YAML, JSON and TOML,
// very many per-task sections, a multi-megabyte line, random bytes, text that
// is not UTF-8, NUL and other control characters, lone `\r` line ends. `full`
// gives the sizes the issue names; the sample is smaller where size is all
// that changes.

export interface HostileFile {
  readonly name: string;
  /** What the case is about, for messages. */
  readonly what: string;
  /** The config file's name in the workspace. */
  readonly file: string;
  readonly bytes: Buffer;
  /** Whether the runtime loads it (else `check` reports a TL001 naming the file and exits 1). */
  readonly loads?: boolean;
  /** Whether the text an editor shows of it loads (bytes that are not UTF-8 become U+FFFD there). */
  readonly shownLoads?: boolean;
}

/** Nested aliases: each level a list of nine aliases of the level below (9^9 nodes if expanded). */
export function aliasBomb(levels = 9): string {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i <= levels; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]`);
  lines.push('task:', `  max_retries: 2`);
  return lines.join('\n') + '\n';
}

/** A seeded byte generator (mulberry32). */
function bytes(seed: number, n: number): Buffer {
  const out = Buffer.alloc(n);
  let state = seed | 0;
  for (let i = 0; i < n; i++) {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (t ^ (t >>> 14)) & 0xff;
  }
  return out;
}

/** `n` per-task sections (about 30 bytes each). */
export function manySections(n: number): string {
  const out = ['max_retries: 1', 'task:', '  running_concurrency: task'];
  for (let i = 0; i < n; i++) out.push(`  t.m${i}.f:`, `    max_retries: ${i % 7}`);
  return out.join('\n') + '\n';
}

export function hostileFiles(full: boolean): HostileFile[] {
  const utf8 = (text: string) => Buffer.from(text, 'utf8');
  const depth = 20_000;
  const sections = full ? 150_000 : 2_000;
  const lineBytes = full ? 6_000_000 : 100_000;
  return [
    { name: 'alias bomb', what: 'nested aliases nine levels deep', file: 'config.yaml', bytes: utf8(aliasBomb(9)) },
    { name: 'deep YAML', what: `${depth} nested flow lists`, file: 'config.yaml', bytes: utf8(`max_retries: ${'['.repeat(depth)}${']'.repeat(depth)}\n`) },
    { name: 'deep YAML mappings', what: `${depth} nested flow mappings`, file: 'config.yaml', bytes: utf8(`task: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`) },
    { name: 'deep block YAML', what: '2,000 nested block mappings', file: 'config.yaml', bytes: utf8(Array.from({ length: 2_000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n') },
    { name: 'deep JSON', what: `${depth} nested JSON arrays`, file: 'config.json', bytes: utf8(`{"max_retries": ${'['.repeat(depth)}${']'.repeat(depth)}}`) },
    { name: 'deep JSON objects', what: `${depth} nested JSON objects`, file: 'config.json', bytes: utf8(`${'{"a": '.repeat(depth)}1${'}'.repeat(depth)}`) },
    { name: 'deep TOML', what: `${depth} nested TOML arrays`, file: 'config.toml', bytes: utf8(`max_retries = ${'['.repeat(depth)}${']'.repeat(depth)}\n`) },
    { name: 'many sections', what: `${sections} per-task sections`, file: 'config.yaml', bytes: utf8(manySections(sections)), loads: true },
    { name: 'long line', what: `a ${lineBytes / 1e6} MB line`, file: 'config.yaml', bytes: utf8(`task:\n  key_arguments: [${Array.from({ length: Math.floor(lineBytes / 8) }, (_, i) => `a${i % 100000}`.padEnd(6, '_')).join(', ')}]\n`), loads: true },
    { name: 'long value', what: `a ${lineBytes / 1e6} MB string value`, file: 'config.yaml', bytes: utf8(`max_retries: "${'x'.repeat(lineBytes)}"\n`), loads: true },
    { name: 'binary', what: '64 KB of random bytes', file: 'config.yaml', bytes: bytes(9, 65_536) },
    { name: 'not UTF-8', what: 'a Latin-1 byte', file: 'config.yaml', bytes: Buffer.concat([utf8('task:\n  max_retries: caf'), Buffer.from([0xe9]), utf8('\n')]), shownLoads: true },
    { name: 'NUL', what: 'a NUL character', file: 'config.yaml', bytes: utf8('task:\n  max_retries: 1\u0000\n') },
    { name: 'control characters', what: 'control characters', file: 'config.yaml', bytes: utf8('task:\n  max_retries: \u0001\u0002\u001b[31m\u0007\n  call_result_cache: \u007f\n'), loads: true },
    { name: 'lone CR', what: 'lone \\r line ends', file: 'config.yaml', bytes: utf8('max_retries: 1\rtask:\r  src.t.f:\r    max_retries: [\r') },
    { name: 'BOM and CRLF', what: 'a byte order mark and CRLF', file: 'config.yaml', bytes: utf8('\ufefftask:\r\n  src.t.f:\r\n    max_retries: x\r\n'), loads: true },
    { name: 'binary .env', what: 'random bytes as .env', file: '.env', bytes: bytes(11, 16_384), loads: false },
  ];
}

/** `tasklens resolve` scenarios of the wrong shape, each with what its message must name. */
export function wrongScenarios(): { readonly name: string; readonly text: string; readonly names: RegExp }[] {
  const task = '"taskId": {"module": "src.t", "func": "f"}';
  return [
    { name: 'configFilepath is a number', text: `{${task}, "configFilepath": 5}`, names: /configFilepath/ },
    { name: 'configFilepath alone', text: '{"configFilepath": 5}', names: /configFilepath|taskId/ },
    { name: 'the scenario is a list', text: '[1, 2]', names: /object/ },
    { name: 'the scenario is a string', text: '"x"', names: /object/ },
    { name: 'files is a number', text: `{${task}, "files": 3}`, names: /files/ },
    { name: 'a file text is a number', text: `{${task}, "files": {"config.yaml": 1}}`, names: /config\.yaml|files/ },
    { name: 'env is a list', text: `{${task}, "env": ["A=1"]}`, names: /env/ },
    { name: 'an env value is a number', text: `{${task}, "env": {"PYNENC__MAX_RETRIES": 3}}`, names: /PYNENC__MAX_RETRIES|env/ },
    { name: 'taskId is an object without keys', text: '{"taskId": {}}', names: /taskId/ },
    { name: 'exceptions is a string', text: `{${task}, "exceptions": "x"}`, names: /exceptions/ },
    { name: 'configValues is a list', text: `{${task}, "configValues": [1]}`, names: /configValues/ },
    { name: 'not JSON', text: '{"configFilepath": ', names: /JSON/ },
    { name: 'deep JSON', text: `{${task}, "env": ${'['.repeat(20_000)}${']'.repeat(20_000)}}`, names: /env/ },
    { name: 'NUL bytes', text: '\u0000\u0000', names: /JSON/ },
  ];
}
