// Regular expressions run by RE2's rules (re2js): time linear in the input, whatever the
// pattern, so one value such as 30 a's and a '!' against (a+)+$ cannot stall a run. The
// price is RE2's syntax: no backreferences or lookaround, which Java's regexes (Glue's)
// have; such a pattern is refused when the ruleset is validated, saying why.
import { RE2JS } from 're2js';

export type PatternCheck =
  | { ok: true; matches: (text: string) => boolean }
  | { ok: false; reason: string };

/** A pattern compiled to match whole values (DQDL's `matches`), or why it cannot be. */
export function compileFullMatch(pattern: string): PatternCheck {
  try {
    const compiled = RE2JS.compile(pattern);
    return { ok: true, matches: (text) => compiled.matches(text) };
  } catch (error) {
    const detail =
      error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
    return {
      ok: false,
      reason: `${detail}: patterns run in linear time (RE2 syntax), which has no backreferences, lookahead or lookbehind`,
    };
  }
}
