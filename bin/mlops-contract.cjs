#!/usr/bin/env node
// mlops-contract: the local run of SageMaker's container contract (docs/team-guide.md), code in tools/contract/. A CommonJS
// shim so that npm can link it as a bin.
/* global require */
'use strict';

// eslint-disable-next-line @typescript-eslint/no-require-imports
require('./run-tool.cjs').runTool('mlops-contract', 'contract/main');
