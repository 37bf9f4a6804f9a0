import { Logger } from '@aws-lambda-powertools/logger';

/** The one logger of every handler: structured JSON, service name from POWERTOOLS_SERVICE_NAME. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'mlops' });
