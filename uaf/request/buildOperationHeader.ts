import type { Extension, Operation, OperationHeader } from '../protocolTypes.js';
import { uafProtocolVersion } from '../registry.js';
import { extensionSchema } from '../response/messageSchemas.js';
import { checkArgument } from './checkArgument.js';

export interface BuildOperationHeaderOptions<Op extends Operation> {
  op: Op;
  /** The AppID: the https URL of the TrustedFacets list, at most 512 characters. */
  appID: string;
  /** Opaque to the client, echoed back; 1..1536 characters (see `encodeServerData`). */
  serverData?: string;
  /** e.g. `[{ id: 'fidoUafSessionId', data: sessionId, fail_if_unknown: false }]`. */
  exts?: Extension[];
}

/** An OperationHeader with upv 1.1 (UAF Protocol §3.1.3). Refuses values the spec forbids. */
export function buildOperationHeader<Op extends Operation>(options: BuildOperationHeaderOptions<Op>): OperationHeader & { op: Op } {
  const { op, appID, serverData, exts } = options;
  checkArgument(appID.length >= 1 && appID.length <= 512, 'appID', appID.length, '1..512 characters');
  if (serverData !== undefined) checkArgument(serverData.length >= 1 && serverData.length <= 1536, 'serverData', serverData.length, '1..1536 characters');
  exts?.forEach((ext, index) => checkArgument(extensionSchema.safeParse(ext).success, `exts[${index}]`, ext.id, 'id 1..32 characters, data base64url'));
  return {
    upv: { ...uafProtocolVersion },
    op,
    appID,
    ...(serverData !== undefined && { serverData }),
    ...(exts !== undefined && { exts }),
  };
}
