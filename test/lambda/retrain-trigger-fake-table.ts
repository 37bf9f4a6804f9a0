import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommandInput, PutCommandInput, TransactWriteCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';

// ---------------------------------------------------------------------------------------------
// An in-memory DynamoDB table (partition key `pk`) that really evaluates the expressions the
// handler sends: conditions (attribute_exists / attribute_not_exists, comparisons, AND, OR),
// updates (SET with if_not_exists, ADD, REMOVE, right-hand sides read from the item before the
// update), transactions (all or nothing, CancellationReasons in item order, ALL_OLD items in the
// low-level form) and DynamoDB's refusal of unused expression names and values. Every call yields
// to the event loop a pseudo-random number of times before it runs (atomically), so concurrent
// invocations interleave as they would against the service.
// ---------------------------------------------------------------------------------------------

type Item = Record<string, unknown>;
type Names = Record<string, string> | undefined;
type Values = Record<string, unknown> | undefined;

function validationError(message: string): Error {
  return Object.assign(new Error(message), { name: 'ValidationException' });
}

/** Resolves `#name` and `:value` tokens, remembering which were used. */
class Tokens {
  private readonly usedNames = new Set<string>();
  private readonly usedValues = new Set<string>();
  constructor(private readonly names: Names, private readonly values: Values) {}

  name(token: string): string {
    if (!token.startsWith('#')) return token;
    this.usedNames.add(token);
    const name = this.names?.[token];
    if (name === undefined) throw validationError(`An expression attribute name used in the document path is not defined; attribute name: ${token}`);
    return name;
  }

  value(token: string): unknown {
    this.usedValues.add(token);
    if (!this.values || !(token in this.values)) throw validationError(`An expression attribute value used in expression is not defined; attribute value: ${token}`);
    return this.values[token];
  }

  checkAllUsed(): void {
    const unusedNames = Object.keys(this.names ?? {}).filter((n) => !this.usedNames.has(n));
    const unusedValues = Object.keys(this.values ?? {}).filter((v) => !this.usedValues.has(v));
    if (unusedNames.length > 0) throw validationError(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`);
    if (unusedValues.length > 0) throw validationError(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`);
  }
}

function evaluateCondition(expression: string | undefined, item: Item | undefined, tokens: Tokens): boolean {
  if (expression === undefined) return true;
  // Every atom is evaluated (no short-circuit) so that every token counts as used, as in DynamoDB.
  const disjuncts = expression.split(/\s+OR\s+/).map((conjunct) => conjunct.split(/\s+AND\s+/).map((atom) => evaluateAtom(atom.trim(), item, tokens)));
  return disjuncts.some((atoms) => atoms.every(Boolean));
}

function evaluateAtom(atom: string, item: Item | undefined, tokens: Tokens): boolean {
  const exists = /^attribute_(not_)?exists\((\S+)\)$/.exec(atom);
  if (exists) {
    const present = item !== undefined && tokens.name(exists[2]) in item;
    return exists[1] ? !present : present;
  }
  const comparison = /^(\S+)\s*(<=|>=|<>|=|<|>)\s*(\S+)$/.exec(atom);
  if (!comparison) throw new Error(`fake table: unsupported condition "${atom}"`);
  const operand = (token: string) => (token.startsWith(':') ? tokens.value(token) : item?.[tokens.name(token)]);
  const left = operand(comparison[1]);
  const right = operand(comparison[3]);
  if (left === undefined || right === undefined || typeof left !== typeof right) return false;
  const [l, r] = [left as number | string, right as number | string];
  switch (comparison[2]) {
    case '=': return l === r;
    case '<>': return l !== r;
    case '<': return l < r;
    case '<=': return l <= r;
    case '>': return l > r;
    default: return l >= r;
  }
}

/** Splits on commas outside parentheses. */
function splitActions(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of body) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += c;
  }
  parts.push(current.trim());
  return parts;
}

