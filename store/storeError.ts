/** A refusal of the database layer, coded like every Outband error (STYLE.md "Error codes"). */
export type StoreErrorCode = 'credentialExists' | 'dispatchTargetNameTaken';

export class StoreError extends Error {
  override name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown })?.code === 11000;
}
