/**
 * Textual-inversion tokens → the classes they stand for (DA-Fusion: one learned token per class, used
 * in place of the class name in every prompt of that class). A token names its class: '<ankle boot>',
 * '<ankle_boot>' and '<Ankle-Boot>' all match the class 'ankle boot' (case, spaces, '_' and '-' are
 * alike; the angle brackets are optional). A token that matches no class is refused, naming its file,
 * so a TI file made for another dataset never goes unnoticed.
 */
import { replaceClass } from '../core/caption.ts';
import { ConfigError } from '../core/errors.ts';

const norm = (s: string) =>
  s
    .replace(/^<|>$/g, '')
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim();

/** Class index → its token; throws for a token naming no class or two tokens for one class. */
export function tiTokensByClass(
  tokens: readonly { token: string; file: string }[],
  classes: readonly string[],
): Map<number, string> {
  const byName = new Map(classes.map((c, k) => [norm(c), k]));
  const out = new Map<number, string>();
  for (const { token, file } of tokens) {
    const k = byName.get(norm(token));
    if (k === undefined) {
      throw new ConfigError(
        `${file}: the textual-inversion token '${token}' names no class of this dataset (classes: ${classes.join(', ')}). Name each token after its class, e.g. '<${classes[0]}>'.`,
      );
    }
    if (out.has(k)) {
      throw new ConfigError(
        `${file}: class '${classes[k]}' has two textual-inversion tokens ('${out.get(k)}', '${token}').`,
      );
    }
    out.set(k, token);
  }
  return out;
}

/** A word no caption holds, standing in for the token while r(k, y) places it (see below). */
const SLOT = 'zqxjslot';

/**
 * The prompt with the class name replaced by the class's token (unchanged when it has none), by the
 * same rules as r(k, y). The token goes in through a plain-word slot because replaceClass tidies
 * names ('_' → ' ') and would break a token like '<ankle_boot>'.
 */
export function withClassToken(prompt: string, className: string, token: string | undefined): string {
  return token ? replaceClass(prompt, className, SLOT).replace(new RegExp(SLOT, 'gi'), token) : prompt;
}
