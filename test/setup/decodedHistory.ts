import type { Client } from '@temporalio/client';
import { AesGcmPayloadCodec } from '../../codec/payloadCodec.js';

/**
 * Everything a workflow's history holds, as text, with every payload decrypted: what an operator
 * holding the codec key (or anyone who stole it) reads. Search-attribute payloads, which Temporal
 * keeps in clear, are taken as they are.
 */
export async function decodedHistoryText(client: Client, codecKey: Uint8Array, workflowId: string): Promise<string> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const codec = new AesGcmPayloadCodec(codecKey, [], 'passThrough');
  const texts: string[] = [];
  const walk = async (value: unknown): Promise<void> => {
    if (typeof value === 'string') texts.push(value);
    if (value === null || typeof value !== 'object') return;
    if (value instanceof Uint8Array) return;
    const payload = value as { metadata?: Record<string, Uint8Array>; data?: unknown };
    if (payload.metadata && payload.data instanceof Uint8Array) {
      const [clear] = await codec.decode([payload as never]);
      texts.push(Buffer.from(clear!.data!).toString('utf8'));
      return;
    }
    for (const child of Object.values(value)) await walk(child);
  };
  await walk(history);
  return texts.join('\n');
}
