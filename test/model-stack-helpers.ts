/** Readers of a model stack's template for its tests: one resource of a type, the pipeline's definition and its states, a policy's statements. */
import { Template } from 'aws-cdk-lib/assertions';

export type Resource = { Type: string; Properties: any; DependsOn?: string[]; DeletionPolicy?: string; UpdateReplacePolicy?: string }; // eslint-disable-line @typescript-eslint/no-explicit-any

export function only(template: Template, type: string): [string, Resource] {
  const found = Object.entries(template.findResources(type) as Record<string, Resource>);
  expect(found).toHaveLength(1);
  return found[0];
}

export function definitionText(template: Template): string {
  const [, machine] = only(template, 'AWS::StepFunctions::StateMachine');
  return JSON.stringify(machine.Properties.DefinitionString);
}

/** The text of one state of `definitionText`, from its name to its closing brace (state order does not matter). */
export function stateText(text: string, name: string): string {
  const start = text.indexOf(`\\"${name}\\":{`);
  if (start < 0) throw new Error(`no state ${name}`);
  let depth = 0;
  for (let i = text.indexOf('{', start); i < text.length; i++) {
    if (text[i] === '{') depth++;
    if (text[i] === '}' && --depth === 0) return text.slice(start, i + 1);
  }
  return text.slice(start);
}

export function statementsOf(template: Template, description: RegExp): any[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy') as Record<string, Resource>)
    .filter((p) => description.test(p.Properties.Description));
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}
