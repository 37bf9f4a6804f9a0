/**
 * An in-memory DynamoDB `UpdateItem` for fakes (tests and the local approval-page server): it evaluates
 * the update and condition expressions themselves, so a test proves the expressions a handler sends,
 * not a guess of what they mean. Nothing calls AWS.
 *
 * Supported, as DynamoDB documents them: `SET path = operand, ...` and `REMOVE path, ...` clauses in
 * any order; conditions with `=`, `<`, `<=`, `>`, `>=` (a comparison with a missing attribute or of
 * different types is false), `attribute_exists(path)`, `attribute_not_exists(path)`, `AND`, `OR`,
 * `NOT` and parentheses; `#name` placeholders and `:value` operands. Anything else (arithmetic,
 * `<>`, other functions, nested paths) is refused with an error naming it, so a fake never
 * silently accepts an expression it does not understand.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

export interface UpdateInput {
  readonly Key: Record<string, unknown>;
  readonly UpdateExpression: string;
  readonly ConditionExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues?: Record<string, unknown>;
}

type Item = Record<string, unknown>;

const TOKEN = /\s*(#?[A-Za-z_][A-Za-z0-9_]*|:[A-Za-z0-9_]+|<=|>=|<>|[=<>(),])/y;

function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length) {
    if (/^\s*$/.test(expression.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(expression);
    if (!match) throw new Error(`Fake DynamoDB: cannot read expression "${expression}" at position ${start}`);
    tokens.push(match[1]);
  }
  return tokens;
}

class Reader {
  private position = 0;
  constructor(private readonly tokens: string[], private readonly input: UpdateInput) {}
  peek(): string | undefined {
    return this.tokens[this.position];
  }
  next(): string {
    const token = this.tokens[this.position++];
    if (token === undefined) throw new Error('Fake DynamoDB: unexpected end of expression');
    return token;
  }
  expect(token: string): void {
    const got = this.next();
    if (got !== token) throw new Error(`Fake DynamoDB: expected "${token}", got "${got}"`);
  }
  done(): boolean {
    return this.position >= this.tokens.length;
  }
  name(token = this.next()): string {
    if (token.startsWith('#')) {
      const name = this.input.ExpressionAttributeNames?.[token];
      if (name === undefined) throw new Error(`Fake DynamoDB: ${token} is not in ExpressionAttributeNames`);
      return name;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(token)) throw new Error(`Fake DynamoDB: "${token}" is not an attribute name`);
    return token;
  }
  /** A `:value` or an attribute of `item`; `undefined` when the attribute is missing. */
  operand(item: Item): unknown {
    const token = this.next();
    if (token.startsWith(':')) {
      const values = this.input.ExpressionAttributeValues ?? {};
      if (!(token in values)) throw new Error(`Fake DynamoDB: ${token} is not in ExpressionAttributeValues`);
      return values[token];
    }
    if (this.peek() === '(') throw new Error(`Fake DynamoDB: function ${token} is not supported as an operand`);
    return item[this.name(token)];
  }
}

function compare(left: unknown, operator: string, right: unknown): boolean {
  const comparable = (typeof left === 'number' && typeof right === 'number') || (typeof left === 'string' && typeof right === 'string');
  if (!comparable) return false;
  const l = left as number | string;
  const r = right as number | string;
  switch (operator) {
    case '=': return l === r;
    case '<': return l < r;
    case '<=': return l <= r;
    case '>': return l > r;
    case '>=': return l >= r;
    default: throw new Error(`Fake DynamoDB: operator ${operator} is not supported`);
  }
}

function condition(reader: Reader, item: Item): boolean {
  let result = conjunction(reader, item);
  while (reader.peek()?.toUpperCase() === 'OR') {
    reader.next();
    const right = conjunction(reader, item);
    result = result || right;
  }
  return result;
}

function conjunction(reader: Reader, item: Item): boolean {
  let result = negation(reader, item);
  while (reader.peek()?.toUpperCase() === 'AND') {
    reader.next();
    const right = negation(reader, item);
    result = result && right;
  }
  return result;
}

function negation(reader: Reader, item: Item): boolean {
  if (reader.peek()?.toUpperCase() === 'NOT') {
    reader.next();
    return !negation(reader, item);
  }
  if (reader.peek() === '(') {
    reader.next();
    const result = condition(reader, item);
    reader.expect(')');
    return result;
  }
  const first = reader.peek();
  if (first === 'attribute_exists' || first === 'attribute_not_exists') {
    reader.next();
    reader.expect('(');
    const present = reader.name() in item;
    reader.expect(')');
    return first === 'attribute_exists' ? present : !present;
  }
  const left = reader.operand(item);
  const operator = reader.next();
  if (!['=', '<', '<=', '>', '>='].includes(operator)) throw new Error(`Fake DynamoDB: operator ${operator} is not supported`);
  return compare(left, operator, reader.operand(item));
}

/** True when `expression` holds for `item` (an absent expression always holds). */
export function conditionHolds(item: Item, input: UpdateInput, expression = input.ConditionExpression): boolean {
  if (expression === undefined) return true;
  const reader = new Reader(tokenize(expression), input);
  const result = condition(reader, item);
  if (!reader.done()) throw new Error(`Fake DynamoDB: unexpected "${reader.peek()}" in condition "${expression}"`);
  return result;
}

/** `item` after the update expression (a new object; `item` is not changed). */
export function applyUpdateExpression(item: Item, input: UpdateInput): Item {
  const reader = new Reader(tokenize(input.UpdateExpression), input);
  const updated: Item = { ...item };
  while (!reader.done()) {
    const clause = reader.next().toUpperCase();
    if (clause !== 'SET' && clause !== 'REMOVE') throw new Error(`Fake DynamoDB: clause ${clause} is not supported`);
    for (;;) {
      const name = reader.name();
      if (clause === 'SET') {
        reader.expect('=');
        updated[name] = structuredClone(reader.operand(item));
      } else {
        delete updated[name];
      }
      if (reader.peek() !== ',') break;
      reader.next();
    }
  }
  return updated;
}

/**
 * Applies an `UpdateItem` to the table `items` (key attribute `keyName`): the condition is evaluated on
 * the stored item (an absent item is `{}`), then the update; a failed condition throws
 * ConditionalCheckFailedException and changes nothing. Returns `{}` like the document client.
 */
export function updateItem(items: Map<string, Item>, keyName: string, input: UpdateInput): object {
  const key = String(input.Key[keyName]);
  const stored = items.get(key);
  if (!conditionHolds(stored ?? {}, input)) {
    throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: { httpStatusCode: 400 } });
  }
  items.set(key, applyUpdateExpression(stored ?? { [keyName]: input.Key[keyName] }, input));
  return {};
}
