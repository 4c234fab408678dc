import { createHash } from 'node:crypto';

/** API tokens are stored as their SHA-256 only; the token itself is shown once. */
export const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');
