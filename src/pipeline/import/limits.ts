/** Import limits: what a dataset file or archive may be before it is refused (all overridable). */
export interface ImportLimits {
  /** Bytes of one image file. */
  maxFileBytes: number;
  /** Largest width or height, checked from the header before decoding. */
  maxSide: number;
  /** Largest width × height (decoded RGBA is 4 bytes per pixel). */
  maxPixels: number;
  /** Archive: number of entries (files and folders). */
  maxEntries: number;
  /** Archive: sum of the uncompressed sizes. */
  maxTotalBytes: number;
  /** Archive: uncompressed ÷ compressed size of one entry, checked above 1 MB. */
  maxRatio: number;
}

export const DEFAULT_LIMITS: ImportLimits = {
  maxFileBytes: 64 * 1024 * 1024,
  maxSide: 16_384,
  maxPixels: 64 * 1024 * 1024,
  maxEntries: 200_000,
  maxTotalBytes: 4 * 1024 * 1024 * 1024,
  maxRatio: 100,
};
