#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { join } from 'path';
import { platformConfig } from '../config/platform';
import { collectModelFolders } from '../lib/config/model-folders';
import { ConfigError } from '../lib/config/schema';
import { buildMlopsApp, MlopsStacks } from '../lib/mlops-app';

/**
 * The blueprint's own app in `app`: the configuration of config/platform.ts (or `-c config=FILE`) and one folder per
 * model, models/<name>/model.ts with the team's code beside it (docs/team-guide.md). Throws a ConfigError listing
 * every problem before any construct exists.
 */
export function buildBlueprintApp(app: App): MlopsStacks {
  const { models, sources } = collectModelFolders(join(__dirname, '..', 'models'));
  return buildMlopsApp(app, { config: platformConfig, configSource: 'config/platform.ts', models, modelsSource: 'models/', modelSources: sources });
}

// Synthesis is explicit so that a bad configuration writes nothing: validation throws before any
// construct exists, and the process exits with the list of problems instead of a stack trace. A
// configuration problem found later (by a construct, or while synthesizing) is reported the same way;
// any other error is a defect of the blueprint and keeps its stack trace.
if (require.main === module) {
  const app = new App({ autoSynth: false });
  try {
    buildBlueprintApp(app);
    app.synth();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`\n${e.message}\n\n`);
    process.exit(1);
  }
}
