// The package entry: re-exports only.
export * from './compliance';
export * from './config/schema';
export * from './config/environment';
export * from './config/load';
export * from './mlops-app';
export * from './platform-stack';
export * from './platform/access-log-bucket';
export * from './platform/audit-trail';
export * from './platform/data-lake';
export * from './platform/notifications';
export * from './platform/platform-keys';
export * from './platform/platform-reference';
