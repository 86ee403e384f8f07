// The agent registry and its API keys: unique names, load, keys hashed at rest, shown once,
// scoped, revocable, last use recorded.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openQueueFixture, type QueueFixture } from '../tasks/test-fixture';

let f: QueueFixture;
beforeEach(() => {
  f = openQueueFixture();
});
afterEach(() => f.close());

describe('agents', () => {
  it('creates agents with defaults and refuses a name taken in any case', () => {
    const a = f.agents.create({ name: 'Weld Cell 1', kind: 'robot', skills: { weld: 4 } });
    expect(a).toMatchObject({ name: 'Weld Cell 1', kind: 'robot', capacity: 1, status: 'available', skills: { weld: 4 }, tags: [], load: 0, lastSeenAt: null });
    expect(() => f.agents.create({ name: 'weld cell 1', kind: 'software' })).toThrow(expect.objectContaining({ code: 'conflict' }));
    expect(f.agents.byName('WELD CELL 1')?.id).toBe(a.id);
    expect(f.events.filter((e) => e.name === 'agent.changed')).toHaveLength(1);
  });

  it('updates fields, keeps names unique, and reports its load', async () => {
    const a = f.agents.create({ name: 'a', kind: 'software', capacity: 3 });
    const b = f.agents.create({ name: 'b', kind: 'human' });
    expect(() => f.agents.update(b.id, { name: 'A' })).toThrow(expect.objectContaining({ code: 'conflict' }));
    expect(f.agents.update(b.id, { status: 'paused', tags: ['station-2'], skills: { pack: 2 } })).toMatchObject({
      status: 'paused',
      tags: ['station-2'],
      skills: { pack: 2 },
    });
    f.queue.create({ type: 'x' });
    f.queue.create({ type: 'x' });
    await f.queue.claim(a.id, 2);
    expect(f.agents.list().map((x) => [x.name, x.load])).toEqual([
      ['a', 2],
      ['b', 0],
    ]);
    expect(f.agents.list({ status: ['paused'] }).map((x) => x.name)).toEqual(['b']);
    expect(() => f.agents.update('01J00000000000000000000000', { capacity: 2 })).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});

describe('API keys', () => {
  it('returns the plaintext once and stores only the sha256 of its secret', () => {
    const a = f.agents.create({ name: 'vision', kind: 'software' });
    const { key, secret } = f.agents.createKey(a.id, ['agent', 'submit'], 'vision prod');
    expect(secret).toMatch(/^dlg_[a-z2-7]{8}_[A-Za-z0-9_-]{43}$/);
    expect(key).toMatchObject({ agentId: a.id, name: 'vision prod', scopes: ['agent', 'submit'], revokedAt: null, lastUsedAt: null });
    expect(secret.startsWith(key.prefix + '_')).toBe(true);
    const row = f.database.sqlite.prepare('SELECT * FROM api_keys WHERE id = ?').get(key.id) as Record<string, unknown>;
    const secretPart = secret.split('_').slice(2).join('_');
    expect(row.hash).toBe(createHash('sha256').update(secretPart).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(secretPart);
    expect(JSON.stringify(f.agents.listKeys(a.id))).not.toContain(secretPart);
    f.database.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(f.database.file).includes(Buffer.from(secretPart))).toBe(false);
  });

  it('authenticates a key to its agent and scopes, and records the last use (coarsely)', () => {
    const a = f.agents.create({ name: 'vision', kind: 'software' });
    const { key, secret } = f.agents.createKey(a.id, ['agent']);
    const auth = f.agents.authenticateKey(secret);
    expect(auth).toMatchObject({ agent: { id: a.id }, key: { id: key.id, lastUsedAt: f.clock.now() }, scopes: ['agent'] });
    f.clock.advance(10_000);
    expect(f.agents.authenticateKey(secret)?.key.lastUsedAt).toBe(f.clock.now() - 10_000);
    f.clock.advance(60_000);
    expect(f.agents.authenticateKey(secret)?.key.lastUsedAt).toBe(f.clock.now());
  });

  it('refuses a revoked key, a wrong secret, an unknown prefix and garbage', () => {
    const a = f.agents.create({ name: 'vision', kind: 'software' });
    const { key, secret } = f.agents.createKey(a.id, ['agent']);
    const flipped = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
    expect(f.agents.authenticateKey(flipped)).toBeNull();
    expect(f.agents.authenticateKey('dlg_aaaaaaaa_' + 'x'.repeat(43))).toBeNull();
    for (const junk of ['', 'dlg_', 'Bearer ' + secret, secret + 'x', 'x'.repeat(10_000)]) expect(f.agents.authenticateKey(junk)).toBeNull();
    expect(f.agents.authenticateKey(secret)).not.toBeNull();
    expect(f.agents.revokeKey(key.id).revokedAt).toBe(f.clock.now());
    expect(f.agents.authenticateKey(secret)).toBeNull();
    expect(f.agents.listKeys(a.id)[0]!.revokedAt).toBe(f.clock.now());
    expect(f.events.filter((e) => e.name === 'agent.keysChanged')).toHaveLength(2);
  });

  it('refuses a key for an unknown agent and a key without scopes', () => {
    expect(() => f.agents.createKey('01J00000000000000000000000', ['agent'])).toThrow(expect.objectContaining({ code: 'not_found' }));
    const a = f.agents.create({ name: 'vision', kind: 'software' });
    expect(() => f.agents.createKey(a.id, [])).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });
});
