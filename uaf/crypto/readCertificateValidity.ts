/** The validity period of an X.509 certificate (RFC 5280 §4.1.2.5). */
export interface CertificateValidity {
  notBefore: Date;
  notAfter: Date;
}

/**
 * Reads notBefore/notAfter straight from the DER, because Node reports some real dates as
 * "Bad time value": the FIDO conformance tool's P-256 root says 2017-02-29, which is read here as
 * the day after 2017-02-28. Returns undefined when the structure is not a certificate.
 */
export function readCertificateValidity(der: Uint8Array): CertificateValidity | undefined {
  let offset = 0;
  // Reads a tag and length at `offset`; returns the value's start and end.
  const header = (expectedTag?: number): [tag: number, start: number, end: number] | undefined => {
    const tag = der[offset];
    const first = der[offset + 1];
    if (tag === undefined || first === undefined || (expectedTag !== undefined && tag !== expectedTag)) return undefined;
    let length = first;
    let start = offset + 2;
    if (first & 0x80) {
      const count = first & 0x7f;
      if (count === 0 || count > 3 || start + count > der.length) return undefined;
      length = 0;
      for (let i = 0; i < count; i++) length = (length << 8) | der[start + i]!;
      start += count;
    }
    const end = start + length;
    return end > der.length ? undefined : [tag, start, end];
  };
  const enter = (tag: number) => {
    const h = header(tag);
    if (h !== undefined) offset = h[1];
    return h !== undefined;
  };
  const skip = () => {
    const h = header();
    if (h !== undefined) offset = h[2];
    return h !== undefined;
  };
  // Certificate SEQUENCE → TBSCertificate SEQUENCE → [0] version? serial, signature, issuer → validity.
  if (!enter(0x30) || !enter(0x30)) return undefined;
  if (der[offset] === 0xa0 && !skip()) return undefined;
  if (!skip() || !skip() || !skip() || !enter(0x30)) return undefined;
  const notBefore = readTime(der, header());
  if (notBefore === undefined || !skip()) return undefined;
  const notAfter = readTime(der, header());
  return notAfter === undefined ? undefined : { notBefore, notAfter };
}

// UTCTime YYMMDDHHMMSSZ (years 1950–2049) or GeneralizedTime YYYYMMDDHHMMSSZ (RFC 5280 §4.1.2.5.1/2).
function readTime(der: Uint8Array, h: [number, number, number] | undefined): Date | undefined {
  if (h === undefined) return undefined;
  const [tag, start, end] = h;
  const text = String.fromCharCode(...der.subarray(start, end));
  const match = tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : tag === 0x18 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : null;
  if (match === null) return undefined;
  const [, y, mo, d, hh, mm, ss] = match.map(Number) as [number, number, number, number, number, number, number];
  const year = tag === 0x17 ? (y < 50 ? 2000 + y : 1900 + y) : y;
  return new Date(Date.UTC(year, mo - 1, d, hh, mm, ss));
}
