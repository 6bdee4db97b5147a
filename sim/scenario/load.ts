/**
 * Scenario files to a validated `Scenario`:
 *
 *   read → YAML tree (with lines) → extends chain, merged → schema → semantics
 *
 * Each stage reports every problem it finds, located by file, line and
 * path; a stage runs only when the one before it found none.
 */
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { ScenarioError, type Diagnostic } from '../errors.js';
import { readRegularFile } from '../files.js';
import { issuesToDiagnostics, type Locate } from './issues.js';
import { MAX_DIAGNOSTICS, MAX_EXTENDS_DEPTH, MAX_SCENARIO_BYTES, SCENARIO_EXTENSIONS } from './limits.js';
import { mergeDocuments } from './merge.js';
import * as msg from './messages.js';
import { readBudget, readYaml, type ReadBudget } from './read-yaml.js';
import { scenarioSchema, type Scenario } from './schema.js';
import { type CheckOptions, checkScenario, expectationMetricProblems } from './semantics.js';
import { originOf, toPlain, type MapNode } from './tree.js';

export interface LoadedScenario {
  scenario: Scenario;
  /** File names as the user gave them, root first then its bases. */
  files: string[];
  /**
   * Where a path of the merged document was written (file and line), for
   * checks made after loading: an expectation's metric is known only once
   * the scenario is compiled.
   */
  locate: Locate;
}

/**
 * Reads `file` (and the files it extends) from disk. With
 * `options.metricNames` (the model's metricLayout), expectations' metrics
 * are checked with every other rule. @throws ScenarioError
 */
export function loadScenario(file: string, options: CheckOptions = {}): LoadedScenario {
  let text: string;
  try {
    text = readDisk(file);
  } catch (e) {
    throw new ScenarioError([{ code: 'E_READ', file, line: 0, path: '', message: msg.cannotRead(reason(e)) }]);
  }
  return parseScenario(text, file, readDisk, options);
}

/**
 * Parses `text` as the scenario file `file`; `readFile` reads the files it
 * extends (named relative to the extending file).
 * @throws ScenarioError with every problem found
 */
export function parseScenario(text: string, file: string, readFile: (path: string) => string = readDisk, options: CheckOptions = {}): LoadedScenario {
  const chain = readChain(text, file, readFile, [], { ...readBudget(), bytes: 0 });
  const files = chain.files;
  /** `hidden`: problems found but not turned into diagnostics; 'unknown' when the checks stopped early. */
  const fail = (diagnostics: Diagnostic[], hidden: number | 'unknown' = 0): never => {
    const sorted = inFileOrder(diagnostics, files);
    const shown = sorted.slice(0, MAX_DIAGNOSTICS);
    const more = sorted.length - shown.length + (hidden === 'unknown' ? 0 : hidden);
    if (more > 0) shown.push({ code: 'E_LIMIT', file, line: 0, path: '', message: msg.moreProblems(hidden === 'unknown' ? undefined : more) });
    throw new ScenarioError(shown);
  };
  if (chain.diagnostics.length || !chain.tree) return fail([...chain.diagnostics, ...chain.mergeProblems]);

  const tree = chain.tree;
  const data = toPlain(tree);
  const locate: Locate = (path, key) => originOf(tree, path, key);
  const parsed = scenarioSchema.safeParse(data, { error: msg.issueMessage });
  if (!parsed.success) {
    // Locating an issue costs a walk of the document: locate only as many as are shown.
    const issues = parsed.error.issues;
    const located = issuesToDiagnostics(issues.slice(0, MAX_DIAGNOSTICS), scenarioSchema, data, locate);
    // An expectation's unknown metric is reported with the schema's problems, not only once they are fixed.
    const metrics = options.metricNames ? expectationMetricProblems(data, locate, options.metricNames) : [];
    const onMetric = new Set(located.map((d) => `${d.line}:${d.path}`));
    const extra = metrics.filter((d) => !onMetric.has(`${d.line}:${d.path}`));
    return fail([...chain.mergeProblems, ...located, ...extra], Math.max(0, issues.length - MAX_DIAGNOSTICS));
  }
  const problems = [...chain.mergeProblems, ...checkScenario(parsed.data, locate, options)];
  // checkScenario stops a little past MAX_DIAGNOSTICS, so how many more there are is not known.
  if (problems.length) return fail(problems, problems.length > MAX_DIAGNOSTICS ? 'unknown' : 0);
  return { scenario: parsed.data, files, locate };
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

/** The read budget of a chain, and the bytes read so far. */
interface ChainBudget extends ReadBudget {
  bytes: number;
}

/** Reads `file` and its bases, merging each over its base. `above` are the files that extend it. */
function readChain(text: string, file: string, readFile: (path: string) => string, above: readonly Link[], budget: ChainBudget): Chain {
  budget.bytes += Buffer.byteLength(text, 'utf8');
  if (budget.bytes > MAX_SCENARIO_BYTES) {
    const message = above.length === 0 ? msg.fileTooLarge : msg.scenarioTooLarge(budget.bytes);
    return { files: [file], diagnostics: [{ code: 'E_READ', file, line: 0, path: '', message }], mergeProblems: [] };
  }
  const { tree, diagnostics } = readYaml(text, file, budget);
  if (!tree || tree.kind !== 'map') return { files: [file], diagnostics, mergeProblems: [] };
  const entry = tree.entries.get('extends');
  if (!entry) return { tree, files: [file], diagnostics, mergeProblems: [] };

  const own = withoutExtends(tree);
  const report = (message: string): Chain => ({
    files: [file],
    diagnostics: [...diagnostics, { code: 'E_EXTENDS', file: entry.keyAt.file, line: entry.keyAt.line, path: 'extends', message }],
    mergeProblems: [],
  });
  if (entry.node.kind !== 'scalar' || typeof entry.node.value !== 'string' || entry.node.value === '') {
    return report(msg.extendsNotText);
  }
  const name = entry.node.value;
  // Only scenario files: `extends: /dev/zero` or `/etc/shadow` is refused before anything is read.
  if (!SCENARIO_EXTENSIONS.includes(extname(name).toLowerCase())) return report(msg.extendsNotScenario(name));
  const baseFile = isAbsolute(name) ? name : join(dirname(file), name);
  const links = [...above, { absolute: resolve(file), name: file }];
  const cycleStart = links.findIndex((l) => l.absolute === resolve(baseFile));
  if (cycleStart >= 0) return report(msg.extendsCycle([...links.slice(cycleStart).map((l) => l.name), baseFile]));
  if (links.length >= MAX_EXTENDS_DEPTH) return report(msg.extendsTooDeep);
  let baseText: string;
  try {
    baseText = readFile(baseFile);
  } catch (e) {
    return report(msg.cannotReadBase(baseFile, reason(e)));
  }
  const base = readChain(baseText, baseFile, readFile, links, budget);
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

/**
 * Reads a scenario file as UTF-8, at most MAX_SCENARIO_BYTES of it, and
 * only a regular file (sim/files.ts).
 */
function readDisk(path: string): string {
  return readRegularFile(path, MAX_SCENARIO_BYTES).toString('utf8');
}

export function reason(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'ENOTREGULAR') return msg.notRegularFile;
  if (code === 'ETOOLARGE') return msg.fileTooLarge;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOTDIR') return 'a part of the path is not a folder';
  if (code === 'ENAMETOOLONG') return 'the name is too long';
  if (code === 'ELOOP') return 'too many symbolic links';
  return e instanceof Error ? e.message : String(e);
}
