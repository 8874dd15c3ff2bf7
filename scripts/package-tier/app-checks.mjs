// The check helpers of the scripts the package tier runs inside its temporary apps
// (server-checks.mjs, no-aws-sdk-checks.mjs); copied next to them into the app.
const counts = { passed: 0, failed: 0 };

/** Runs one check, counted as one test; `fn` may return a note to print. */
export async function check(name, fn) {
  try {
    const note = await fn();
    counts.passed += 1;
    console.log(`package: ok   ${name}${note ? ` — ${note}` : ''}`);
  } catch (error) {
    counts.failed += 1;
    console.log(`package: FAIL ${name}: ${error instanceof Error ? error.stack : String(error)}`);
  }
}

export function expect(condition, message) {
  if (!condition) throw new Error(message);
}

/** Prints `<label>: N passed, N failed` (what run.mjs reads) and exits accordingly. */
export function finish(label) {
  console.log(`${label}: ${counts.passed} passed, ${counts.failed} failed`);
  process.exit(counts.failed === 0 ? 0 : 1);
}
