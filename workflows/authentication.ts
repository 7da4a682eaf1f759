import type { OperationInput, OperationState } from '../contract/operation.js';
import { runOperation } from './runOperation.js';

/**
 * Workflow type `authentication`; a transaction confirmation is an authentication with a
 * `transaction`. See runOperation for the shape every operation shares.
 */
export async function authentication(input: OperationInput): Promise<OperationState> {
  return runOperation({ ...input, operation: 'authentication' });
}
