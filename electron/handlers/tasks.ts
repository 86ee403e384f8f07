// Bridge calls on the task queue: supervisors create, cancel, retry and re-prioritise; operators
// read (a task, a page, the floor at a glance). Each write runs inside ctx.commit, so the change, its timeline rows and the audit row
// commit together and task events go out after that commit.
import type { HandlersFor } from '../bridge/types';
import type { FloorWatch } from '../tasks/floor';
import type { TaskQueue } from '../tasks/queue';

export function tasksHandlers(deps: { queue: TaskQueue; floor: FloorWatch }): HandlersFor<'tasks'> {
  const { queue, floor } = deps;
  return {
    'tasks.create': (input, ctx) =>
      ctx.commit(() => queue.create(input, { name: ctx.actor?.username ?? null }), { target: input.idempotencyKey ?? input.type }),

    'tasks.createBatch': (input, ctx) =>
      ctx.commit(() => ({ tasks: queue.createBatch(input.tasks, { name: ctx.actor?.username ?? null }) }), {
        target: `${input.tasks.length} tasks`,
      }),

    'tasks.list': (input) => queue.list(input),

    'tasks.get': (input) => queue.details(input.id),

    'tasks.overview': () => floor.overview(),

    'tasks.cancel': (input, ctx) =>
      ctx.commit(() => queue.cancel(input.id, input.reason, { name: ctx.actor?.username ?? null }), { target: input.id }),

    'tasks.retryNow': (input, ctx) =>
      ctx.commit(() => queue.retryNow(input.id, { name: ctx.actor?.username ?? null }), { target: input.id }),

    'tasks.setPriority': (input, ctx) =>
      ctx.commit(() => queue.setPriority(input.id, input.priority, { name: ctx.actor?.username ?? null }), { target: input.id }),
  };
}
