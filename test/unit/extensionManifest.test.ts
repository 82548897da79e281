// What the VS Code extension declares, read from package.json, the grammars and
// the packaged file list: the settings of SPEC §8 with SPEC's defaults, the two
// commands, the dotenv language, and how the grammars colour sample lines
// (tokenized with vscode-textmate, the library VS Code itself uses).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { FIELD_NAMES } from '../../server/src/resolver';
import { REPO_ROOT, SHARED_DIR } from '../paths';

interface SettingSchema {
  type: string;
  default: unknown;
  scope?: string;
  enum?: string[];
  markdownDescription?: string;
}
interface GrammarContribution {
  language?: string;
  scopeName: string;
  path: string;
  injectTo?: string[];
}
interface LanguageContribution {
  id: string;
  filenames?: string[];
  filenamePatterns?: string[];
  configuration?: string;
}
interface Manifest {
  main: string;
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: boolean | string }; virtualWorkspaces: boolean };
  contributes: {
    configuration: { properties: Record<string, SettingSchema> };
    commands: { command: string; title: string; category: string }[];
    languages: LanguageContribution[];
    grammars: GrammarContribution[];
  };
}

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
const settings = manifest.contributes.configuration.properties;

/** SPEC §7 and §8, setting by setting: the JSON type and the default the spec states. */
const SPEC_SETTINGS: Record<string, { type: string; default: unknown }> = {
  'tasklens.configFiles': { type: 'array', default: ['config.yaml', 'config.yml', 'pynenc.yaml', 'pynenc.yml'] },
  'tasklens.envFiles': { type: 'array', default: ['.env'] },
  'tasklens.env': { type: 'object', default: {} },
  'tasklens.useProcessEnv': { type: 'boolean', default: false },
  'tasklens.moduleRoot': { type: 'string', default: '' },
  'tasklens.taskFunctionNames': { type: 'array', default: ['task'] },
  'tasklens.exclude': { type: 'array', default: [] },
  'tasklens.trace.server': { type: 'string', default: 'off' },
};

const SPEC_FILE = path.join(SHARED_DIR, 'SPEC.md');

/** The setting names SPEC §8 lists, so a setting added to the spec fails here until contributed. */
function specSettingNames(): string[] {
  const spec = fs.readFileSync(SPEC_FILE, 'utf8');
  const section = /^## 8\..*?$([\s\S]*?)^## 9\./m.exec(spec);
  assert.ok(section, 'SPEC.md has a §8');
  const firstParagraph = section[1].trim().split(/\n\s*\n/)[0];
  return [...firstParagraph.matchAll(/`([\w.]+)`/g)].map((match) => `tasklens.${match[1]}`);
}

test('every setting of SPEC §8 is contributed with the default SPEC states', () => {
  for (const name of Object.keys(SPEC_SETTINGS)) {
    const schema = settings[name];
    assert.ok(schema, `${name} is contributed`);
    assert.equal(schema.type, SPEC_SETTINGS[name].type, `${name} type`);
    assert.deepEqual(schema.default, SPEC_SETTINGS[name].default, `${name} default`);
    assert.ok((schema.markdownDescription ?? '').length > 40, `${name} has a description`);
  }
  assert.deepEqual(settings['tasklens.trace.server'].enum, ['off', 'messages', 'verbose']);
});

const specMissing = fs.existsSync(SPEC_FILE) ? false : `no ${SPEC_FILE} beside the repository, so the settings cannot be compared with SPEC §8`;

test('the settings checked here are exactly those SPEC §8 lists', { skip: specMissing }, () => {
  assert.deepEqual([...specSettingNames()].sort(), Object.keys(SPEC_SETTINGS).sort());
});

test('settings that are read relative to a workspace folder can differ per folder', () => {
  for (const name of Object.keys(SPEC_SETTINGS).filter((n) => n !== 'tasklens.trace.server')) {
    assert.equal(settings[name].scope, 'resource', name);
  }
});

test('both commands are contributed under the Tasklens category and activate the extension', () => {
  const commands = new Map(manifest.contributes.commands.map((c) => [c.command, c]));
  assert.equal(commands.get('tasklens.showEffectiveConfiguration')?.title, 'Show effective configuration…');
  assert.equal(commands.get('tasklens.restartServer')?.title, 'Restart server');
  for (const command of commands.values()) {
    assert.equal(command.category, 'Tasklens');
    assert.ok(manifest.activationEvents.includes(`onCommand:${command.command}`), command.command);
  }
});

