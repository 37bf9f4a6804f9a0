/**
 * The SDK commands each Lambda handler sends, read from its source, and the call tables that map every one of them to
 * the IAM actions and concrete resources AWS authorizes (`handlers/<handler>.ts`).
 *
 * A handler's code is its `index.ts` and every module it imports by a relative path (`lambda/shared/` included),
 * static or dynamic, type-only imports excepted (the bundler drops them). In that code, a command is:
 * - `new XxxCommand(...)` where `XxxCommand` comes from an `@aws-sdk/*` package (`@aws-sdk/lib-dynamodb`'s document
 *   commands included), under any local alias or through a namespace import;
 * - `paginateXxx(...)`, which sends `XxxCommand`;
 * - any other `new` or waiter (`waitUntilXxx`) of an `@aws-sdk/*` export that is not a client or an error (an aggregated
 *   client, `Upload`): it sends requests this reader cannot name, so it needs its own table entry too.
 * {@link uncoveredCommands} lists every command without a table entry and every entry the code no longer sends: the
 * permission check fails on any, so a new call cannot pass unseen.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';
import * as ts from 'typescript';
import { APPROVAL_PAGE_CALLS } from './handlers/approval-page';
import { COMPUTE_BASELINE_CALLS } from './handlers/compute-baseline';
import { DRIFT_JOB_CALLS } from './handlers/drift-job';
import { ENDPOINT_CLEANUP_CALLS } from './handlers/endpoint-cleanup';
import { ENDPOINT_IDLE_STOP_CALLS } from './handlers/endpoint-idle-stop';
import { RECORD_DECISION_CALLS } from './handlers/record-decision';
import { RECORD_LINEAGE_CALLS } from './handlers/record-lineage';
import { REQUEST_APPROVAL_CALLS } from './handlers/request-approval';
import { RETRAIN_TRIGGER_CALLS } from './handlers/retrain-trigger';
import { SNAPSHOT_TRAINING_DATA_CALLS } from './handlers/snapshot-training-data';
import { HandlerCallTable } from './types';

/** The repository root and the handlers' folder. */
export const REPO_ROOT = resolve(__dirname, '..', '..');
export const LAMBDA_ROOT = join(REPO_ROOT, 'lambda');

/** One call table per handler folder (`lambda/<name>`, the function's `POWERTOOLS_SERVICE_NAME`). */
export const HANDLER_CALL_TABLES: Readonly<Record<string, HandlerCallTable>> = {
  'approval-page': APPROVAL_PAGE_CALLS,
  'compute-baseline': COMPUTE_BASELINE_CALLS,
  'drift-job': DRIFT_JOB_CALLS,
  'endpoint-cleanup': ENDPOINT_CLEANUP_CALLS,
  'endpoint-idle-stop': ENDPOINT_IDLE_STOP_CALLS,
  'record-decision': RECORD_DECISION_CALLS,
  'record-lineage': RECORD_LINEAGE_CALLS,
  'request-approval': REQUEST_APPROVAL_CALLS,
  'retrain-trigger': RETRAIN_TRIGGER_CALLS,
  'snapshot-training-data': SNAPSHOT_TRAINING_DATA_CALLS,
};

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.js', '.mjs', '.cjs'];
const SDK_MODULE = /^@aws-sdk\//;

