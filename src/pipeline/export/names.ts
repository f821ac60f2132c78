/**
 * File names for exported files, made from untrusted strings (class names, original file names): one
 * path segment that cannot climb out of its folder, hide itself, or be a reserved name on Windows, and
 * unique within its folder even on case-insensitive file systems.
 */

const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
/** Bytes per segment: most file systems allow 255; leave room for a '-N' suffix. */
const MAX_BYTES = 200;

/** One safe path segment; unicode letters are kept (NFC), separators and control characters are not. */
export function safeSegment(raw: string, fallback = '_'): string {
  let s = raw
    .normalize('NFC')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we remove
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '_')
    .trim()
    .replace(/^\.+/, '') // no '.', '..' or hidden files
    .replace(/[. ]+$/, ''); // Windows drops trailing dots and spaces
  if (!s) s = fallback;
  if (RESERVED.test(s)) s = `_${s}`;
  return truncateUtf8(s, MAX_BYTES);
}

function truncateUtf8(s: string, max: number): string {
  const enc = new TextEncoder();
  if (enc.encode(s).length <= max) return s;
  let out = '';
  for (const ch of s) {
    if (enc.encode(out + ch).length > max) break;
    out += ch;
  }
  return out;
}

/** Hands out names unique within one folder (case-insensitively): 'a.png', 'a-2.png', … */
export class NameSet {
  private readonly taken = new Set<string>();

  claim(name: string): string {
    const dot = name.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    let candidate = name;
    for (let i = 2; this.taken.has(candidate.toLowerCase()); i++) candidate = `${stem}-${i}${ext}`;
    this.taken.add(candidate.toLowerCase());
    return candidate;
  }
}