test('the extension activates on config files, TypeScript, YAML and .env files', () => {
  for (const file of SPEC_SETTINGS['tasklens.configFiles'].default as string[]) {
    assert.ok(manifest.activationEvents.includes(`workspaceContains:**/${file}`), file);
  }
  for (const event of ['workspaceContains:**/*.ts', 'onLanguage:yaml', 'onLanguage:dotenv', 'onLanguage:typescript']) {
    assert.ok(manifest.activationEvents.includes(event), event);
  }
});

test('the manifest points at the client bundle and declares workspace capabilities', () => {
  assert.equal(manifest.main, './client/out/extension.js');
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, true);
  assert.equal(manifest.capabilities.virtualWorkspaces, false);
});

test('the dotenv language claims .env and .env.* files and comments with #', () => {
  const dotenv = manifest.contributes.languages.find((l) => l.id === 'dotenv');
  assert.ok(dotenv);
  assert.deepEqual(dotenv.filenames, ['.env']);
  assert.deepEqual(dotenv.filenamePatterns, ['.env.*']);
  assert.ok(dotenv.configuration);
  const configuration = readJson(dotenv.configuration) as { comments: { lineComment: string } };
  assert.equal(configuration.comments.lineComment, '#');
});

test('each grammar is valid JSON with the scopeName package.json gives it', () => {
  const languageIds = new Set(manifest.contributes.languages.map((l) => l.id));
  for (const contribution of manifest.contributes.grammars) {
    const grammar = readJson(contribution.path) as { scopeName: string };
    assert.equal(grammar.scopeName, contribution.scopeName, contribution.path);
    if (contribution.language) assert.ok(languageIds.has(contribution.language), contribution.language);
  }
  const injection = manifest.contributes.grammars.find((g) => g.injectTo);
  assert.deepEqual(injection?.injectTo, ['source.yaml']);
});

test('the YAML injection highlights exactly the server\'s field names', () => {
  const grammar = readJson(grammarPath('tasklens.yaml.injection')) as { repository: { 'field-key': { match: string } } };
  const alternation = /\(([a-z_|]+)\)/.exec(grammar.repository['field-key'].match);
  assert.ok(alternation);
  assert.deepEqual(alternation[1].split('|').sort(), [...FIELD_NAMES].sort());
});