/** The file a relative import names (`./x` -> `x.ts`, `x/index.ts`, ...), or undefined. */
function resolveImport(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [base, ...SOURCE_EXTENSIONS.map((e) => `${base}${e}`), ...SOURCE_EXTENSIONS.map((e) => join(base, `index${e}`))];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** What one file imports: relative modules to follow, and the local names bound to `@aws-sdk/*` exports. */
interface FileImports {
  readonly relative: string[];
  /** Local name -> exported name. */
  readonly sdkNames: Map<string, string>;
  /** Local names of `import * as x from '@aws-sdk/...'`. */
  readonly sdkNamespaces: Set<string>;
}

function importsOf(source: ts.SourceFile): FileImports {
  const out: FileImports = { relative: [], sdkNames: new Map(), sdkNamespaces: new Set() };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const specifier = node.moduleSpecifier.text;
      const clause = node.importClause;
      if (clause?.isTypeOnly) return;
      if (specifier.startsWith('.')) out.relative.push(specifier);
      if (SDK_MODULE.test(specifier) && clause?.namedBindings) {
        if (ts.isNamespaceImport(clause.namedBindings)) out.sdkNamespaces.add(clause.namedBindings.name.text);
        else {
          for (const element of clause.namedBindings.elements) {
            if (!element.isTypeOnly) out.sdkNames.set(element.name.text, (element.propertyName ?? element.name).text);
          }
        }
      }
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.isTypeOnly && node.moduleSpecifier.text.startsWith('.')) out.relative.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteral(node.arguments[0])
      && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      const specifier = node.arguments[0].text;
      if (specifier.startsWith('.')) out.relative.push(specifier);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** The command a `new`/call of an SDK export stands for, or undefined when it sends nothing (clients, errors, types). */
function commandOf(exported: string, called: boolean): string | undefined {
  if (called) {
    const paginator = /^paginate([A-Z]\w*)$/.exec(exported);
    if (paginator) return `${paginator[1]}Command`;
    return /^waitUntil[A-Z]/.test(exported) ? exported : undefined;
  }
  if (/Command$/.test(exported)) return exported;
  if (/(Client|Exception|Error)$/.test(exported)) return undefined;
  return exported;
}

/** The SDK commands one file constructs (see the module comment). */
function commandsInFile(source: ts.SourceFile, imports: FileImports): Set<string> {
  const found = new Set<string>();
  const exportedName = (expression: ts.Expression): string | undefined => {
    if (ts.isIdentifier(expression)) return imports.sdkNames.get(expression.text);
    if (ts.isPropertyAccessExpression(expression) && ts.isIdentifier(expression.expression)
      && imports.sdkNamespaces.has(expression.expression.text)) {
      return expression.name.text;
    }
    return undefined;
  };
  const visit = (node: ts.Node): void => {
    if (ts.isNewExpression(node) || ts.isCallExpression(node)) {
      const exported = exportedName(node.expression);
      const command = exported ? commandOf(exported, ts.isCallExpression(node)) : undefined;
      if (command) found.add(command);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * The SDK commands a handler's code sends, each mapped to the files (relative to the repository root) that send it.
 * @param handlerDir the handler's folder, holding its `index.ts`
 */
export function commandsOf(handlerDir: string): Map<string, string[]> {
  const entry = resolveImport(join(handlerDir, 'index.ts'), './index');
  if (!entry) throw new Error(`commandsOf: ${handlerDir} has no index.ts`);
  const seen = new Set<string>();
  const queue = [entry];
  const commands = new Map<string, string[]>();
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const imports = importsOf(source);
    for (const specifier of imports.relative) {
      const target = resolveImport(file, specifier);
      if (!target) throw new Error(`commandsOf: ${relative(REPO_ROOT, file)} imports ${specifier}, which resolves to no source file`);
      queue.push(target);
    }
    for (const command of commandsInFile(source, imports)) {
      commands.set(command, [...(commands.get(command) ?? []), relative(REPO_ROOT, file)].sort());
    }
  }
  return new Map([...commands.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** A gap between a handler's code and its call table. */
export interface UncoveredCommand {
  readonly handler: string;
  /** The command, or undefined for a whole handler without a table (or a table without a handler). */
  readonly command?: string;
  readonly problem: 'sent without a table entry' | 'in the table but not sent' | 'handler without a call table' | 'call table without a handler';
  /** Where the code sends it. */
  readonly files?: string[];
}

/** The handler folders under `root`: every folder with an `index.ts`, `shared` excepted. */
export function handlerFolders(root: string = LAMBDA_ROOT): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'shared' && existsSync(join(root, d.name, 'index.ts')))
    .map((d) => d.name)
    .sort();
}

/**
 * Every command a handler sends without a table entry, every table entry its handler no longer sends, and handlers and
 * tables without a counterpart. Empty when code and tables agree.
 */
export function uncoveredCommands(root: string = LAMBDA_ROOT, tables: Readonly<Record<string,
  HandlerCallTable>> = HANDLER_CALL_TABLES): UncoveredCommand[] {
  const out: UncoveredCommand[] = [];
  const folders = handlerFolders(root);
  for (const handler of folders) {
    const sent = commandsOf(join(root, handler));
    const table = tables[handler];
    if (!table) {
      out.push({ handler, problem: 'handler without a call table', files: [...new Set([...sent.values()].flat())] });
      continue;
    }
    for (const [command, files] of sent) if (!(command in table)) out.push({ handler, command, problem: 'sent without a table entry', files });
    for (const command of Object.keys(table)) if (!sent.has(command)) out.push({ handler, command, problem: 'in the table but not sent' });
  }
  for (const handler of Object.keys(tables)) if (!folders.includes(handler)) out.push({ handler, problem: 'call table without a handler' });
  return out;
}
