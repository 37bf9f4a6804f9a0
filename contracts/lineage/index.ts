/** The lineage record contract: milestones and key scheme, record types, validator. */
export * from './milestones';
export * from './records';
export * from './validate';