test('the package holds only the bundles, the grammars and the metadata', () => {
  const vsce = path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const listed = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: REPO_ROOT, encoding: 'utf8' });
  const files = listed.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const allowed = /^(package\.json|README\.md|CHANGELOG\.md|LICENSE|client\/out\/extension\.js|server\/out\/(server|cli|typescript)\.js|syntaxes\/[\w.-]+\.json)$/;
  assert.deepEqual(files.filter((file) => !allowed.test(file)), []);
  for (const required of ['package.json', 'LICENSE', 'CHANGELOG.md', 'client/out/extension.js', 'server/out/server.js', 'server/out/typescript.js']) {
    assert.ok(files.includes(required), required);
  }
  for (const grammar of manifest.contributes.grammars) assert.ok(files.includes(grammar.path.replace(/^\.\//, '')), grammar.path);
});

// Tokenizing ---------------------------------------------------------------

test('a per-task env key splits into prefix, module, function and field', async () => {
  const line = 'PYNENC__CONFIGTASK__SRC.TASKS.EMAIL#SENDEMAIL__MAX_RETRIES=3';
  const tokens = await tokenizeDotenv(line);
  assert.ok(scopesOf(tokens, 'PYNENC__CONFIGTASK__').includes('support.constant.prefix.pynenc.dotenv'));
  const module = scopesOf(tokens, 'SRC.TASKS.EMAIL');
  assert.ok(module.includes('meta.task-id.pynenc.dotenv'));
  assert.ok(module.includes('entity.name.namespace.module.pynenc.dotenv'));
  assert.ok(scopesOf(tokens, '#').includes('punctuation.separator.task-id.pynenc.dotenv'));
  const func = scopesOf(tokens, 'SENDEMAIL');
  assert.ok(func.includes('meta.task-id.pynenc.dotenv'));
  assert.ok(func.includes('entity.name.function.task.pynenc.dotenv'));
  const field = scopesOf(tokens, 'MAX_RETRIES');
  assert.ok(field.includes('variable.other.property.field.pynenc.dotenv'));
  assert.ok(!field.includes('meta.task-id.pynenc.dotenv'), 'the field is not part of the task id');
  assert.ok(scopesOf(tokens, '=').includes('keyword.operator.assignment.dotenv'));
  assert.ok(scopesOf(tokens, '3').includes('string.unquoted.dotenv'));
});

test('a function name holding "__" keeps it: the field is what follows the last "__"', async () => {
  const tokens = await tokenizeDotenv('PYNENC__CONFIGTASK__APP#__CALL____KEY_ARGUMENTS=id');
  assert.ok(scopesOf(tokens, '__CALL__').includes('entity.name.function.task.pynenc.dotenv'));
  assert.ok(scopesOf(tokens, 'KEY_ARGUMENTS').includes('variable.other.property.field.pynenc.dotenv'));
});

test('class-level and generic env keys mark the prefix and the field', async () => {
  const tokens = await tokenizeDotenv('PYNENC__CONFIGTASK__RUNNING_CONCURRENCY=keys');
  assert.ok(scopesOf(tokens, 'PYNENC__CONFIGTASK__').includes('support.constant.prefix.pynenc.dotenv'));
  assert.ok(scopesOf(tokens, 'RUNNING_CONCURRENCY').includes('variable.other.property.field.pynenc.dotenv'));
  const generic = await tokenizeDotenv('PYNENC__MAX_RETRIES=2');
  assert.ok(scopesOf(generic, 'PYNENC__').includes('support.constant.prefix.pynenc.dotenv'));
  assert.ok(scopesOf(generic, 'MAX_RETRIES').includes('variable.other.property.field.pynenc.dotenv'));
});

test('export, quoted values with escapes and trailing comments', async () => {
  const line = 'export DATABASE_URL="a\\nb" # primary';
  const tokens = await tokenizeDotenv(line);
  assert.ok(scopesOf(tokens, 'export').includes('storage.modifier.export.dotenv'));
  assert.ok(scopesOf(tokens, 'DATABASE_URL').includes('variable.other.key.dotenv'));
  assert.ok(scopesOf(tokens, '\\n').includes('constant.character.escape.dotenv'));
  assert.ok(scopesOf(tokens, 'a').includes('string.quoted.double.dotenv'));
  assert.ok(scopesOf(tokens, '# primary').includes('comment.line.number-sign.dotenv'));
  const single = await tokenizeDotenv("KEY='it # stays'");
  assert.ok(scopesOf(single, 'it # stays').includes('string.quoted.single.dotenv'));
});

test('an unquoted value ends at " #", and a "#" inside it is kept', async () => {
  const tokens = await tokenizeDotenv('KEY=bar baz # note');
  assert.ok(scopesOf(tokens, 'bar baz').includes('string.unquoted.dotenv'));
  assert.ok(scopesOf(tokens, '# note').includes('comment.line.number-sign.dotenv'));
  const hash = await tokenizeDotenv('KEY=a#b');
  assert.ok(scopesOf(hash, 'a#b').includes('string.unquoted.dotenv'));
});

test('a line whose first non-blank character is # is a comment, even with "="', async () => {
  const tokens = await tokenizeDotenv('  # PYNENC__MAX_RETRIES=3');
  assert.ok(scopesOf(tokens, '# PYNENC__MAX_RETRIES=3').includes('comment.line.number-sign.dotenv'));
});

test('a per-task YAML key splits into module and function, inside the YAML key scope', async () => {
  const lines = ['task:', '  src.tasks.email.sendEmail:', '    max_retries: 3'];
  const [, taskKey, field] = await tokenizeYaml(lines);
  const module = scopesOf(taskKey, 'src.tasks.email');
  assert.ok(module.includes('entity.name.tag.yaml'), 'still a YAML key');
  assert.ok(module.includes('meta.task-id.tasklens.yaml'));
  assert.ok(module.includes('entity.name.namespace.module.tasklens.yaml'));
  assert.ok(scopesOf(taskKey, 'sendEmail').includes('entity.name.function.task.tasklens.yaml'));
  assert.ok(scopesOf(field, 'max_retries').includes('support.type.property-name.field.tasklens.yaml'));
});

test('quoted per-task keys are recognised too', async () => {
  const [, taskKey] = await tokenizeYaml(['task:', '  "src.tasks.email.sendEmail":']);
  assert.ok(scopesOf(taskKey, 'sendEmail').includes('entity.name.function.task.tasklens.yaml'));
});

test('the YAML injection leaves top-level dotted keys, unknown keys and comments alone', async () => {
  const [topLevel, unknown, comment, generic] = await tokenizeYaml(['a.b: 1', '  maxRetries: 2', '# max_retries: 3', 'max_retries: 1']);
  assert.ok(!scopesOf(topLevel, 'a.b').some((scope) => scope.includes('tasklens')));
  assert.ok(!scopesOf(unknown, 'maxRetries').some((scope) => scope.includes('tasklens')));
  assert.ok(!comment.tokens.some((token) => token.scopes.some((scope) => scope.includes('tasklens'))));
  assert.ok(scopesOf(generic, 'max_retries').includes('support.type.property-name.field.tasklens.yaml'));
});

// Helpers --------------------------------------------------------------------

interface TokenizedLine {
  readonly text: string;
  readonly tokens: textmate.IToken[];
}

function readJson(relativePath: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, relativePath), 'utf8'));
}

