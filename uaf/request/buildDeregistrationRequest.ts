import type { DeregisterAuthenticator, DeregistrationRequest } from '../protocolTypes.js';
import { buildOperationHeader, type BuildOperationHeaderOptions } from './buildOperationHeader.js';
import { checkArgument } from './checkArgument.js';

export interface BuildDeregistrationRequestOptions extends Omit<BuildOperationHeaderOptions<'Dereg'>, 'op'> {
  /**
   * What to remove: `{aaid, keyID}` one key, `{aaid, keyID: ''}` every key of the AAID,
   * `{aaid: '', keyID: ''}` everything for the AppID (UAF Protocol §3.6.1).
   */
  authenticators: DeregisterAuthenticator[];
}

const aaidPattern = /^([0-9A-Fa-f]{4}#[0-9A-Fa-f]{4})?$/;
// keyID is base64url of 32..2048 bytes (43..2731 characters), or empty.
const keyIdPattern = /^([A-Za-z0-9_-]{43,2731})?$/;

/** A DeregistrationRequest (UAF Protocol §3.6.2). There is no response to it. */
export function buildDeregistrationRequest(options: BuildDeregistrationRequestOptions): DeregistrationRequest {
  const { authenticators, ...header } = options;
  checkArgument(authenticators.length >= 1, 'authenticators', authenticators.length, 'at least one entry');
  authenticators.forEach(({ aaid, keyID }, index) => {
    checkArgument(aaidPattern.test(aaid), `authenticators[${index}].aaid`, aaid, 'VVVV#MMMM or ""');
    checkArgument(keyIdPattern.test(keyID) && (aaid !== '' || keyID === ''), `authenticators[${index}].keyID`, keyID.length, 'base64url of 32..2048 bytes, or "" (and "" when aaid is "")');
  });
  return { header: buildOperationHeader({ ...header, op: 'Dereg' }), authenticators };
}
