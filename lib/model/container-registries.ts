/**
 * The registry accounts shared by several image families, per region, from the sources named in the header of
 * `container-images.ts`. Framework-specific tables (tags, TensorFlow and scikit-learn accounts) are in `images/`.
 */

export type { ImagePurpose } from './images/image-types';
export { PYTORCH_TAGS } from './images/pytorch-tables';
/** One PyTorch version's SageMaker image tags, by purpose and processor. */
export type { ProcessorTags as PytorchTags } from './images/image-types';

/**
 * ECR registry account of the SageMaker XGBoost algorithm image (`sagemaker-xgboost`) per region,
 * for versions 1.5-1, 1.7-1 and 3.0-5 (same map for training and inference). Source: SageMaker Python SDK
 * `xgboost.json`, see the file header.
 */
export const XGBOOST_ACCOUNTS: Readonly<Record<string, string>> = {
  'af-south-1': '510948584623',
  'ap-east-1': '651117190479',
  'ap-northeast-1': '354813040037',
  'ap-northeast-2': '366743142698',
  'ap-northeast-3': '867004704886',
  'ap-south-1': '720646828776',
  'ap-south-2': '628508329040',
  'ap-southeast-1': '121021644041',
  'ap-southeast-2': '783357654285',
  'ap-southeast-3': '951798379941',
  'ap-southeast-4': '106583098589',
  'ca-central-1': '341280168497',
  'ca-west-1': '190319476487',
  'cn-north-1': '450853457545',
  'cn-northwest-1': '451049120500',
  'eu-central-1': '492215442770',
  'eu-central-2': '680994064768',
  'eu-north-1': '662702820516',
  'eu-south-1': '978288397137',
  'eu-south-2': '104374241257',
  'eu-west-1': '141502667606',
  'eu-west-2': '764974769150',
  'eu-west-3': '659782779980',
  'il-central-1': '898809789911',
  'me-central-1': '272398656194',
  'me-south-1': '801668240914',
  'sa-east-1': '737474898029',
  'us-east-1': '683313688378',
  'us-east-2': '257758044811',
  'us-gov-east-1': '237065988967',
  'us-gov-west-1': '414596584902',
  'us-iso-east-1': '833128469047',
  'us-isob-east-1': '281123927165',
  'us-isof-east-1': '108575199400',
  'us-isof-south-1': '124985052026',
  'us-west-1': '746614075791',
  'us-west-2': '246618743249',
};

/**
 * AWS Deep Learning Containers registry account per region, as published by the DLC project
 * (`region_availability.md`, see the file header). Used only where aws-cdk-lib's region-info has no
 * `dlcRepositoryAccount` fact; the key set is the list of regions supported for PyTorch.
 */
export const DLC_ACCOUNTS: Readonly<Record<string, string>> = {
  'af-south-1': '626614931356',
  'ap-east-1': '871362719292',
  'ap-east-2': '975050140332',
  'ap-northeast-1': '763104351884',
  'ap-northeast-2': '763104351884',
  'ap-northeast-3': '364406365360',
  'ap-south-1': '763104351884',
  'ap-south-2': '772153158452',
  'ap-southeast-1': '763104351884',
  'ap-southeast-2': '763104351884',
  'ap-southeast-3': '907027046896',
  'ap-southeast-4': '457447274322',
  'ap-southeast-5': '550225433462',
  'ap-southeast-7': '590183813437',
  'ca-central-1': '763104351884',
  'ca-west-1': '204538143572',
  'cn-north-1': '727897471807',
  'cn-northwest-1': '727897471807',
  'eu-central-1': '763104351884',
  'eu-central-2': '380420809688',
  'eu-north-1': '763104351884',
  'eu-south-1': '692866216735',
  'eu-south-2': '503227376785',
  'eu-west-1': '763104351884',
  'eu-west-2': '763104351884',
  'eu-west-3': '763104351884',
  'il-central-1': '780543022126',
  'me-central-1': '914824155844',
  'me-south-1': '217643126080',
  'mx-central-1': '637423239942',
  'sa-east-1': '763104351884',
  'us-east-1': '763104351884',
  'us-east-2': '763104351884',
  'us-west-1': '763104351884',
  'us-west-2': '763104351884',
};
