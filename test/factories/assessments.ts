import { expect } from 'vitest';
import { CompleteUploadDocument, CreateUploadDocument } from '../__generated__/graphql.js';
import { seededRandom } from '../helpers/seeded-random.js';
import type { TestServer } from '../helpers/test-server.js';
import type { TestFamily } from './families.js';

/** The linear model of seed 003, as a test computes it by hand. */
export const LINEAR = [4, 5, 2, 7, 0.1, 15, 0.05, 1] as const;
export const HEADER = 'x0,x1,x2,x3,x4,x5,x6,x7';

/** A deterministic table of `count` rows (values 0–100 with up to two decimals) from `seed`. */
export function generateRows(count: number, seed = 1): number[][] {
  const next = seededRandom(seed);
  return Array.from({ length: count }, () =>
    Array.from({ length: 8 }, () => Math.round(next() * 10_000) / 100),
  );
}

export function csvOf(rows: readonly (readonly (number | string)[])[], header = HEADER): string {
  return [header, ...rows.map((row) => row.join(','))].join('\r\n') + '\r\n';
}

/** y = 4x0 + 5x1 + 2x2 + 7x3 + 0.1x4 + 15x5 + 0.05x6 + x7, averaged over the rows. */
export function directScore(rows: readonly number[][]): number {
  const ys = rows.map((row) => LINEAR.reduce((sum, c, i) => sum + c * row[i]!, 0));
  return ys.reduce((a, b) => a + b, 0) / ys.length;
}

/** Uploads `text` as the family's Carebot through the real three-step flow; returns the file id. */
export async function uploadCsv(t: TestServer, f: TestFamily, text: string): Promise<string> {
  const bytes = Buffer.from(text, 'utf8');
  const { createUpload: ticket } = await t.request(
    CreateUploadDocument,
    {
      input: {
        purpose: 'ASSESSMENT_CSV',
        contentType: 'text/csv',
        byteSize: bytes.length,
        familyId: String(f.family.id),
      },
    },
    f.device.headers,
  );
  const put = await fetch(ticket.uploadUrl, {
    method: 'PUT',
    headers: Object.fromEntries(ticket.headers.map((h) => [h.name, h.value])),
    body: new Uint8Array(bytes),
  });
  expect(put.status).toBe(200);
  const { completeUpload } = await t.request(
    CompleteUploadDocument,
    { fileId: ticket.fileId },
    f.device.headers,
  );
  expect(completeUpload.status).toBe('READY');
  return ticket.fileId;
}
