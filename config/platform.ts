import type { PlatformConfig } from '../lib/config/environment';

/**
 * The platform configuration: one entry per environment, chosen with `-c env=NAME` (default `dev`).
 * Every field is documented in docs/configuration.md; validation runs on every synth.
 */
export const platformConfig = {
  namespace: 'mlops',
  environments: {
    dev: {
      dataLake: { noncurrentVersionExpirationDays: 30, accessLogExpirationDays: 90 },
      audit: { objectLockMode: 'GOVERNANCE', objectLockRetentionDays: 30, cloudWatchLogsRetentionDays: 30 },
      approval: { mode: 'auto' },
    },
    prod: {
      production: true,
      dataLake: { noncurrentVersionExpirationDays: 365, intelligentTieringAfterDays: 90, accessLogExpirationDays: 730 },
      audit: { objectLockMode: 'COMPLIANCE', objectLockRetentionDays: 2557, cloudWatchLogsRetentionDays: 365 },
      approval: { mode: 'human', timeoutHours: 72 },
    },
  },
} satisfies PlatformConfig;
