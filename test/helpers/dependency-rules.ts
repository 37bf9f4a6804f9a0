/**
 * The repository's dependency rules, checked on the import graph of its source folders. The graph is read with the
 * TypeScript parser (no type checking): static imports and re-exports, `import x = require()`, `require()` calls,
 * dynamic `import()` and `import('…')` types. Type-only imports count: a handler importing a CDK type still ties
 * its code to the CDK's version, and a contract importing a type from elsewhere is no longer self-contained.
 */
import { builtinModules } from 'module';
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { dirname, extname, join, relative, resolve, sep } from 'path';
import * as ts from 'typescript';

/** The folders whose files the rules are about (missing ones are skipped, so a rule holds once its folder appears). */
export const SOURCE_FOLDERS = ['bin', 'lib', 'pipelines', 'contracts', 'lambda', 'tools', 'scripts'] as const;

const CODE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.cjs', '.mjs'];
const RESOLVE_EXTENSIONS = [...CODE_EXTENSIONS, '.json'];
const SKIPPED_FOLDERS = new Set(['node_modules', 'cdk.out', '__pycache__']);

/** One import of a source file: a repository file (path relative to the root, `/`-separated), a package or a Node built-in. */
export interface ImportEdge {
  readonly from: string;
  readonly specifier: string;
  readonly kind: 'file' | 'package' | 'builtin';
  /** The repository path (for a relative specifier that names no file: the path it points at), the package name or the built-in's name. */
  readonly to: string;
  readonly typeOnly: boolean;
}

export interface DependencyViolation {
  readonly rule: string;
  readonly from: string;
  readonly to: string;
}

/** A rule: files it applies to, and the imports of theirs it forbids. */
export interface DependencyRule {
  readonly name: string;
  readonly appliesTo: (file: string) => boolean;
  readonly forbids: (edge: ImportEdge) => boolean;
}

const under = (folder: string) => (path: string) => path === folder || path.startsWith(`${folder}/`);
const isFileUnder = (edge: ImportEdge, ...folders: string[]) => edge.kind === 'file' && folders.some((f) => under(f)(edge.to));
const isPackage = (edge: ImportEdge, ...names: Array<string | RegExp>) =>
  edge.kind === 'package' && names.some((n) => (typeof n === 'string' ? edge.to === n : n.test(edge.to)));

/** Packages that are the CDK (deployment-time code a Lambda handler must never load). */
const CDK_PACKAGES: Array<string | RegExp> = ['aws-cdk-lib', 'constructs', 'aws-cdk', 'cdk-nag', /^@cdklabs\//, /^@aws-cdk\//];

export const DEPENDENCY_RULES: readonly DependencyRule[] = [
  {
    name: 'handlers never import the CDK, the library, the pipelines or the tools',
    appliesTo: under('lambda'),
    forbids: (e) => isPackage(e, ...CDK_PACKAGES) || isFileUnder(e, 'lib', 'pipelines', 'tools', 'bin'),
  },
  {
    name: 'contracts import nothing outside contracts/',
    appliesTo: under('contracts'),
    forbids: (e) => !isFileUnder(e, 'contracts'),
  },
  {
    name: 'pipelines never import the library, the handlers or the tools',
    appliesTo: under('pipelines'),
    forbids: (e) => isFileUnder(e, 'lib', 'lambda', 'tools'),
  },
  {
    name: 'the library never imports tools, scripts or tests',
    appliesTo: under('lib'),
    forbids: (e) => isFileUnder(e, 'tools', 'scripts', 'test'),
  },
  {
    name: 'tools import only contracts/, the public entry lib/index.ts and their own files',
    appliesTo: under('tools'),
    forbids: (e) => e.kind === 'file' && !isFileUnder(e, 'contracts', 'tools') && e.to !== 'lib/index.ts',
  },
  {
    name: 'scripts may import anything but tests',
    appliesTo: under('scripts'),
    forbids: (e) => isFileUnder(e, 'test'),
  },
];

/** Every code file of the source folders under `root`, relative to it, sorted. */
export function sourceFiles(root: string, folders: readonly string[] = SOURCE_FOLDERS): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (CODE_EXTENSIONS.includes(extname(entry.name)) && !entry.name.endsWith('.d.ts')) files.push(toRepoPath(root, path));
    }
  };
  for (const folder of folders) if (existsSync(join(root, folder))) walk(join(root, folder));
  return files.sort();
}

