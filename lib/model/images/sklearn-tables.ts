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
import { XGBOOST_ACCOUNTS } from '../container-registries';

/**
 * ECR registry account of `sagemaker-scikit-learn` per region, for versions 1.0-1 and 1.2-1 (see above): the SDK's
 * `sklearn.json` carries exactly the map of `xgboost.json`, so the XGBoost table serves both. Should the two files
 * ever differ, this becomes a table of its own.
 */
export const SKLEARN_ACCOUNTS: Readonly<Record<string, string>> = XGBOOST_ACCOUNTS;

/** The one image tag of a scikit-learn version: `<version>-cpu-py3`, for training and inference alike. */
export function sklearnTag(version: string): string {
  return `${version}-cpu-py3`;
}
