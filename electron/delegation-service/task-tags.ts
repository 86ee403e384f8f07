// Task tags that steer delegation beyond the queue's columns: `zone:<name>`, `zone-strict`,
// `cert:<name>` (a person must hold it), `kind:<robot|software|human>` (only these may take it).
import type { DelegationTask } from '../delegation/types';

export type TagExtra = Pick<DelegationTask, 'zone' | 'zoneStrict' | 'certifications' | 'kinds'>;

/** Task tags that steer delegation: `zone:<name>`, `zone-strict`, `cert:<name>`, `kind:<robot|software|human>`. */
export function taskExtraFromTags(tags: readonly string[]): TagExtra {
  const extra: TagExtra = {};
  const certs: string[] = [];
  const kinds: string[] = [];
  for (const tag of tags) {
    if (tag.startsWith('zone:')) extra.zone = tag.slice(5);
    else if (tag === 'zone-strict') extra.zoneStrict = true;
    else if (tag.startsWith('cert:')) certs.push(tag.slice(5));
    else if (tag.startsWith('kind:')) kinds.push(tag.slice(5));
  }
  if (certs.length) extra.certifications = certs;
  if (kinds.length) extra.kinds = kinds;
  return extra;
}
