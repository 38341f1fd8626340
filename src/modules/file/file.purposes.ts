import { FilePurpose } from './file.entity.js';

const MiB = 1024 * 1024;

/** Image types we accept, re-encode and resize. */
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

/** What one purpose accepts. */
export interface PurposeRule {
  contentTypes: readonly string[];
  maxBytes: number;
}

const image: PurposeRule = { contentTypes: IMAGE_TYPES, maxBytes: 10 * MiB };

/**
 * Allowed content types and size limits per purpose. Images ≤ 10 MiB; an attachment is a PDF or
 * an image ≤ 20 MiB; an assessment table is UTF-8 CSV ≤ 5 MiB.
 */
export const PURPOSE_RULES: Readonly<Record<FilePurpose, PurposeRule>> = {
  [FilePurpose.ACTIVITY_IMAGE]: image,
  [FilePurpose.NOTIFICATION_IMAGE]: image,
  [FilePurpose.MESSAGE_IMAGE]: image,
  [FilePurpose.FAMILY_BACKGROUND]: image,
  [FilePurpose.AVATAR]: image,
  [FilePurpose.ATTACHMENT]: {
    contentTypes: [...IMAGE_TYPES, 'application/pdf'],
    maxBytes: 20 * MiB,
  },
  [FilePurpose.ASSESSMENT_CSV]: { contentTypes: ['text/csv'], maxBytes: 5 * MiB },
};

/** Verified images are at most this many pixels on their longer side. */
export const MAX_IMAGE_EDGE = 2048;
/** Thumbnails are at most this many pixels on their longer side. */
export const THUMBNAIL_EDGE = 256;

const startsWith = (bytes: Uint8Array, signature: number[], offset = 0) =>
  bytes.length >= offset + signature.length &&
  signature.every((byte, index) => bytes[offset + index] === byte);

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/**
 * The content type the bytes really are, by their magic numbers (CSV: valid UTF-8 text without
 * control bytes), or undefined when they are none we accept.
 */
export function sniffContentType(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(bytes, ascii('%PDF-'))) return 'application/pdf';
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    // tabs, line breaks and printable text only: no binary smuggled in as "CSV"
    // eslint-disable-next-line no-control-regex
    if (!/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) return 'text/csv';
  } catch {
    return undefined;
  }
  return undefined;
}
