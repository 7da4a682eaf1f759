import type { Request } from 'express';

/** The token of `Authorization: Bearer <token>`, or undefined. */
export function bearerTokenOf(req: Request): string | undefined {
  const [scheme, value] = (req.get('authorization') ?? '').split(' ');
  return scheme?.toLowerCase() === 'bearer' && value ? value : undefined;
}
