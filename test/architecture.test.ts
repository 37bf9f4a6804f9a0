import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { dependencyReport, ImportEdge, importCycles, importGraph, importsOf, reportOf } from './helpers/dependency-rules';

const REPO_ROOT = join(__dirname, '..');


/** A repository tree in a temporary folder: `files` maps paths to their text. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'dependency-rules-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('the repository', () => {
  let edges: ImportEdge[];
  beforeAll(() => {
    edges = importGraph(REPO_ROOT);
  });

  test('keeps every dependency rule and has no import cycle', () => {
    expect(reportOf(edges)).toEqual([]);
  });

  test('the graph is read from every source folder: the app, the library, the pipelines, the handlers and the scripts', () => {
    const folders = new Set(edges.map((e) => e.from.split('/')[0]));
    expect([...folders].sort()).toEqual(expect.arrayContaining(['bin', 'lambda', 'lib', 'pipelines', 'scripts']));
    expect(edges).toContainEqual(expect.objectContaining({ from: 'bin/app.ts', kind: 'file', to: 'lib/mlops-app.ts' }));
  });
});

describe('a dependency rule', () => {
  test.each([
    ['a handler importing aws-cdk-lib', 'lambda/a/index.ts', "import { Duration } from 'aws-cdk-lib';", 'handlers never import', 'aws-cdk-lib'],
    [
      'a handler importing constructs (type only)',
      'lambda/a/index.ts',
      "import type { Construct } from 'constructs';",
      'handlers never import',
      'constructs',
    ],
    ['a handler importing the library', 'lambda/a/index.ts', "import { x } from '../../lib/x';", 'handlers never import', 'lib/x.ts'],
    ['a handler requiring a pipeline', 'lambda/a/index.ts', "const p = require('../../pipelines/p');", 'handlers never import', 'pipelines/p.ts'],
    [
      'a handler importing a tool dynamically',
      'lambda/a/index.ts',
      "export const t = () => import('../../tools/t');",
      'handlers never import',
      'tools/t.ts',
    ],
    ['a contract importing aws-cdk-lib', 'contracts/c.ts', "import { Duration } from 'aws-cdk-lib';", 'contracts import nothing', 'aws-cdk-lib'],
    [
      'a contract importing an AWS SDK client',
      'contracts/c.ts',
      "import type { S3Client } from '@aws-sdk/client-s3';",
      'contracts import nothing',
      '@aws-sdk/client-s3',
    ],
    ['a contract importing fs', 'contracts/c.ts', "import { readFileSync } from 'node:fs';", 'contracts import nothing', 'fs'],
    [
      'a contract importing child_process',
      'contracts/c.ts',
      "import { spawnSync } from 'child_process';",
      'contracts import nothing',
      'child_process',
    ],
    ['a contract importing a handler', 'contracts/c.ts', "export * from '../lambda/a/index';", 'contracts import nothing', 'lambda/a/index.ts'],
    ['a pipeline importing the library', 'pipelines/p.ts', "import { x } from '../lib/x';", 'pipelines never import', 'lib/x.ts'],
    [
      'a pipeline importing a handler',
      'pipelines/stages/p.ts',
      "import { h } from '../../lambda/a/index';",
      'pipelines never import',
      'lambda/a/index.ts',
    ],
    ['a pipeline importing a tool', 'pipelines/p.ts', "import { t } from '../tools/t';", 'pipelines never import', 'tools/t.ts'],
    ['the library importing a tool', 'lib/x.ts', "import { t } from '../tools/t';", 'the library never imports', 'tools/t.ts'],
    ['the library importing a script', 'lib/x.ts', "import { s } from '../scripts/s';", 'the library never imports', 'scripts/s.ts'],
    ['the library importing a test helper', 'lib/model/y.ts', "import { h } from '../../test/h';", 'the library never imports', 'test/h.ts'],
    ['a tool importing a private library file', 'tools/t.ts', "import { v } from '../lib/private/v';", 'tools import only', 'lib/private/v.ts'],
    ['a tool importing a library file past the entry', 'tools/audit/t.ts', "import { x } from '../../lib/x';", 'tools import only', 'lib/x.ts'],
    ['a tool importing a handler', 'tools/t.ts', "import { h } from '../lambda/a/index';", 'tools import only', 'lambda/a/index.ts'],
    ['a script importing a test helper', 'scripts/s.ts', "import { h } from '../test/h';", 'scripts may import anything but tests', 'test/h.ts'],
  ])('is broken by %s, reported with both files', (_name, file, line, rule, imported) => {
    // GIVEN a tree whose only breach is `file` importing `imported`
    const root = tree({
      'lib/x.ts': 'export const x = 1;\n',
      'lib/private/v.ts': 'export const v = 1;\n',
      'lambda/a/index.ts': 'export const h = 1;\n',
      'pipelines/p.ts': 'export const p = 1;\n',
      'tools/t.ts': 'export const t = 1;\n',
      'scripts/s.ts': 'export const s = 1;\n',
      'test/h.ts': 'export const h = 1;\n',
      [file]: `${line}\n`,
    });
    // THEN the report names the rule, the importing file and the imported one
    const report = dependencyReport(root);
    expect(report).toHaveLength(1);
    expect(report[0]).toContain(rule);
    expect(report[0]).toMatch(new RegExp(`: ${file.replace(/\./g, '\\.')} imports ${imported.replace(/\./g, '\\.')}$`));
  });

  test('allows what the rules leave open', () => {
    const root = tree({
      'contracts/index.ts': "export * from './approval';\nexport type { Lineage } from './lineage';\n",
      'contracts/approval.ts': 'export interface Approval { id: string }\n',
      'contracts/lineage.ts': 'export interface Lineage { id: string }\n',
      'lambda/a/index.ts':
        "import { Approval } from '../../contracts';\nimport { S3Client } from '@aws-sdk/client-s3';\nimport { l } from '../shared/l';\n",
      'lambda/shared/l.ts': "import { readFileSync } from 'fs';\nexport const l = readFileSync;\n",
      'pipelines/p.ts': "import { Duration } from 'aws-cdk-lib';\nimport type { Approval } from '../contracts/approval';\n",
      'lib/index.ts': "export * from './x';\nexport * from '../pipelines/p';\n",
      'lib/x.ts': "import { Construct } from 'constructs';\nimport type { Approval } from '../contracts';\n",
      'tools/audit/t.ts':
        "import { x } from '../../lib/index';\nimport { y } from '../../lib';\nimport { Lineage } from '../../contracts';\nimport { u } from '../util';\n",
      'tools/util.ts': "import { S3Client } from '@aws-sdk/client-s3';\nimport { join } from 'path';\n",
      'scripts/s.ts': "import { x } from '../lib/x';\nimport { h } from '../lambda/a/index';\nimport { t } from '../tools/audit/t';\n",
      'bin/app.ts': "import { App } from 'aws-cdk-lib';\nimport { x } from '../lib';\n",
    });
    expect(dependencyReport(root)).toEqual([]);
  });

  test('applies to a folder that appears later, and ignores test files', () => {
    const root = tree({ 'test/a.test.ts': "import { Duration } from 'aws-cdk-lib';\nimport { x } from '../lib/private/x';\n" });
    expect(dependencyReport(root)).toEqual([]);
    mkdirSync(join(root, 'tools'));
    writeFileSync(join(root, 'tools', 'cost.ts'), "import { x } from '../lib/private/x';\n");
    expect(dependencyReport(root)).toEqual([
      'tools import only contracts/, the public entry lib/index.ts and their own files: tools/cost.ts imports lib/private/x',
    ]);
  });
});

describe('import cycles', () => {
  test('a cycle across folders is reported in import order, through every file in it', () => {
    const root = tree({
      'lib/a.ts': "import { b } from './b';\nexport const a = b;\n",
      'lib/b.ts': "import { c } from '../pipelines/c';\nexport const b = c;\n",
      'pipelines/c.ts': "import { Duration } from 'aws-cdk-lib';\nexport { a } from '../lib/a';\nexport const c = 1;\n",
      'lib/d.ts': "import { a } from './a';\n",
    });
    expect(importCycles(importGraph(root))).toEqual([['lib/a.ts', 'lib/b.ts', 'pipelines/c.ts']]);
    expect(dependencyReport(root)).toEqual([
      'pipelines never import the library, the handlers or the tools: pipelines/c.ts imports lib/a.ts',
      'import cycle: lib/a.ts → lib/b.ts → pipelines/c.ts → lib/a.ts',
    ]);
  });

  test('a type-only cycle counts, and so does a dynamic import', () => {
    const root = tree({
      'lambda/job/index.ts': "export type Invoker = () => void;\nexport const load = () => import('./invoke');\n",
      'lambda/job/invoke.ts': "import type { Invoker } from './index';\nexport const invoke: Invoker = () => undefined;\n",
    });
    expect(dependencyReport(root)).toEqual(['import cycle: lambda/job/index.ts → lambda/job/invoke.ts → lambda/job/index.ts']);
  });

  test('two separate cycles are both reported; a file importing itself is a cycle', () => {
    const root = tree({
      'tools/a.ts': "import './b';\n",
      'tools/b.ts': "import './a';\n",
      'scripts/self.ts': "export * from './self';\n",
    });
    expect(dependencyReport(root)).toEqual(['import cycle: scripts/self.ts → scripts/self.ts', 'import cycle: tools/a.ts → tools/b.ts → tools/a.ts']);
  });
});

describe('reading imports', () => {
  test('every form of import is read, resolved to a file, a package or a built-in', () => {
    const root = tree({
      'lib/all.ts': [
        "import def from './def';",
        "import * as ns from './dir';",
        "import type { T } from '../contracts/t.js';",
        "export { x } from './x';",
        "import fs = require('node:fs/promises');",
        "const s3 = require('@aws-sdk/client-s3/dist-cjs');",
        "type L = import('aws-cdk-lib/aws-lambda').Function;",
        "const later = () => import('./x');",
        "const data = require('./data.json');",
      ].join('\n'),
      'lib/def.ts': '',
      'lib/dir/index.ts': '',
      'lib/x.ts': '',
      'lib/data.json': '{}',
      'contracts/t.ts': '',
    });
    expect(importsOf(root, 'lib/all.ts').map((e) => [e.kind, e.to, e.typeOnly])).toEqual([
      ['file', 'lib/def.ts', false],
      ['file', 'lib/dir/index.ts', false],
      ['file', 'contracts/t.ts', true],
      ['file', 'lib/x.ts', false],
      ['builtin', 'fs', false],
      ['package', '@aws-sdk/client-s3', false],
      ['package', 'aws-cdk-lib', true],
      ['file', 'lib/x.ts', false],
      ['file', 'lib/data.json', false],
    ]);
  });
});
