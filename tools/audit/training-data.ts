/**
 * The training end of the chain: the training job and the versions of the data it was trained on.
 */
import type { DescribeModelPackageCommandOutput } from '@aws-sdk/client-sagemaker';
import { RegisteredRecord } from '../../contracts/lineage';
import { AuditState, lastPart, Loaded, MAX_NAMED_OBJECTS, sorted, splitS3Uri, time } from './audit-state';

/** The training job, from SageMaker and the registered record, compared with each other. */
export async function auditTraining(
  audit: AuditState,
  pkg: DescribeModelPackageCommandOutput | undefined,
  registered: Loaded<RegisteredRecord> | undefined,
) {
  const jobArn = registered?.record.training.jobArn ?? pkg?.CustomerMetadataProperties?.trainingJobArn;
  const jobName = registered?.record.training.jobName ?? (jobArn ? lastPart(jobArn, '/') : undefined);
  if (!jobName) {
    audit.link('training-job', 'not found', [], 'missing');
    return;
  }
  if (!registered) audit.notes.push("The training job comes from the model package's metadata (trainingJobArn), not from a lineage record.");
  const job = await audit.aws.describeTrainingJob(jobName);
  const recorded = registered?.record.training;
  if (job && recorded) {
    const image = job.AlgorithmSpecification?.TrainingImage;
    if (recorded.image !== undefined && image !== recorded.image) {
      audit.find('RECORD_MISMATCH', `Training job ${jobName} ran ${image}; its registered record says ${recorded.image}.`, 'training-job');
    }
    const actual = JSON.stringify(sorted(job.HyperParameters ?? {}));
    if (actual !== JSON.stringify(sorted(recorded.hyperparameters))) {
      audit.find(
        'RECORD_MISMATCH',
        `Training job ${jobName} has hyperparameters ${actual}; its registered record says ${JSON.stringify(sorted(recorded.hyperparameters))}.`,
        'training-job',
      );
    }
  }
  const image = job?.AlgorithmSpecification?.TrainingImage ?? recorded?.image;
  const hyperparameters = job?.HyperParameters ?? recorded?.hyperparameters ?? {};
  if (!job) audit.notes.push(`Training job ${jobName} cannot be described any more: its facts come from the registered record.`);
  const code = (
    recorded?.inputChannels ??
    job?.InputDataConfig?.map((c) => ({ name: c.ChannelName ?? '', s3Uri: c.DataSource?.S3DataSource?.S3Uri })) ??
    []
  ).find((c) => c.name === 'code');
  audit.link(
    'training-job',
    jobArn ?? jobName,
    [
      { label: 'Image', value: `${image ?? 'unknown'}${recorded?.imageDigest ? ` (${recorded.imageDigest})` : ''}` },
      {
        label: 'Hyperparameters',
        value:
          Object.entries(sorted(hyperparameters))
            .map(([k, v]) => `${k}=${v}`)
            .join(', ') || 'none',
      },
      ...(code?.s3Uri ? [{ label: 'Code', value: code.s3Uri }] : []),
      {
        label: 'Instance',
        value:
          `${job?.ResourceConfig?.InstanceCount ?? recorded?.instanceCount ?? '?'} x ` +
          `${job?.ResourceConfig?.InstanceType ?? recorded?.instanceType ?? '?'}` +
          `${(job?.EnableManagedSpotTraining ?? recorded?.spot) ? ', spot' : ''}`,
      },
      {
        label: 'Ran',
        value:
          `${time(job?.TrainingStartTime) ?? recorded?.startTime ?? '?'} to ` +
          `${time(job?.TrainingEndTime) ?? recorded?.endTime ?? '?'} (${job?.TrainingJobStatus ?? recorded?.status ?? 'status unknown'})`,
      },
      ...(registered
        ? [
            {
              label: 'Metrics',
              value:
                Object.entries(registered.record.evaluation.metrics)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(', ') || 'none',
            },
          ]
        : []),
      ...(registered?.record.data.evaluationDataUri ? [{ label: 'Evaluated on', value: registered.record.data.evaluationDataUri }] : []),
    ],
    job || recorded ? undefined : 'missing',
  );
}

