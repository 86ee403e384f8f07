// Bridge calls on delegation: why a task went where it went, what the engine learned, the
// supervisor's hand (pin, re-assign, exclude), weights and settings, the task classifier and the
// what-if simulator. Writes run inside ctx.commit: change + decision record + audit row together.
import type { HandlersFor } from '../bridge/types';
import type { DelegationActions } from '../delegation-service/actions';
import type { DelegationService } from '../delegation-service/service';
import type { ReadyKindRow } from '../delegation-service/stuck-work';

export function delegationHandlers(deps: {
  delegation: DelegationService;
  actions: DelegationActions;
  /** The waiting tasks counted by kind (read off the main thread: the background reader). */
  readyKinds: () => Promise<ReadyKindRow[]>;
}): HandlersFor<'delegation'> {
  const { delegation, actions, readyKinds } = deps;
  return {
    'delegation.explain': (input) => delegation.explain(input.taskId),

    'delegation.whyNotNow': (input) => delegation.whyNotNow(input.taskId, input.agentId),

    'delegation.stuckWork': () => delegation.stuckWork(readyKinds),

    'delegation.profile': (input) => delegation.profile(input.agentId),

    'delegation.pin': (input, ctx) =>
      ctx.commit(() => actions.pin(input.taskId, input.agentId, { name: ctx.actor?.username ?? null }), { target: input.taskId }),

    'delegation.reassign': (input, ctx) =>
      ctx.commit(() => actions.reassign(input.taskId, input.agentId, { name: ctx.actor?.username ?? null }), { target: input.taskId }),

    'delegation.exclude': (input, ctx) =>
      ctx.commit(() => actions.exclude(input.taskId, input.agentId, input.reason, { name: ctx.actor?.username ?? null }), {
        target: input.taskId,
      }),

    'delegation.getSettings': () => delegation.getSettings(),

    'delegation.setWeights': (input, ctx) =>
      ctx.commit(() => delegation.setWeights(input.taskType, input.weights, { replace: input.replace ?? false }), { target: input.taskType }),

    'delegation.updateSettings': (input, ctx) => ctx.commit(() => delegation.updateSettings(input), { target: 'delegation' }),

    'delegation.suggest': (input) => delegation.suggest(input.text),

    'delegation.correct': (input, ctx) => ctx.commit(() => delegation.correct(input.text, input.type, input.requires), { target: input.type }),

    // Progress goes to the caller alone, tagged with its runId so a page follows only its own run.
    'delegation.simulate': (input, ctx) =>
      delegation.simulate(input, (progress) => ctx.notify('delegation.simulationProgressed', { runId: input.runId ?? null, ...progress })),
  };
}
