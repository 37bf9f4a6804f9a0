/** Validation of ASL definitions with asl-validator. */
import { diskMemo, packageVersion } from './disk-memo';
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

const OPTIONS = { checkPaths: true, checkArn: true };
const VERSION = packageVersion('asl-validator');

/**
 * Validates an ASL definition with asl-validator (paths and ARNs checked); throws listing every error. asl-validator
 * compiles its JSON schemas on every call (about a second), so its errors for a definition are kept on disk.
 */
export function validateAsl(definition: object): void {
  const errors = diskMemo('asl-validator', { version: VERSION, options: OPTIONS, definition }, () => {
    // asl-validator writes a default `QueryLanguage` into every state of what it is given: validate a copy.
    const result = aslValidator(cloneJson(definition), OPTIONS);
    return result.isValid ? [] : result.errors.map((error) => `${error['Error code']}: ${error.Message}`);
  });
  if (errors.length > 0) {
    throw new Error(`Invalid Amazon States Language definition (${errors.length} error(s)):\n${errors.map((e) => `  - ${e}`).join('\n')}`);
  }
}
