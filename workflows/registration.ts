import type { OperationInput, OperationState } from '../contract/operation.js';
import { runOperation } from './runOperation.js';

/** Workflow type `registration`: see runOperation for the shape every operation shares. */
export async function registration(input: OperationInput): Promise<OperationState> {
  return runOperation({ ...input, operation: 'registration' });
}
