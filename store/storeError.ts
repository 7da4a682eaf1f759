import { CodedRefusal } from '../contract/errors.js';

/** A refusal of the database layer: a CodedRefusal, answered by the contract's table like any other. */
export type StoreErrorCode = 'credentialExists' | 'dispatchTargetNameTaken';

export class StoreError extends CodedRefusal {
  override name = 'StoreError';
  declare readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown })?.code === 11000;
}
