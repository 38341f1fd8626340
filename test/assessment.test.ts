import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSettled } from '../src/jobs/runner.js';
import { AiJob } from '../src/modules/ai/ai.entities.js';
import { AiJobKind } from '../src/modules/ai/ai.enums.js';
import { validateTable } from '../src/modules/assessment/assessment.csv.js';
import { AssessmentResult } from '../src/modules/assessment/assessment.entities.js';
import { Notification } from '../src/modules/notification/notification.entity.js';
import {
  CareSessionDocument,
  CreateUploadDocument,
  FamilyAssessmentsDocument,
  FileDocument,
  ReportCareSessionDocument,
  ScoringModelsDocument,
  SetAssessmentBandDocument,
  StartCareSessionDocument,
} from './__generated__/graphql.js';
import { csvOf, directScore, generateRows, HEADER, uploadCsv } from './factories/assessments.js';
import { createFamily, type TestFamily } from './factories/families.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

function settled(kind: AiJobKind): Promise<JobSettled> {
  return new Promise((resolve) => {
    const listener = (event: JobSettled) => {
      if (event.kind !== (kind as string)) return;
      t.server.app.aiWorker.off('settled', listener);
      resolve(event);
    };
    t.server.app.aiWorker.on('settled', listener);
  });
}

/** A family whose Carebot has started a cognitive assessment. */
async function started(): Promise<{ f: TestFamily; sessionId: string }> {
  const f = await createFamily(t, { caregivers: 1, managers: 1 });
  const { startCareSession } = await t.request(
    StartCareSessionDocument,
    { familyId: String(f.family.id), kind: 'COGNITIVE_ASSESSMENT' },
    f.caregivers[0]!.headers,
  );
  for (const event of ['ACCEPTED', 'STARTED'] as const)
    await t.request(
      ReportCareSessionDocument,
      { input: { sessionId: startCareSession.id, event } },
      f.device.headers,
    );
  return { f, sessionId: startCareSession.id };
}

const attach = (f: TestFamily, sessionId: string, fileId: string) =>
  t.requestErrors(
    ReportCareSessionDocument,
    { input: { sessionId, event: 'RESULT_UPLOADED', fileId } },
    f.device.headers,
  );

/** Nothing was stored or queued for the session: no result, no scoring job, state unchanged. */
async function nothingScored(f: TestFamily, sessionId: string) {
  const { careSession } = await t.request(CareSessionDocument, { id: sessionId }, f.main.headers);
  expect(careSession.state).toBe('STARTED');
  expect(careSession.result).toBeNull();
  const em = t.server.app.orm.em.fork();
  expect(await em.count(AssessmentResult, { family: f.family.id })).toBe(0);
  expect(await em.count(AiJob, { family: f.family.id, kind: AiJobKind.ASSESSMENT_SCORE })).toBe(0);
}

