import { workflowIdOf } from '../../store/sessionKeys.js';
import type { OperationsDependencies } from './dependencies.js';

/** The workflow of a fallback session (its index row); the first session's id derives its own. */
export async function workflowOfSession({ keys, sessions }: Pick<OperationsDependencies, 'keys' | 'sessions'>, sessionId: string): Promise<string> {
  const derived = workflowIdOf(sessionId, keys.sessionId);
  return (await sessions.find(derived)) ?? derived;
}
