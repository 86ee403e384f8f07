// The joint-round worker thread (started by joint-pool.ts): a replica of the delegation engine
// that solves large joint rounds — scoring every bucket's candidates and the optimum — so the
// main thread is not held. It learns nothing by itself: each round brings its roster, then the
// engine's config, the observations its models missed (or a full snapshot) and the rest of the
// round as plain data, with the exploration coin already thrown and the seed of its draws. Built
// as its own entry (out/main/joint-worker.js); in development and tests the source runs through tsx.
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { DelegationEngine } from './engine';
import { encodeJoint, type RosterMessage, type RoundReply, type ToWorker } from './joint-wire';
import { SeededRandom } from './rng';

const port = parentPort;
if (!port) throw new Error('joint-worker runs as a worker thread (see joint-pool.ts)');

// Never drawn from: every job says whether it explores and carries the seed of its draws.
const replica = new DelegationEngine({ random: new SeededRandom(1) });
/** Rosters of rounds whose second message is still to come (a few at most: a round whose second message failed leaves one). */
const rosters = new Map<number, RosterMessage['agents']>();

port.on('message', (message: ToWorker) => {
  if (message.type === 'roster') {
    rosters.set(message.id, message.agents);
    if (rosters.size > 4) rosters.delete(rosters.keys().next().value!);
    return;
  }
  const request = message;
  const started = performance.now();
  let reply: RoundReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const agents = rosters.get(request.id);
    if (!agents) throw new Error(`round ${request.id} came without its roster`);
    rosters.delete(request.id);
    const job = { ...request.job, agents };
    Object.assign(replica.config, request.config);
    replica.applyModelUpdate(request.model);
    const decision = replica.decideJointSync(job.tasks, job.agents, job.now, {
      topK: job.topK,
      explore: job.explore,
      ...(job.seed !== null ? { seed: job.seed } : {}),
    });
    const encoded = encodeJoint(job, decision);
    transfer = encoded.transfer;
    reply = { type: 'done', id: request.id, result: encoded.result, solveMs: performance.now() - started };
  } catch (error) {
    reply = { type: 'failed', id: request.id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  port.postMessage(reply, transfer);
});
