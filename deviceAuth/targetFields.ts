import { z } from 'zod';

// Fields of a dispatch target, the same whether the phone creates it or changes it by a signed request.

export const targetName = z.string().trim().min(1).max(256);
export const dispatcherId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be a dispatcher id such as firebase-cloud-messaging');
export const pushTarget = z.string().min(1).max(4096);
