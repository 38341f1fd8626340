import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { getMetadataStorage, validate } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { resolvers } from '../schema.js';
import {
  EmotionScoresInput,
  HealthStatusInput,
  HomeStatusInput,
  MentalReportInput,
  MentalStatusInput,
  ReportBatchInput,
} from '../modules/report/report.inputs.js';
import { passesClassValidator } from './quick-validate.js';

const OPTIONS = { forbidUnknownValues: false, validationError: { target: false, value: false } };

/** What validateArgument asks class-validator: true when it reports nothing. */
async function classValidatorPasses(target: object): Promise<boolean> {
  return (await validate(target, OPTIONS)).length === 0;
}

function make<T extends object>(type: new () => T, values: Record<string, unknown>): T {
  return Object.assign(new type(), values);
}

const home = (values: Record<string, unknown> = {}) =>
  make(HomeStatusInput, {
    temperature: 21.5,
    humidity: 40,
    dustDensity: 12,
    gasLevel: 80,
    measuredAt: new Date(),
    reportId: randomUUID(),
    ...values,
  });

const POOL: unknown[] = [
  undefined,
  null,
  0,
  -1,
  0.5,
  1,
  20,
  45,
  100,
  101,
  250,
  -41,
  2001,
  100_001,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '',
  'x',
  ' ',
  'a'.repeat(501),
  'abcdefghijklmnopqrstuvwxyz',
  'user@example.com',
  '010-1234-5678',
  '2024-02-30',
  '1990-05-01',
  '00000000-0000-4000-8000-000000000000',
  randomUUID(),
  'not-a-uuid',
  'HIGH',
  'FALL',
  'JOY',
  true,
  new Date(),
  [],
  ['a'],
  [''],
  Array.from({ length: 21 }, () => 'r'),
  {},
];

describe('passesClassValidator', () => {
  it('passes a valid reading and a valid batch of them without class-validator', async () => {
    const batch = make(ReportBatchInput, { home: [home(), home({ reportId: null })] });
    const mental = make(MentalStatusInput, {
      emotion: 'JOY',
      scores: make(EmotionScoresInput, { joy: 1, sadness: 0, anger: 0, anxiety: 0, neutral: 0 }),
      source: 'CONVERSATION',
      reportId: null,
    });
    const report = make(MentalReportInput, {
      periodStart: new Date(0),
      periodEnd: new Date(),
      summary: 'fine',
      riskLevel: 'LOW',
      recommendations: ['walk'],
    });
    for (const input of [home(), batch, make(HealthStatusInput, { heartRate: 70 }), report]) {
      expect(await classValidatorPasses(input)).toBe(true);
      expect(passesClassValidator(input)).toBe(true);
    }
    expect(passesClassValidator(mental)).toBe(await classValidatorPasses(mental));
  });

  it('never passes what class-validator refuses: a reading one value off, alone or in a batch', async () => {
    const bad = [
      { temperature: 80.01 },
      { humidity: -0.1 },
      { dustDensity: Number.NaN },
      { gasLevel: Number.POSITIVE_INFINITY },
      { reportId: 'not-a-uuid' },
      { temperature: '20' },
    ];
    for (const values of bad) {
      const reading = home(values);
      const batch = make(ReportBatchInput, { home: [home(), reading] });
      expect(await classValidatorPasses(reading)).toBe(false);
      expect(passesClassValidator(reading)).toBe(false);
      expect(await classValidatorPasses(batch)).toBe(false);
      expect(passesClassValidator(batch)).toBe(false);
    }
    // class-validator refuses a nested value that is no object (null, a number) too
    for (const home of [[null], [3], 'x']) {
      const batch = make(ReportBatchInput, { home });
      expect(passesClassValidator(batch)).toBe(await classValidatorPasses(batch));
    }
  });

  it('agrees with class-validator whenever it passes, on every input class of the schema', async () => {
    expect(resolvers.length).toBeGreaterThan(0);
    const storage = getMetadataStorage() as unknown as {
      validationMetadatas: Map<Function, { propertyName: string }[]>;
    };
    // deterministic: a stride prime to the pool's length reaches every value, in a varied order
    let draw = 0;
    const pick = () => POOL[(draw += 7) % POOL.length];
    let classes = 0;
    let passed = 0;
    for (const [type, metadatas] of storage.validationMetadatas) {
      if (typeof type !== 'function') continue;
      classes += 1;
      const properties = [...new Set(metadatas.map((metadata) => metadata.propertyName))];
      for (let round = 0; round < 200; round += 1) {
        const target = Object.create(type.prototype as object) as Record<string, unknown>;
        // mostly one property off a neutral value, sometimes everything random
        for (const property of properties) target[property] = round % 4 === 0 ? pick() : undefined;
        target[properties[round % properties.length]!] = pick();
        const quick = passesClassValidator(target);
        if (quick) {
          passed += 1;
          expect(await classValidatorPasses(target), `${type.name} ${String(round)}`).toBe(true);
        }
      }
    }
    expect(classes).toBeGreaterThan(20);
    expect(passed).toBeGreaterThan(100);
  });
});
