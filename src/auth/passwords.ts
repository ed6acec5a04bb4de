import { hash, verify } from '@node-rs/argon2';

/**
 * Argon2id with OWASP's minimum recommended parameters (19 MiB, 2 passes,
 * 1 lane): memory-hard, about 20-40 ms per hash on one core of this machine.
 */
const PARAMS = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_PARAMS_DOC = 'argon2id m=19456 KiB, t=2, p=1';

export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMS);
}

// Verified against when the account does not exist, so timing does not reveal which emails exist.
let dummyHash: Promise<string> | null = null;

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    dummyHash ??= hashPassword('signoff-dummy-password');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}