describe('assessment results', () => {
  it('lists the registry with the linear model of seed 003, its coefficients as data', async () => {
    const f = await createFamily(t);
    const { scoringModels } = await t.request(ScoringModelsDocument, {}, f.main.headers);
    expect(scoringModels[0]).toMatchObject({
      name: 'linear-v1',
      available: true,
      intercept: 0,
      coefficients: [4, 5, 2, 7, 0.1, 15, 0.05, 1],
    });
    expect(scoringModels[0]!.inputColumns.map((column) => column.name)).toEqual(HEADER.split(','));
  });

  it('scores a generated table exactly as a direct computation of the linear model', async () => {
    const { f, sessionId } = await started();
    const rows = generateRows(250, 42);
    const fileId = await uploadCsv(t, f, csvOf(rows));
    const scored = settled(AiJobKind.ASSESSMENT_SCORE);
    expect(
      (
        await t.request(
          ReportCareSessionDocument,
          { input: { sessionId, event: 'RESULT_UPLOADED', fileId } },
          f.device.headers,
        )
      ).reportCareSession.state,
    ).toBe('RESULT_UPLOADED');
    expect((await scored).outcome).toBe('done');
    const { careSession } = await t.request(CareSessionDocument, { id: sessionId }, f.main.headers);
    expect(careSession.result).toMatchObject({ status: 'DONE', rowCount: 250 });
    expect(careSession.result!.score).toBeCloseTo(directScore(rows), 9);
    // the normalised copy is stored: the model's columns in order, numbers canonical
    const { file } = await t.request(
      FileDocument,
      { id: careSession.result!.normalisedFileId! },
      f.main.headers,
    );
    const lines = (await (await fetch(file.url!)).text()).split('\n');
    expect(lines[0]).toBe(HEADER);
    expect(lines[1]).toBe(rows[0]!.join(','));
    expect(lines).toHaveLength(252);
  });

  it('refuses a wrong header, naming the columns, and scores nothing', async () => {
    const { f, sessionId } = await started();
    const fileId = await uploadCsv(t, f, csvOf(generateRows(3), 'x0,x1,x2,x3,x4,x5,x6,score'));
    const [error] = await attach(f, sessionId, fileId);
    expect(error?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: {
        'input.fileId.header.score': 'header, column score: is not a column of this assessment',
        'input.fileId.header.x7': 'header, column x7: is missing from the header',
      },
    });
    await nothingScored(f, sessionId);
  });

  it('refuses a bad number in row 17 with its row and column, and scores nothing', async () => {
    const { f, sessionId } = await started();
    const rows: (number | string)[][] = generateRows(30, 3);
    rows[16]![3] = '12,5'.replace(',', ';');
    rows[20]![5] = 250;
    const fileId = await uploadCsv(t, f, csvOf(rows));
    const [error] = await attach(f, sessionId, fileId);
    expect(error?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(error?.extensions?.['fields']).toEqual({
      'input.fileId.rows.17.x3': 'row 17, column x3: "12;5" is not a number',
      'input.fileId.rows.21.x5': 'row 21, column x5: 250 is outside [0, 100]',
    });
    expect(error?.extensions?.['problems']).toEqual([
      { row: 17, column: 'x3', message: '"12;5" is not a number' },
      { row: 21, column: 'x5', message: '250 is outside [0, 100]' },
    ]);
    await nothingScored(f, sessionId);
  });

  it('refuses a file with a header and no rows, and reports at most 20 problems', async () => {
    const { f, sessionId } = await started();
    const [empty] = await attach(f, sessionId, await uploadCsv(t, f, `${HEADER}\n`));
    expect(empty?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { 'input.fileId': 'has a header but no data rows' },
    });
    const broken = Array.from({ length: 40 }, () => Array.from({ length: 8 }, () => 'n/a'));
    const [many] = await attach(f, sessionId, await uploadCsv(t, f, csvOf(broken)));
    expect(many?.extensions?.['problems']).toHaveLength(20);
    await nothingScored(f, sessionId);
  });

  it('refuses an empty upload and one over the 5 MiB limit before any bytes are stored', async () => {
    const f = await createFamily(t);
    for (const byteSize of [0, 10 * 1024 * 1024]) {
      const errors = await t.requestErrors(
        CreateUploadDocument,
        {
          input: {
            purpose: 'ASSESSMENT_CSV',
            contentType: 'text/csv',
            byteSize,
            familyId: String(f.family.id),
          },
        },
        f.device.headers,
      );
      expect(errors[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: { 'input.byteSize': expect.any(String) as string },
      });
    }
    // and an empty table (blank lines only) is refused by the validator itself
    expect(() => validateTable('\uFEFF\r\n\r\n', [{ name: 'x0', min: 0, max: 1 }], 'f')).toThrow(
      /the file is empty/,
    );
  });

  it('warns the family when a score leaves its band, and keeps the history with a trend', async () => {
    const { f, sessionId } = await started();
    await t.request(
      SetAssessmentBandDocument,
      { familyId: String(f.family.id), low: 0, high: 10 },
      f.managers[0]!.headers,
    );
    const errors = await t.requestErrors(
      SetAssessmentBandDocument,
      { familyId: String(f.family.id), low: 5, high: 1 },
      f.managers[0]!.headers,
    );
    expect(errors[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { low: expect.any(String) as string },
    });
    const caregiverErrors = await t.requestErrors(
      SetAssessmentBandDocument,
      { familyId: String(f.family.id), low: 0, high: 1 },
      f.caregivers[0]!.headers,
    );
    expect(caregiverErrors[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const scored = settled(AiJobKind.ASSESSMENT_SCORE);
    const fileId = await uploadCsv(t, f, csvOf(generateRows(5, 9)));
    await t.request(
      ReportCareSessionDocument,
      { input: { sessionId, event: 'RESULT_UPLOADED', fileId } },
      f.device.headers,
    );
    expect((await scored).outcome).toBe('done');
    const warnings = await t.server.app.orm.em
      .fork()
      .find(Notification, { family: f.family.id, grade: 'WARN' as never });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/outside the expected band 0–10/);
    const { family } = await t.request(
      FamilyAssessmentsDocument,
      { id: String(f.family.id) },
      f.caregivers[0]!.headers,
    );
    expect(family!.assessments).toMatchObject({
      bandLow: 0,
      bandHigh: 10,
      direction: 'UNKNOWN',
      slopePerDay: null,
    });
    expect(family!.assessments.results).toHaveLength(1);
  });
});
