/** The gallery's small pure helpers: the image type of stored bytes, and what to call a source. */

/** The MIME type of image bytes by their signature; stored originals keep their imported format. */
export function imageMime(bytes: Uint8Array): string {
  const b = bytes;
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return 'image/gif';
  if (b[0] === 0x42 && b[1] === 0x4d) return 'image/bmp';
  const tag = (i: number) => String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3]);
  if (b.length >= 12 && tag(0) === 'RIFF' && tag(8) === 'WEBP') return 'image/webp';
  return 'application/octet-stream';
}

/** How the gallery names a candidate's source (the paper's Eq. 1 and Eq. 2 images). */
export function sourceTitle(source: string): string {
  if (source === 'local') return 'Local caption (same class)';
  if (source === 'transfer') return 'Transfer caption (neighbour class)';
  return source;
}
