import type { OperationInput, OperationState } from '../contract/operation.js';
import { runOperation } from './runOperation.js';

/** Workflow type `deregistration`: see runOperation for the shape every operation shares. */
export async function deregistration(input: OperationInput): Promise<OperationState> {
  return runOperation({ ...input, operation: 'deregistration' });
}
