// The volunteers' screens, by file: each reads and writes only the caller's own things
// through the public /v1 API (the API decides; a refusal is shown in its words).
export { loadVocab } from './common';
export * from './profile';
export * from './shifts';
export * from './records';
export * from './needs';
export * from './report';
