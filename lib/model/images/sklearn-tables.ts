/**
 * scikit-learn framework container registries and tags (repository `sagemaker-scikit-learn`, CPU only).
 *
 * Source, taken on 2026-12-06: github.com/aws/sagemaker-python-sdk `src/sagemaker/image_uri_config/sklearn.json`
 * (branch master-v2, commit 99210b2cc042e3b8336e5c3caa7da05814b61c83; same maps in
 * `sagemaker-core/src/sagemaker/core/image_uri_config/sklearn.json` of branch master, commit
 * 4f14efba0a44fc4d594ca51facaf9a1a46f13dc5): `training` and `inference` scopes of versions 1.0-1 and 1.2-1, each
 * with `processors: ["cpu"]`, `py_versions: ["py3"]` and the same 37-region map (also the map of `xgboost.json`).
 * 1.4-2 is not offered: that revision has a training image but no inference image for it.
 * The tag is `<version>-<processor>-<py version>`, as `_format_tag` of `src/sagemaker/image_uris.py` builds it
 * (branch master-v2, commit 5d3f1757496c149aa61a121da9e43928a16dc6a1), e.g. `1.2-1-cpu-py3`.
 */

/** ECR registry account of `sagemaker-scikit-learn` per region, for versions 1.0-1 and 1.2-1 (see above). */
export const SKLEARN_ACCOUNTS: Readonly<Record<string, string>> = {
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

/** The one image tag of a scikit-learn version: `<version>-cpu-py3`, for training and inference alike. */
export function sklearnTag(version: string): string {
  return `${version}-cpu-py3`;
}
