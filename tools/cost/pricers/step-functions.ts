/** AWS Step Functions state machines. */
import { Meter, rate as perUnit } from '../line-item';
import { allStates, stateMachineDefinition } from '../template';
import { DEFAULT_TRANSITIONS_PER_RUN, line, Pricer, props } from './context';
import { jobsInDefinition } from './sagemaker-jobs';

export const stateMachine: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const p = props(r);
  const definition = stateMachineDefinition(r);
  const states = definition ? allStates(definition).length : undefined;
  const transitions = states ?? DEFAULT_TRANSITIONS_PER_RUN;
  const runs = ctx.load.trainingRunsPerMonth;
  const express = p.StateMachineType === 'EXPRESS';
  let cost: number;
  let detail: string;
  if (express) {
    const rate = m.price('stepFunctions.expressPerMillionRequests');
    cost = (runs / 1e6) * rate;
    detail = `express: ${runs} runs x ${perUnit(rate)}/M requests (duration charges not priced)`;
  } else {
    const rate = m.price('stepFunctions.standardPer1000Transitions');
    cost = ((transitions * runs) / 1000) * rate;
    detail =
      `${transitions} transitions per run ` +
      `(${states !== undefined ? 'one per state of the definition, an upper bound for one run' : 'definition unreadable: assumed'}) ` +
      `x ${runs} runs (--training-runs) x ${perUnit(rate)}/1000`;
  }
  const out = [line(ctx, id, r.Type, m, { description: `Step Functions state machine${express ? ', express' : ''}`, idle: 0, load: cost, detail })];
  if (definition && !ctx.jobsFromMetadata) out.push(...jobsInDefinition(ctx, id, definition, runs));
  return out;
};
