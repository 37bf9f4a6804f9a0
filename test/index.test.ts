import * as blueprint from '../lib';

test('the package entry exports the constructs a team needs in its own CDK app', () => {
  for (const name of ['buildMlopsApp', 'PlatformStack', 'ModelStack', 'MlopsModel', 'ModelFeatureGroup', 'ModelRegistry', 'TrainingPipeline',
    'PlatformReference', 'DataLake', 'AuditTrail', 'parseModels', 'containerImageUri', 'addComplianceChecks', 'acknowledge', 'ModelEndpoint', 'ModelMonitoring', 'AuditorAccess', 'resolveServing',
    'resolveModel', 'MODEL_DEFAULTS', 'MlopsModelBase']) {
    expect(blueprint).toHaveProperty(name);
  }
});
