/** The transport layer: auth, retries, limits, credentials. Registry operations live one level up. */
export * from './errors.js';
export * from './challenge.js';
export * from './credentials.js';
export * from './transport.js';
