#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { join } from 'path';
import { platformConfig } from '../config/platform';
import { collectModelFolders } from '../lib/config/model-folders';
import { ConfigError } from '../lib/config/schema';
import { buildMlopsApp } from '../lib/mlops-app';

// Synthesis is explicit so that a bad configuration writes nothing: validation throws before any
// construct exists, and the process exits with the list of problems instead of a stack trace. A
// configuration problem found later (by a construct, or while synthesizing) is reported the same way;
// any other error is a defect of the blueprint and keeps its stack trace.
const app = new App({ autoSynth: false });
try {
  // One folder per model: models/<name>/model.ts and the team's code beside it (docs/team-guide.md).
  const { models, sources } = collectModelFolders(join(__dirname, '..', 'models'));
  buildMlopsApp(app, { config: platformConfig, configSource: 'config/platform.ts', models, modelsSource: 'models/', modelSources: sources });
  app.synth();
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  process.stderr.write(`\n${e.message}\n\n`);
  process.exit(1);
}
