#!/usr/bin/env node
// mlops-audit: the auditor's command (docs/auditing.md), code in tools/audit/. A CommonJS shim so that npm can link it as a bin.
/* global require */
'use strict';

// eslint-disable-next-line @typescript-eslint/no-require-imports
require('./run-tool.cjs').runTool('mlops-audit', 'audit/main');
