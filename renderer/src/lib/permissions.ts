// What the signed-in role may call, read from the contract: pages hide or disable what the host
// would refuse anyway (the host enforces; this only keeps people from trying).
import { calls, roleAtLeast, type CallName, type Role } from '../../../preload/contract';

export function can(role: Role, call: CallName): boolean {
  const access = calls[call].role;
  return access === 'public' || roleAtLeast(role, access);
}