function grammarPath(scopeName: string): string {
  const contribution = manifest.contributes.grammars.find((g) => g.scopeName === scopeName);
  assert.ok(contribution, scopeName);
  return contribution.path;
}

/**
 * A stand-in for VS Code's YAML grammar with its one rule that matters here: a
 * plain block key is a scope that ends before the `:`. The injection must match
 * inside that scope, since it is injected without priority.
 */
const YAML_HOST: textmate.IRawGrammar = textmate.parseRawGrammar(
  JSON.stringify({
    scopeName: 'source.yaml',
    patterns: [
      { match: '(?<=^|\\s)#.*$', name: 'comment.line.number-sign.yaml' },
      {
        begin: '(?<=^|\\s)(?=[^\\s#:\'"][^:]*:(?:\\s|$))',
        end: '(?=[ \\t]*:(?:\\s|$))',
        name: 'meta.map.key.yaml string.unquoted.plain.yaml entity.name.tag.yaml',
      },
      { begin: '"', end: '"', name: 'meta.map.key.yaml string.quoted.double.yaml entity.name.tag.yaml' },
    ],
  }),
  'yaml-host.json',
);

let onigLib: Promise<textmate.IOnigLib> | undefined;

/** vscode-oniguruma's WASM can be loaded once per process. */
function loadOnigLib(): Promise<textmate.IOnigLib> {
  onigLib ??= (async () => {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm);
    return { createOnigScanner: (sources) => oniguruma.createOnigScanner(sources), createOnigString: (text) => oniguruma.createOnigString(text) };
  })();
  return onigLib;
}

function createRegistry(): textmate.Registry {
  return new textmate.Registry({
    onigLib: loadOnigLib(),
    async loadGrammar(scopeName) {
      if (scopeName === 'source.yaml') return YAML_HOST;
      const file = path.join(REPO_ROOT, grammarPath(scopeName));
      return textmate.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
    getInjections(scopeName) {
      return manifest.contributes.grammars.filter((g) => g.injectTo?.includes(scopeName)).map((g) => g.scopeName);
    },
  });
}

async function tokenizeLines(scopeName: string, lines: readonly string[]): Promise<TokenizedLine[]> {
  const grammar = await createRegistry().loadGrammar(scopeName);
  assert.ok(grammar, scopeName);
  let state = textmate.INITIAL;
  return lines.map((text) => {
    const result = grammar.tokenizeLine(text, state);
    state = result.ruleStack;
    return { text, tokens: result.tokens };
  });
}

async function tokenizeDotenv(line: string): Promise<TokenizedLine> {
  const [tokenized] = await tokenizeLines('source.dotenv', [line]);
  return tokenized;
}

function tokenizeYaml(lines: readonly string[]): Promise<TokenizedLine[]> {
  return tokenizeLines('source.yaml', lines);
}

/**
 * The scopes shared by the tokens that exactly cover `fragment` (its first
 * occurrence): the fragment must start and end on token boundaries.
 */
function scopesOf(line: TokenizedLine, fragment: string): string[] {
  const start = line.text.indexOf(fragment);
  assert.ok(start >= 0, `"${fragment}" is in "${line.text}"`);
  const end = start + fragment.length;
  const covering = line.tokens.filter((t) => t.startIndex < end && t.endIndex > start);
  const layout = line.tokens.map((t) => `${JSON.stringify(line.text.slice(t.startIndex, t.endIndex))} ${t.scopes.join(' ')}`).join('\n  ');
  const aligned = covering.length > 0 && covering[0].startIndex === start && covering[covering.length - 1].endIndex === end;
  assert.ok(aligned, `tokens start and end with "${fragment}"; tokens:\n  ${layout}`);
  return covering[0].scopes.filter((scope) => covering.every((t) => t.scopes.includes(scope)));
}
