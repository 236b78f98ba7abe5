// The little of Node's API the test uses, so the kit needs no @types/node.
declare module 'node:test' {
  export function test(name: string, fn: () => Promise<void> | void): void;
}
declare module 'node:assert/strict' {
  const assert: {
    (v: unknown, message?: string): asserts v;
    equal<T>(actual: unknown, expected: T, message?: string): asserts actual is T;
    ok(v: unknown, message?: string): asserts v;
    match(s: string, re: RegExp, message?: string): void;
  };
  export default assert;
}
declare const process: { env: Record<string, string | undefined> };
