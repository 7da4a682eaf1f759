import { describe, expect, it } from 'vitest';
import { parseDeepLink } from '../../../../device/oob/parseDeepLink.js';
import * as base64url from '../../../../uaf/encoding/base64url.js';
import * as utf8 from '../../../../uaf/encoding/utf8.js';

const payload = {
  nma_data: { token: 'tok-3c4d', redeem_url: 'http://localhost:3000/nevisfido/token/redeem/registration' },
  nma_data_content_type: 'application/json',
  nma_data_version: '1',
};
const encoded = base64url.encode(utf8.encode(JSON.stringify(payload)));

describe('parseDeepLink', () => {
  it('reads the payload of <LINK_BASE_URL>?dispatchTokenResponse=<base64url JSON>', () => {
    expect(parseDeepLink(`http://localhost:3000/open?dispatchTokenResponse=${encoded}`)).toEqual(payload);
  });

  it('finds the parameter among others', () => {
    expect(parseDeepLink(`outband://open?lang=en&dispatchTokenResponse=${encoded}#x`)).toEqual(payload);
  });

  it.each([
    { rule: 'a URL', link: 'not a link', code: 'linkInvalid' },
    { rule: 'the parameter', link: 'http://localhost:3000/open?token=abc', code: 'linkInvalid' },
    { rule: 'base64url JSON', link: 'http://localhost:3000/open?dispatchTokenResponse=e30x!', code: 'payloadInvalid' },
    {
      rule: 'an nma_data member',
      link: `http://localhost:3000/open?dispatchTokenResponse=${base64url.encode(utf8.encode('{"nma_data_content_type":"application/json"}'))}`,
      code: 'payloadInvalid',
    },
  ])('requires $rule', ({ link, code }) => {
    expect(() => parseDeepLink(link)).toThrow(expect.objectContaining({ name: 'OutOfBandInputInvalid', code }));
  });
});
