import * as blueprint from '../lib';

test('the package entry exports the constructs a team needs in its own CDK app', () => {
  for (const name of ['buildMlopsApp', 'PlatformStack', 'ModelStack', 'MlopsModel', 'ModelFeatureGroup', 'ModelRegistry', 'TrainingPipeline',
    'PlatformReference', 'DataLake', 'AuditTrail', 'parseModels', 'containerImageUri', 'addComplianceChecks', 'acknowledge', 'ModelEndpoint', 'ModelMonitoring', 'AuditorAccess', 'resolveServing']) {
    expect(blueprint).toHaveProperty(name);
  }
});