/** The imports of one file (`file` relative to `root`). */
export function importsOf(root: string, file: string): ImportEdge[] {
  const text = readFileSync(join(root, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, scriptKind(file));
  const edges: ImportEdge[] = [];
  const add = (specifier: ts.Expression | undefined, typeOnly: boolean) => {
    if (specifier && ts.isStringLiteralLike(specifier)) edges.push(resolveImport(root, file, specifier.text, typeOnly));
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      add(node.moduleSpecifier, isTypeOnlyImport(node.importClause));
    } else if (ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) add(node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal as ts.Expression, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** The import graph of the source folders under `root`. */
export function importGraph(root: string, folders: readonly string[] = SOURCE_FOLDERS): ImportEdge[] {
  return sourceFiles(root, folders).flatMap((file) => importsOf(root, file));
}

/** Every import that breaks a rule. */
export function ruleViolations(edges: readonly ImportEdge[], rules: readonly DependencyRule[] = DEPENDENCY_RULES): DependencyViolation[] {
  return edges.flatMap((edge) =>
    rules.filter((rule) => rule.appliesTo(edge.from) && rule.forbids(edge)).map((rule) => ({ rule: rule.name, from: edge.from, to: edge.to })),
  );
}

/**
 * Every import cycle among repository files, each as the files in import order starting at its smallest path
 * (`a → b → a` is `['a', 'b']`). One cycle is listed per strongly connected component, found by walking it from
 * its smallest file; a file importing itself is a cycle of one.
 */
export function importCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (e.kind !== 'file') continue;
    const targets = next.get(e.from) ?? [];
    if (!targets.includes(e.to)) targets.push(e.to);
    next.set(e.from, targets);
  }
  for (const targets of next.values()) targets.sort();
  return stronglyConnected(next)
    .filter((component) => component.length > 1 || (next.get(component[0]) ?? []).includes(component[0]))
    .map((component) => cycleThrough(component, next))
    .sort((a, b) => a[0].localeCompare(b[0]));
}

/** Every rule violation and cycle under `root`, as lines naming the importing file and the imported one. */
export function dependencyReport(root: string, rules: readonly DependencyRule[] = DEPENDENCY_RULES): string[] {
  return reportOf(importGraph(root), rules);
}

/** Every rule violation and cycle of an import graph, as lines naming the importing file and the imported one. */
export function reportOf(edges: readonly ImportEdge[], rules: readonly DependencyRule[] = DEPENDENCY_RULES): string[] {
  return [
    ...ruleViolations(edges, rules).map((v) => `${v.rule}: ${v.from} imports ${v.to}`),
    ...importCycles(edges).map((cycle) => `import cycle: ${[...cycle, cycle[0]].join(' → ')}`),
  ];
}

function scriptKind(file: string): ts.ScriptKind {
  const ext = extname(file);
  if (ext === '.tsx') return ts.ScriptKind.TSX;
  if (ext === '.js' || ext === '.cjs' || ext === '.mjs') return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

function isTypeOnlyImport(clause: ts.ImportClause | undefined): boolean {
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return !clause.name && !!bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

function resolveImport(root: string, from: string, specifier: string, typeOnly: boolean): ImportEdge {
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const base = resolve(root, dirname(from), specifier);
    const found = candidates(base).find((c) => existsSync(c) && statSync(c).isFile());
    return { from, specifier, kind: 'file', to: toRepoPath(root, found ?? base), typeOnly };
  }
  const bare = specifier.startsWith('node:') ? specifier.slice('node:'.length) : specifier;
  if (specifier.startsWith('node:') || builtinModules.includes(bare) || builtinModules.includes(bare.split('/')[0])) {
    return { from, specifier, kind: 'builtin', to: bare.split('/')[0], typeOnly };
  }
  const parts = specifier.split('/');
  return { from, specifier, kind: 'package', to: specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0], typeOnly };
}

function candidates(base: string): string[] {
  const withoutJs = /\.[cm]?js$/.test(base) ? base.replace(/\.([cm]?)js$/, '.$1ts') : undefined;
  return [
    base,
    ...(withoutJs ? [withoutJs] : []),
    ...RESOLVE_EXTENSIONS.map((ext) => base + ext),
    ...RESOLVE_EXTENSIONS.map((ext) => join(base, `index${ext}`)),
  ];
}

function toRepoPath(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}

/** Tarjan's algorithm, iterative over nodes in sorted order so the result does not depend on reading order. */
function stronglyConnected(next: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  const connect = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        connect(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      components.push(component.sort());
    }
  };
  for (const node of [...next.keys()].sort()) if (!index.has(node)) connect(node);
  return components;
}

/** A shortest cycle through a component's smallest file, staying inside the component (breadth-first). */
function cycleThrough(component: string[], next: Map<string, string[]>): string[] {
  const start = component[0];
  const members = new Set(component);
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const target of next.get(node) ?? []) {
      if (!members.has(target)) continue;
      if (target === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0])!);
        return path;
      }
      if (!previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return component;
}
