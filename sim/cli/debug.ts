/**
 * What `--debug` adds to an error's message: its stack frames. `error.stack`
 * starts with the message again (`ScenarioError: x.yaml:3: …`), which the
 * CLI has already printed, so only the `at …` lines are kept, escaped like
 * the message (a path in a frame is text too).
 */
import { printableLines } from '../printable.js';

/** The `    at …` lines of `error.stack`, without the name and message it starts with; '' when it has none. */
export function stackFrames(error: Error): string {
  const stack = error.stack ?? '';
  const header = String(error);
  const rest = stack.startsWith(`${header}\n`) ? stack.slice(header.length + 1) : stack.slice(stack.search(/\n\s+at /) + 1);
  return /^\s+at /.test(rest) ? printableLines(rest.trimEnd()) : '';
}
