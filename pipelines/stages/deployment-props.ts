/** The deployment stage's properties, shared by the stage and its permissions. */
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { EndpointConfigProps, EndpointRef } from './endpoint-config';
import { LineageRecorder } from './lineage';
import { NotificationTarget } from './notifications';

/** Properties of `deploymentStage` (deployment.ts). */
export interface DeploymentStageProps extends EndpointConfigProps {
  /** The endpoint (`<namespace>-<environment>-<model>`). */
  readonly endpoint: EndpointRef;
  /** Where the record of what is serving is written after a successful deployment: `<prefix>current.json`. */
  readonly servingRecord: { readonly bucket: s3.IBucket; readonly prefix: string };
  /** Topic for deployment problems. */
  readonly notifications: NotificationTarget;
  /** JSONPath of the model version's drift baseline URI, recorded with what serves. @default - none recorded */
  readonly baselineUriPath?: string;
  /** Lineage records of the deployment's outcomes. @default - none written */
  readonly lineage?: LineageRecorder;
  /** Where failed calls go, with the error in `$.error`. */
  readonly onFailure: sfn.IChainable;
}
