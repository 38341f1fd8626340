import 'reflect-metadata';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { Coordinates } from '../region/regions.js';
import {
  type CurrentConditions,
  type WeatherProvider,
  WeatherProviderError,
} from './weather.provider.js';
import { WEATHER_FAILURE_TTL_MS, WEATHER_TTL_MS, WeatherService } from './weather.service.js';
import { conditionOf, WeatherCondition } from './weather.types.js';

const reading: CurrentConditions = {
  temperature: 3.5,
  apparentTemperature: 0.1,
  humidity: 80,
  precipitation: 0.4,
  windSpeed: 2.5,
  weatherCode: 63,
  observedAt: new Date('2026-11-24T06:00:00Z'),
};

function setup() {
  let now = Date.parse('2026-11-24T06:05:00Z');
  const calls: Coordinates[] = [];
  let fail = false;
  const provider: WeatherProvider = {
    name: 'fake',
    current: async (point) => {
      calls.push(point);
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (fail) throw new WeatherProviderError('down');
      return reading;
    },
  };
  const logger = pino({ level: 'silent' });
  const warn = vi.spyOn(logger, 'warn');
  const service = new WeatherService({ provider, logger, now: () => now });
  return {
    service,
    calls,
    warn,
    advance: (ms: number) => (now += ms),
    failing: (value: boolean) => (fail = value),
  };
}

describe('WeatherService', () => {
  it('asks the provider at the office of the region and maps the reading', async () => {
    const { service, calls } = setup();
    const weather = await service.forRegion('11110');
    expect(calls).toEqual([{ lat: 37.57, lon: 126.98 }]);
    expect(weather).toMatchObject({
      ...reading,
      condition: WeatherCondition.RAIN,
      provider: 'fake',
      regionCode: '11110',
    });
  });

  it('serves a region from memory for 30 minutes, then asks again', async () => {
    const { service, calls, advance } = setup();
    await service.forRegion('11110');
    advance(WEATHER_TTL_MS - 1);
    await service.forRegion('11110');
    expect(calls).toHaveLength(1);
    advance(1);
    await service.forRegion('11110');
    expect(calls).toHaveLength(2);
  });

  it('shares one in-flight request among concurrent callers of a region', async () => {
    const { service, calls } = setup();
    const answers = await Promise.all([
      service.forRegion('26110'),
      service.forRegion('26110'),
      service.forRegion('26110'),
      service.forRegion('27110'),
    ]);
    expect(calls).toHaveLength(2);
    expect(answers[0]).toBe(answers[2]);
  });

  it('answers null on failure, warns once, and waits before asking again', async () => {
    const { service, calls, warn, advance, failing } = setup();
    failing(true);
    expect(await service.forRegion('11110')).toBeNull();
    expect(await service.forRegion('11110')).toBeNull();
    expect(calls).toHaveLength(1);
    expect(warn).toHaveBeenCalledTimes(1);
    failing(false);
    advance(WEATHER_FAILURE_TTL_MS);
    expect(await service.forRegion('11110')).not.toBeNull();
    expect(calls).toHaveLength(2);
  });

  it('answers null without asking anyone when off, or for an unknown region', async () => {
    const { service, calls } = setup();
    expect(await service.forRegion('99999')).toBeNull();
    expect(calls).toHaveLength(0);
    const off = new WeatherService({ provider: undefined, logger: pino({ level: 'silent' }) });
    expect(await off.forRegion('11110')).toBeNull();
  });
});

describe('conditionOf', () => {
  it('reads the WMO weather interpretation codes', () => {
    const cases: [number, WeatherCondition][] = [
      [0, WeatherCondition.CLEAR],
      [1, WeatherCondition.PARTLY_CLOUDY],
      [2, WeatherCondition.PARTLY_CLOUDY],
      [3, WeatherCondition.CLOUDY],
      [45, WeatherCondition.FOG],
      [48, WeatherCondition.FOG],
      [51, WeatherCondition.DRIZZLE],
      [57, WeatherCondition.DRIZZLE],
      [61, WeatherCondition.RAIN],
      [67, WeatherCondition.RAIN],
      [71, WeatherCondition.SNOW],
      [77, WeatherCondition.SNOW],
      [80, WeatherCondition.SHOWERS],
      [82, WeatherCondition.SHOWERS],
      [85, WeatherCondition.SNOW],
      [86, WeatherCondition.SNOW],
      [95, WeatherCondition.THUNDERSTORM],
      [99, WeatherCondition.THUNDERSTORM],
      [4, WeatherCondition.UNKNOWN],
      [50, WeatherCondition.UNKNOWN],
    ];
    expect(cases.map(([code]) => conditionOf(code))).toEqual(cases.map(([, c]) => c));
  });
});
