/**
 * The simulator works out, for every request, which of the action's resource types the request's ARN is: it matches
 * the ARN against each type's ARN pattern character by character, which was a quarter of the permission check's time.
 * The answer depends only on the service, the action and the ARN (and the simulator's pinned IAM data), and the check
 * asks about the same ARN for many principals: it is kept here, once per test file. The simulator reads the function
 * from its module's exports on every call, so replacing the export is enough; if a new version moves it, this fails
 * loudly rather than making the check silently slower.
 */
import { dirname, join } from 'path';

type ResourceTypesFor = (service: string, action: string, resource: string) => Promise<unknown[]>;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const simulator = require(join(dirname(require.resolve('@cloud-copilot/iam-simulate')), 'simulation_engine', 'resourceTypes.js')) as {
  getResourceTypesForAction?: ResourceTypesFor;
};
const original = simulator.getResourceTypesForAction;
if (typeof original !== 'function') {
  throw new Error('@cloud-copilot/iam-simulate no longer exports getResourceTypesForAction: update test/runtime/resource-types-memo.ts');
}
const answers = new Map<string, Promise<unknown[]>>();
simulator.getResourceTypesForAction = (service, action, resource) => {
  const key = `${service}\n${action}\n${resource}`;
  let answer = answers.get(key);
  if (!answer) {
    answer = original(service, action, resource);
    // a failed lookup (an action without resource types) is asked again, so its error stays the simulator's own
    answer.catch(() => answers.delete(key));
    answers.set(key, answer);
  }
  return answer;
};
