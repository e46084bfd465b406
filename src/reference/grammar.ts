/**
 * The image reference grammar as regular expressions built from named parts, after
 * distribution/reference (regexp.go):
 *
 *   reference        := name [ ":" tag ] [ "@" digest ]
 *   name             := [ domain "/" ] remote-name
 *   domain           := host [ ":" port-number ]
 *   host             := domain-name | IPv4address | "[" IPv6address "]"
 *   domain-name      := domain-component [ "." domain-component ]*
 *   domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
 *   remote-name      := path-component [ "/" path-component ]*
 *   path-component   := alpha-numeric [ separator alpha-numeric ]*
 *   alpha-numeric    := /[a-z0-9]+/
 *   separator        := /[_.]|__|[-]+/
 *   tag              := /[\w][\w.-]{0,127}/
 *   digest           := algorithm ":" /[0-9a-fA-F]{32,}/
 *
 * Unlike the Go package, the parser never runs one pattern over the whole reference: it cuts
 * the text at "@", the tag ":" and the first "/" (none of those characters can occur inside
 * the neighbouring parts) and anchors each part's pattern on its own piece. That accepts the
 * same language, lets errors say which part broke, and keeps every match linear-ish on inputs
 * already bounded by MAX_INPUT_LENGTH (JavaScript regexes backtrack; RE2 does not).
 */

/** Longest repository name (domain + "/" + path), as in the Go package. */
export const NAME_TOTAL_LENGTH_MAX = 255;

/**
 * Longest text the parser looks at. A valid reference is at most 255 (name) + 1 + 128 (tag) +
 * 1 + 135 ("sha512:" + 128 hex) characters; anything longer is rejected before any regex runs.
 */
export const MAX_INPUT_LENGTH = 1024;

const alphanumeric = '[a-z0-9]+';
/** One period, one or two underscores, or any number of dashes. */
const separator = '(?:[._]|__|[-]+)';
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const optionalPort = '(?::[0-9]+)?';
/** Bracketed IPv6, compressed or not; zone identifiers and IPv4-mapped forms are excluded on purpose. */
const ipv6address = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const host = `(?:${domainName}|${ipv6address})`;
const domainAndPort = `${host}${optionalPort}`;
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const tag = '[\\w][\\w.-]{0,127}';
const digestAlgorithm = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*';
const digestPattern = `${digestAlgorithm}:[0-9a-fA-F]{32,}`;
/** An image ID: a sha256 digest without its algorithm. */
const identifier = '[a-f0-9]{64}';

const anchored = (pattern: string): RegExp => new RegExp(`^(?:${pattern})$`);

export const DOMAIN_PATTERN = anchored(domainAndPort);
export const PATH_PATTERN = anchored(remoteName);
export const PATH_COMPONENT_PATTERN = anchored(pathComponent);
export const TAG_PATTERN = anchored(tag);
/** Digest syntax only (any algorithm, at least 128 bits of hex); see digest.ts for registered algorithms. */
export const DIGEST_PATTERN = anchored(digestPattern);
export const IDENTIFIER_PATTERN = anchored(identifier);