/** The data manifest and whether every object version it lists still exists. */
export async function auditData(
  audit: AuditState,
  pkg: DescribeModelPackageCommandOutput | undefined,
  registered: Loaded<RegisteredRecord> | undefined,
) {
  const manifestUri = registered?.record.data.manifestUri ?? pkg?.CustomerMetadataProperties?.trainingDataManifestUri;
  const versionId = registered?.record.data.manifestVersionId;
  const location = manifestUri ? splitS3Uri(manifestUri) : undefined;
  if (!manifestUri || !location) {
    audit.link('data-manifest', 'not found', [], 'missing');
    audit.link('data-versions', 'not checked', [], 'missing');
    return;
  }
  if (!versionId) audit.notes.push(`The manifest's version is not recorded: the current version of ${manifestUri} was read.`);
  const read = await audit.aws.getText(location.bucket, location.key, versionId);
  if (!read) {
    audit.find(
      'DATA_MANIFEST_MISSING',
      `The data manifest ${manifestUri}${versionId ? ` (version ${versionId})` : ''} does not exist.`,
      'data-manifest',
    );
    audit.link('data-manifest', manifestUri, [], 'missing');
    audit.link('data-versions', 'not checked', [], 'missing');
    return;
  }
  let manifest: {
    dataUri?: string;
    createdAt?: string;
    objectCount?: number;
    totalBytes?: number;
    objects?: Array<{ key: string; versionId: string; size?: number }>;
  } = {};
  try {
    manifest = JSON.parse(read.text);
  } catch {
    audit.find('RECORD_MISMATCH', `The data manifest ${manifestUri} is not JSON.`, 'data-manifest');
  }
  const objects = Array.isArray(manifest.objects) ? manifest.objects : [];
  const dataUri = manifest.dataUri ?? registered?.record.data.trainingDataUri ?? '';
  const dataBucket = splitS3Uri(dataUri)?.bucket ?? '';
  if (registered && registered.record.data.objectCount !== undefined && registered.record.data.objectCount !== objects.length) {
    audit.find(
      'RECORD_MISMATCH',
      `The data manifest ${manifestUri} lists ${objects.length} objects; the registered record says ${registered.record.data.objectCount}.`,
      'data-manifest',
    );
  }
  if (registered && manifest.dataUri !== undefined && manifest.dataUri !== registered.record.data.trainingDataUri) {
    audit.find(
      'RECORD_MISMATCH',
      `The data manifest ${manifestUri} is of ${manifest.dataUri}; the registered record trained on ${registered.record.data.trainingDataUri}.`,
      'data-manifest',
    );
  }
  audit.link('data-manifest', manifestUri, [
    { label: 'Version', value: read.versionId ?? versionId ?? 'unversioned' },
    { label: 'Data', value: dataUri || 'unknown' },
    { label: 'Objects', value: `${objects.length} (${manifest.totalBytes ?? objects.reduce((s, x) => s + (x.size ?? 0), 0)} bytes)` },
    ...(manifest.createdAt ? [{ label: 'Snapshot taken', value: manifest.createdAt }] : []),
  ]);

  const states = await audit.aws.dataVersions(objects.map((x) => ({ bucket: dataBucket, key: x.key, versionId: x.versionId })));
  const gone = objects.map((x, i) => ({ ...x, state: states[i] })).filter((x) => x.state !== 'present');
  if (gone.length > 0) {
    const named = gone
      .slice(0, MAX_NAMED_OBJECTS)
      .map((x) => `s3://${dataBucket}/${x.key} version ${x.versionId}${x.state === 'delete-marker' ? ' (a delete marker)' : ''}`);
    audit.find(
      'DATA_VERSION_MISSING',
      `${gone.length} of ${objects.length} training data object versions no longer exist: ${named.join('; ')}` +
        `${gone.length > MAX_NAMED_OBJECTS ? `; and ${gone.length - MAX_NAMED_OBJECTS} more` : ''}.`,
      'data-versions',
    );
  }
  audit.link('data-versions', `${objects.length - gone.length} of ${objects.length} present`, [
    { label: 'Checked', value: `HeadObject with each version ID under s3://${dataBucket}/` },
    ...gone.slice(0, MAX_NAMED_OBJECTS).map((x) => ({ label: 'Missing', value: `${x.key} (version ${x.versionId})` })),
  ]);
}
