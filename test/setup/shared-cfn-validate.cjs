/**
 * What a test file gets for `@aws/cloudformation-validate` (jest.config.js maps the package here): the one instance the
 * worker's environment loaded (test/setup/environment.cjs), instead of a new one per test file.
 */
/* global module */
'use strict';

const shared = globalThis[Symbol.for('mlops-blueprint.test.shared-cfn-validate')];
if (!shared) throw new Error('test/setup/environment.cjs is not the test environment: see jest.config.js');
module.exports = shared;
