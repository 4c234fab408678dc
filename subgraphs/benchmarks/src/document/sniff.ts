/** The accepted document types, recognised by their first bytes, never by file name. */
const SIGNATURES: Array<{ type: string; test: (head: Buffer) => boolean }> = [
  { type: 'application/pdf', test: (h) => h.subarray(0, 5).toString('latin1') === '%PDF-' },
  {
    type: 'image/png',
    test: (h) => h.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  { type: 'image/jpeg', test: (h) => h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff },
  {
    type: 'image/webp',
    test: (h) => h.subarray(0, 4).toString('latin1') === 'RIFF' && h.subarray(8, 12).toString('latin1') === 'WEBP',
  },
];

export const ACCEPTED_TYPES = SIGNATURES.map((s) => s.type);

/** Bytes needed to tell the types apart. */
export const SNIFF_BYTES = 12;

export function sniff(head: Buffer): string | null {
  return SIGNATURES.find((s) => s.test(head))?.type ?? null;
}
