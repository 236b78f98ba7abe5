// The Wushe API client kit: typed calls (client.ts), transports
// (transports.ts) and the generated API types (types.ts).
export * from './client.js';
export * from './transports.js';
export type { paths, components, operations } from './types.js';
