/**
 * Scenario files to a validated `Scenario`:
 *
 *   read → YAML tree (with lines) → extends chain, merged → schema → semantics
 *
 * Each stage reports every problem it finds, located by file, line and
 * path; a stage runs only when the one before it found none.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ScenarioError, type Diagnostic } from '../errors.js';
import { issuesToDiagnostics, type Locate } from './issues.js';
import { mergeDocuments } from './merge.js';
import * as msg from './messages.js';
import { readYaml } from './read-yaml.js';
import { scenarioSchema, type Scenario } from './schema.js';
import { checkScenario } from './semantics.js';
import { originOf, toPlain, type MapNode } from './tree.js';

export interface LoadedScenario {
  scenario: Scenario;
  /** File names as the user gave them, root first then its bases. */
  files: string[];
}

/** Reads `file` (and the files it extends) from disk. @throws ScenarioError */
export function loadScenario(file: string): LoadedScenario {
  let text: string;
  try {
    text = readDisk(file);
  } catch (e) {
    throw new ScenarioError([{ file, line: 0, path: '', message: msg.cannotRead(reason(e)) }]);
  }
  return parseScenario(text, file, readDisk);
}

/**
 * Parses `text` as the scenario file `file`; `readFile` reads the files it
 * extends (named relative to the extending file).
 * @throws ScenarioError with every problem found
 */
export function parseScenario(text: string, file: string, readFile: (path: string) => string = readDisk): LoadedScenario {
  const chain = readChain(text, file, readFile, []);
  const files = chain.files;
  const fail = (diagnostics: Diagnostic[]): never => {
    throw new ScenarioError(inFileOrder(diagnostics, files));
  };
  if (chain.diagnostics.length || !chain.tree) return fail([...chain.diagnostics, ...chain.mergeProblems]);

  const tree = chain.tree;
  const data = toPlain(tree);
  const locate: Locate = (path, key) => originOf(tree, path, key);
  const parsed = scenarioSchema.safeParse(data, { error: msg.issueMessage });
  if (!parsed.success) return fail([...chain.mergeProblems, ...issuesToDiagnostics(parsed.error.issues, scenarioSchema, data, locate)]);
  const problems = [...chain.mergeProblems, ...checkScenario(parsed.data, locate)];
  if (problems.length) return fail(problems);
  return { scenario: parsed.data, files };
}

interface Chain {
  tree?: MapNode;
  files: string[];
  /** Problems that leave no document to check further (syntax, unreadable bases). */
  diagnostics: Diagnostic[];
  /** Problems found while merging, reported with the later stages' ones. */
  mergeProblems: Diagnostic[];
}

/** A file on the way down an extends chain: its absolute path (identity) and its name as given. */
interface Link {
  absolute: string;
  name: string;
}

/** Reads `file` and its bases, merging each over its base. `above` are the files that extend it. */
function readChain(text: string, file: string, readFile: (path: string) => string, above: readonly Link[]): Chain {
  const { tree, diagnostics } = readYaml(text, file);
  if (!tree || tree.kind !== 'map') return { files: [file], diagnostics, mergeProblems: [] };
  const entry = tree.entries.get('extends');
  if (!entry) return { tree, files: [file], diagnostics, mergeProblems: [] };

  const own = withoutExtends(tree);
  const report = (message: string): Chain => ({
    files: [file],
    diagnostics: [...diagnostics, { ...entry.keyAt, path: 'extends', message }],
    mergeProblems: [],
  });
  if (entry.node.kind !== 'scalar' || typeof entry.node.value !== 'string' || entry.node.value === '') {
    return report(msg.extendsNotText);
  }
  const name = entry.node.value;
  const baseFile = isAbsolute(name) ? name : join(dirname(file), name);
  const links = [...above, { absolute: resolve(file), name: file }];
  const cycleStart = links.findIndex((l) => l.absolute === resolve(baseFile));
  if (cycleStart >= 0) return report(msg.extendsCycle([...links.slice(cycleStart).map((l) => l.name), baseFile]));
  let baseText: string;
  try {
    baseText = readFile(baseFile);
  } catch (e) {
    return report(msg.cannotReadBase(baseFile, reason(e)));
  }
  const base = readChain(baseText, baseFile, readFile, links);
  const files = [file, ...base.files];
  const problems = { files, diagnostics: [...diagnostics, ...base.diagnostics] };
  if (!base.tree) return { ...problems, mergeProblems: base.mergeProblems };
  const merged = mergeDocuments(base.tree, own);
  return { ...problems, tree: merged.tree, mergeProblems: [...base.mergeProblems, ...merged.diagnostics] };
}

function withoutExtends(tree: MapNode): MapNode {
  const entries = new Map(tree.entries);
  entries.delete('extends');
  return { ...tree, entries };
}

/** Root file first, then its bases; within a file, by line. */
function inFileOrder(diagnostics: readonly Diagnostic[], files: readonly string[]): Diagnostic[] {
  const rank = (d: Diagnostic) => {
    const i = files.indexOf(d.file);
    return i < 0 ? files.length : i;
  };
  return [...diagnostics].sort((a, b) => rank(a) - rank(b) || a.line - b.line);
}

function readDisk(path: string): string {
  return readFileSync(path, 'utf8');
}

function reason(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'EACCES') return 'permission denied';
  return e instanceof Error ? e.message : String(e);
}
