// Parsing what the host sends, from `unknown`, once: wire messages, call results against the
// contract's output schema, and event payloads against the contract's event schemas.
import { z } from 'zod';
import {
  BridgeErrorData,
  SessionNotice,
  calls,
  events,
  type CallName,
  type CallOutput,
  type EventName,
} from '../../../preload/contract';
import { BridgeError } from './bridge-error';
import type { BridgePush } from './bridge-client';

const RequestId = z.number().int().nonnegative();

const CallResultSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: BridgeErrorData }),
]);

const WireMessage = z.union([
  z.object({ type: z.literal('result'), id: RequestId, ok: z.literal(true), value: z.unknown() }),
  z.object({ type: z.literal('result'), id: RequestId, ok: z.literal(false), error: BridgeErrorData }),
  z.object({ type: z.literal('event'), name: z.string(), payload: z.unknown() }),
  z.object({ type: z.literal('session'), notice: SessionNotice }),
]);

export type WireResult = { type: 'result'; id: number; outcome: z.infer<typeof CallResultSchema> };
export type ParsedWire = WireResult | { type: 'push'; push: BridgePush } | { type: 'ignored'; why: string };

function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}

/** Parse one pushed event from unknown; null when the name is unknown or the payload is off-contract. */
export function parseEvent(name: string, payload: unknown): BridgePush | null {
  if (!isEventName(name)) return null;
  const parsed = events[name].payload.safeParse(payload);
  if (!parsed.success) return null;
  return { type: 'event', name, payload: parsed.data } as BridgePush;
}

/** Parse a message pushed over IPC (the same shapes as the socket, minus results). */
export function parsePush(raw: unknown): BridgePush | null {
  const message = WireMessage.safeParse(raw);
  if (!message.success) return null;
  const data = message.data;
  if (data.type === 'event') return parseEvent(data.name, data.payload);
  if (data.type === 'session') return { type: 'session', notice: data.notice };
  return null;
}

/** Parse one text frame from the socket. Never throws. */
export function parseWire(text: unknown): ParsedWire {
  if (typeof text !== 'string') return { type: 'ignored', why: 'not a text frame' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { type: 'ignored', why: 'not JSON' };
  }
  const message = WireMessage.safeParse(json);
  if (!message.success) return { type: 'ignored', why: 'not a server message' };
  const data = message.data;
  if (data.type === 'result') {
    const outcome = data.ok ? { ok: true as const, value: data.value } : { ok: false as const, error: data.error };
    return { type: 'result', id: data.id, outcome };
  }
  const push = data.type === 'event' ? parseEvent(data.name, data.payload) : { type: 'session' as const, notice: data.notice };
  return push ? { type: 'push', push } : { type: 'ignored', why: 'unknown event or bad payload' };
}

/** Turn a CallResult (from IPC or a socket) into the call's parsed output, or throw a BridgeError. */
export function unwrapResult<N extends CallName>(name: N, raw: unknown): CallOutput<N> {
  const result = CallResultSchema.safeParse(raw);
  if (!result.success) {
    throw new BridgeError('internal', `The host sent an answer to ${name} that this window cannot read.`);
  }
  if (!result.data.ok) throw BridgeError.from(result.data.error);
  const output = calls[name].output.safeParse(result.data.value);
  if (!output.success) {
    throw new BridgeError('internal', `The host sent an unexpected answer to ${name}.`, {
      issues: output.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
  return output.data as CallOutput<N>;
}
