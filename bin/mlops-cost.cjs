#!/usr/bin/env node
// mlops-cost: the bill before the deploy (docs/cost.md), code in tools/cost/. A CommonJS shim so that npm can link it as a bin.
/* global require */
'use strict';

// eslint-disable-next-line @typescript-eslint/no-require-imports
require('./run-tool.cjs').runTool('mlops-cost', 'cost/main');