function applyUpdate(expression: string, old: Item | undefined, key: Item, tokens: Tokens): Item {
  const next: Item = { ...(old ?? {}), ...key };
  const clauses = expression.split(/(?=\b(?:SET|ADD|REMOVE)\s)/).map((c) => c.trim()).filter(Boolean);
  for (const clause of clauses) {
    const [, keyword, body] = /^(SET|ADD|REMOVE)\s+(.*)$/.exec(clause) ?? [];
    if (!keyword) throw new Error(`fake table: unsupported update "${clause}"`);
    for (const action of splitActions(body)) {
      if (keyword === 'REMOVE') {
        delete next[tokens.name(action)];
      } else if (keyword === 'ADD') {
        const [, path, value] = /^(\S+)\s+(:\S+)$/.exec(action) ?? [];
        if (!path) throw new Error(`fake table: unsupported ADD "${action}"`);
        const name = tokens.name(path);
        const current = old?.[name] ?? 0;
        const increment = tokens.value(value);
        if (typeof current !== 'number' || typeof increment !== 'number') throw validationError('An operand in the update expression has an incorrect data type');
        next[name] = current + increment;
      } else {
        const [, path, rhs] = /^(\S+)\s*=\s*(.+)$/.exec(action) ?? [];
        if (!path) throw new Error(`fake table: unsupported SET "${action}"`);
        const ifNotExists = /^if_not_exists\((\S+),\s*(:\S+)\)$/.exec(rhs);
        let value: unknown;
        if (ifNotExists) {
          const fallback = tokens.value(ifNotExists[2]);
          value = old?.[tokens.name(ifNotExists[1])] ?? fallback;
        } else if (rhs.startsWith(':')) {
          value = tokens.value(rhs);
        } else {
          value = old?.[tokens.name(rhs)];
          if (value === undefined) throw validationError('The provided expression refers to an attribute that does not exist in the item');
        }
        next[tokens.name(path)] = value;
      }
    }
  }
  return next;
}

function lowLevel(item: Item): Record<string, { N: string } | { S: string }> {
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, typeof v === 'number' ? { N: String(v) } : { S: String(v) }]));
}

function conditionFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
}

export class FakeTable {
  readonly items = new Map<string, Item>();
  /** The next this-many transactions fail with `TransactionConflict`. */
  conflicts = 0;

  get(pk: string): Item | undefined {
    return this.items.get(pk);
  }

  put(input: PutCommandInput): object {
    const item = input.Item as Item;
    const tokens = new Tokens(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
    const ok = evaluateCondition(input.ConditionExpression, this.items.get(item.pk as string), tokens);
    tokens.checkAllUsed();
    if (!ok) throw conditionFailed();
    this.items.set(item.pk as string, { ...item });
    return {};
  }

  delete(input: DeleteCommandInput): object {
    const pk = input.Key?.pk as string;
    const tokens = new Tokens(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
    const ok = evaluateCondition(input.ConditionExpression, this.items.get(pk), tokens);
    tokens.checkAllUsed();
    if (!ok) throw conditionFailed();
    this.items.delete(pk);
    return {};
  }

  /** The item an update would write, and whether its condition holds. */
  private prepare(input: Pick<UpdateCommandInput, 'Key' | 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>) {
    const pk = input.Key?.pk as string;
    const old = this.items.get(pk);
    const tokens = new Tokens(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
    const ok = evaluateCondition(input.ConditionExpression, old, tokens);
    const next = applyUpdate(input.UpdateExpression ?? '', old, { pk }, tokens);
    tokens.checkAllUsed();
    return { pk, old, next, ok };
  }

  update(input: UpdateCommandInput): object {
    const { pk, next, ok } = this.prepare(input);
    if (!ok) throw conditionFailed();
    this.items.set(pk, next);
    return {};
  }

  transact(input: TransactWriteCommandInput): object {
    const prepared = (input.TransactItems ?? []).map((t) => {
      if (!t.Update) throw new Error('fake table: only Update is supported in transactions');
      return { ...this.prepare(t.Update), returnOld: t.Update.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' };
    });
    if (new Set(prepared.map((p) => p.pk)).size !== prepared.length) throw validationError('Transaction request cannot include multiple operations on one item');
    if (this.conflicts > 0) {
      this.conflicts--;
      throw new TransactionCanceledException({
        message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict, None]',
        $metadata: {},
        CancellationReasons: prepared.map((_, i) => (i === 0 ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' } : { Code: 'None' })),
      });
    }
    if (prepared.some((p) => !p.ok)) {
      const reasons = prepared.map((p) => (p.ok ? { Code: 'None' } : {
        Code: 'ConditionalCheckFailed',
        Message: 'The conditional request failed',
        ...(p.returnOld && p.old ? { Item: lowLevel(p.old) } : {}),
      }));
      throw new TransactionCanceledException({
        message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
        $metadata: {},
        CancellationReasons: reasons as never,
      });
    }
    for (const p of prepared) this.items.set(p.pk, p.next);
    return {};
  }
}
