/** Validation of ASL definitions with asl-validator. */
import { cloneJson } from './sfn-types';

interface AslValidationError {
  'Error code': string;
  Message: string;
}
type AslValidator = (
  definition: unknown,
  options?: { checkPaths?: boolean; checkArn?: boolean },
) => { isValid: boolean; errors: AslValidationError[]; errorsText: (separator?: string) => string };

// asl-validator ships no type declarations; this is the signature of its CommonJS export.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require('asl-validator') as AslValidator;

/** Validates an ASL definition with asl-validator (paths and ARNs checked); throws listing every error. */
export function validateAsl(definition: object): void {
  // asl-validator writes a default `QueryLanguage` into every state of what it is given: validate a copy.
  const result = aslValidator(cloneJson(definition), { checkPaths: true, checkArn: true });
  if (!result.isValid) {
    const list = result.errors.map((error) => `  - ${error['Error code']}: ${error.Message}`).join('\n');
    throw new Error(`Invalid Amazon States Language definition (${result.errors.length} error(s)):\n${list}`);
  }
}
