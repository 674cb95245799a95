import { isIP } from 'node:net';

/**
 * String formats of email, URL and IP attributes, matching what Appwrite accepts through PHP's filter_var
 * (FILTER_VALIDATE_EMAIL, FILTER_VALIDATE_URL, FILTER_VALIDATE_IP): ASCII only, no normalization.
 */

/** A DNS label: letters and digits, with hyphens only inside; at most 63 chars. */
const HOSTNAME_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** A host name (PHP's FILTER_FLAG_HOSTNAME): labels joined by dots, one trailing dot allowed, at most 253 chars. */
function isValidHostname(host: string): boolean {
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  return name.length <= 253 && name.split('.').every((label) => HOSTNAME_LABEL.test(label));
}

// Unquoted (dot-atom) local parts only: quoted local parts and [IP] domains, which PHP also accepts, are
// left out as no real mailbox uses them.
const EMAIL_LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const TOP_LEVEL_DOMAIN = /^(?:xn--|[a-z])/i;

export function isValidEmail(value: string): boolean {
  const at = value.lastIndexOf('@');
  if (at < 0 || value.length > 254) return false;
  const local = value.slice(0, at);
  const labels = value.slice(at + 1).split('.');
  return (
    local.length <= 64 &&
    EMAIL_LOCAL_PART.test(local) &&
    labels.length >= 2 &&
    labels.every((label) => HOSTNAME_LABEL.test(label)) &&
    TOP_LEVEL_DOMAIN.test(labels.at(-1) ?? '')
  );
}

const VISIBLE_ASCII = /^[\x21-\x7E]+$/;
/** Scheme, and the authority exactly as written (WHATWG's URL parser would repair a missing `//`). */
const SCHEME_AND_AUTHORITY = /^([A-Za-z][A-Za-z0-9+.-]*):(?:\/\/([^/?#]*))?/;
/** Schemes PHP lets go without a host. */
const HOSTLESS_SCHEMES = new Set(['mailto', 'news', 'file']);
const AUTHORITY_HOST = /^(?:[^@]*@)?(\[[^\]]*\]|[^:]*)/;

/** An absolute URL; http and https ones need a valid host name or a bracketed IPv6 address. */
export function isValidUrl(value: string): boolean {
  if (!VISIBLE_ASCII.test(value) || !URL.canParse(value)) return false;
  const [, scheme = '', authority = ''] = SCHEME_AND_AUTHORITY.exec(value) ?? [];
  const host = AUTHORITY_HOST.exec(authority)?.[1] ?? '';
  if (host === '') return scheme !== '' && HOSTLESS_SCHEMES.has(scheme.toLowerCase());
  if (!/^https?$/i.test(scheme)) return true;
  return host.startsWith('[') ? isIP(host.slice(1, -1)) === 6 : isValidHostname(host);
}

/** IPv4 (no leading zeros) or IPv6; zone IDs (`%eth0`) are not addresses. */
export function isValidIp(value: string): boolean {
  return !value.includes('%') && isIP(value) !== 0;
}
