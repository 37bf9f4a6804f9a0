/**
 * Jest's Node environment, plus what one worker can share between its test files: a module, and values as text.
 *
 * Each test file gets its own module registry, so a module required by two files is loaded twice. For aws-cdk-lib's
 * CloudFormation validator engine (@aws/cloudformation-validate, WebAssembly) that costs about 2.5 s per file: the
 * module's first engine initializes the engine's schemas, the ones after it take a tenth of that. The environment
 * loads it once per worker, outside the files' registries, and jest.config.js maps the package to
 * test/setup/shared-cfn-validate.cjs, which hands the files this one instance. It is stateless between calls:
 * every validator still builds its own engine, and a template's findings do not depend on what was validated before.
 */
/* global require, module, structuredClone */
'use strict';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { TestEnvironment } = require('jest-environment-node');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { dirname } = require('path');

const SHARED = Symbol.for('mlops-blueprint.test.shared-cfn-validate');
let cfnValidate;

/**
 * The validator engine's package as aws-cdk-lib resolves it, loaded on first use, once per worker. Its engine accepts
 * only plain objects of its own realm, and a test file's objects come from the file's: the engine's arguments are
 * copied into this realm first (they are JSON-like: rules, template names, options).
 */
function sharedCfnValidate() {
  if (cfnValidate) return cfnValidate;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const real = require(require.resolve('@aws/cloudformation-validate', { paths: [dirname(require.resolve('aws-cdk-lib'))] }));
  class CompositeEngine extends real.CompositeEngine {
    constructor(config) {
      super(structuredClone(config));
    }
    validateTemplate(template, options) {
      return super.validateTemplate(template, structuredClone(options));
    }
  }
  cfnValidate = Object.freeze({ ...real, CompositeEngine });
  return cfnValidate;
}

/**
 * Values one test file computed that the worker's later files may reuse (test/helpers/worker-memo.ts), as JSON text:
 * nothing of one file's realm reaches another. The source files do not change during a run, so a value derived only
 * from them (the default app's templates) is the same for every file.
 */
const WORKER_MEMO = Symbol.for('mlops-blueprint.test.worker-memo');
const workerMemo = new Map();

class SharedModulesEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    Object.defineProperty(this.global, SHARED, { get: sharedCfnValidate });
    Object.defineProperty(this.global, WORKER_MEMO, { value: workerMemo });
  }
}

module.exports = SharedModulesEnvironment;
