/**
 * The contracts shared by the constructs (lib/), the workflows (pipelines/), the handlers (lambda/) and the
 * tools: types, constants and pure functions, with no CDK, no AWS SDK and no I/O. Nothing here imports
 * anything outside this folder.
 */
export * from './approval';
export * from './approval-link';
export * from './cost';
export * from './features';
export * from './lineage';
export * from './metrics';
export * from './model-code';
export * from './names';
export * from './serving';
export * from './suggest';
export * from './training';
export * from './trigger';
