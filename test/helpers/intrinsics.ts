/**
 * CloudFormation intrinsic functions evaluated in a value of a template, for the tests' two resolvers: the run-time
 * world (test/runtime/world.ts: physical names across stacks, SSM parameters) and the state machine helper
 * (test/helpers/sfn-definition.ts: fake values by logical id in one template). Each supplies what `Ref` and `Fn::GetAtt` return,
 * the template's Mappings and its own error; the functions themselves are evaluated here, once.
 */

/** What a resolver supplies: the values of `Ref` and `Fn::GetAtt`, the Mappings, and how it reports a failure. */
export interface IntrinsicScope {
  ref(id: string, where: string): unknown;
  getAtt(id: string, attribute: string, where: string): unknown;
  readonly mappings?: Record<string, Record<string, Record<string, unknown>>>;
  /** Throws, naming the intrinsic (`{ [name]: args }`), where it is, and why it cannot be resolved. */
  fail(name: string, args: unknown, where: string, why: string): never;
  /** A plain string of the template as the resolver sees it (default: unchanged), e.g. with dynamic references resolved. */
  string?(text: string, where: string): string;
  /** Whether `{ Condition: … }` counts as an intrinsic (state machine definitions have no such property). */
  readonly conditionIsIntrinsic?: boolean;
}

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `value` with every intrinsic in it evaluated. */
export function resolveIntrinsics(scope: IntrinsicScope, value: unknown, where: string): unknown {
  if (typeof value === 'string') return scope.string ? scope.string(value, where) : value;
  if (Array.isArray(value)) return value.map((item, i) => resolveIntrinsics(scope, item, `${where}[${i}]`));
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || (scope.conditionIsIntrinsic && keys[0] === 'Condition'))) {
    return intrinsic(scope, keys[0], value[keys[0]], where);
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = resolveIntrinsics(scope, value[key], `${where}.${key}`);
  return out;
}

/** `value` evaluated, as a string (numbers and booleans as CloudFormation writes them). */
export function resolveString(scope: IntrinsicScope, value: unknown, where: string, name = 'a value', args: unknown = value): string {
  const resolved = resolveIntrinsics(scope, value, where);
  if (typeof resolved === 'string') return resolved;
  if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
  return scope.fail(name, args, where, `expected a string, got ${JSON.stringify(resolved)}`);
}

/** `"a.b.c"` as `["a", "b.c"]`; a text without the separator as `[text]`. */
export function splitOnce(text: string, separator: string): string[] {
  const at = text.indexOf(separator);
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + separator.length)];
}

function intrinsic(scope: IntrinsicScope, name: string, args: unknown, where: string): unknown {
  const str = (value: unknown, at = where) => resolveString(scope, value, at, name, args);
  const pair = (expected: string): [unknown, unknown] => {
    if (!Array.isArray(args) || args.length !== 2) return scope.fail(name, args, where, `expected ${expected}`);
    return [args[0], args[1]];
  };
  switch (name) {
    case 'Ref':
      if (typeof args !== 'string') return scope.fail(name, args, where, 'Ref takes a logical id');
      return scope.ref(args, where);
    case 'Fn::GetAtt': {
      const parts = typeof args === 'string' ? splitOnce(args, '.') : args;
      if (!Array.isArray(parts) || parts.length !== 2) return scope.fail(name, args, where, 'expected [logicalId, attribute]');
      const attribute = str(parts[1]);
      return scope.getAtt(str(parts[0]), attribute, where);
    }
    case 'Fn::Join': {
      const [delimiter, items] = pair('[delimiter, list]');
      const separator = str(delimiter);
      const list = resolveIntrinsics(scope, items, where);
      if (!Array.isArray(list)) return scope.fail(name, args, where, 'the second argument must be a list');
      return list.map((item) => str(item)).join(separator);
    }
    case 'Fn::Select': {
      const [at, items] = pair('[index, list]');
      const index = Number(resolveIntrinsics(scope, at, where));
      const list = resolveIntrinsics(scope, items, where);
      if (!Array.isArray(list) || !Number.isInteger(index) || index < 0 || index >= list.length) {
        return scope.fail(name, args, where, `index ${index} is not in ${JSON.stringify(list)}`);
      }
      return list[index];
    }
    case 'Fn::Split': {
      const [delimiter, text] = pair('[delimiter, string]');
      return str(text).split(str(delimiter));
    }
    case 'Fn::Sub': {
      const [text, variables] = Array.isArray(args) ? [args[0], args[1]] : [args, undefined];
      if (typeof text !== 'string') return scope.fail(name, args, where, 'expected a string or [string, variables]');
      const values: Record<string, string> = {};
      if (isRecord(variables)) for (const [key, value] of Object.entries(variables)) values[key] = str(value, `${where}.${key}`);
      return text.replace(/\$\{([^}]*)\}/g, (match, expression: string) => {
        if (expression.startsWith('!')) return `\${${expression.slice(1)}}`;
        if (expression in values) return values[expression];
        if (expression.startsWith('AWS::') || !expression.includes('.')) return String(scope.ref(expression, where));
        const [id, attribute] = splitOnce(expression, '.');
        return id && attribute ? String(scope.getAtt(id, attribute, where)) : match;
      });
    }
    case 'Fn::FindInMap': {
      if (!Array.isArray(args) || args.length < 3) return scope.fail(name, args, where, 'expected [map, key, key]');
      const [map, top, second] = args.slice(0, 3).map((arg) => str(arg));
      const found = scope.mappings?.[map]?.[top]?.[second];
      if (found === undefined) return scope.fail(name, args, where, `no mapping ${map}.${top}.${second} in the template`);
      return found;
    }
    case 'Fn::Base64':
      return Buffer.from(str(args), 'utf8').toString('base64');
    default:
      return scope.fail(name, args, where, `${name} is not supported by the test resolver`);
  }
}
