// The address a welcome email goes to, in the form most likely to be delivered: an internationalised
// domain as its IDNA A-labels (`例子.公司` → `xn--fsqu00a.xn--55qx5d`), which every mail system
// routes, and the local part in Unicode NFC (RFC 6532 §3.1); a non-ASCII local part still needs a
// provider and a receiving server that speak SMTPUTF8 (RFC 6531).
import { domainToASCII } from 'node:url';

export function recipientAddress(address: string): string {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at).normalize('NFC');
  const domain = address.slice(at + 1);
  // domainToASCII answers '' for a domain it cannot convert: the address then goes as it came.
  const ascii = /^[\x20-\x7e]*$/.test(domain) ? domain : domainToASCII(domain);
  return `${local}@${ascii === '' ? domain : ascii}`;
}

/** The local part has characters beyond ASCII: only an SMTPUTF8 path can deliver it. */
export function needsSmtpUtf8(address: string): boolean {
  return !/^[\x20-\x7e]*$/.test(address.slice(0, address.lastIndexOf('@')));
}
