import { z } from 'zod';
import type { Coordinates } from '../region/regions.js';

/** The current conditions at one point, in the units `Weather` documents. */
export interface CurrentConditions {
  temperature: number;
  apparentTemperature: number | null;
  humidity: number;
  precipitation: number;
  windSpeed: number;
  weatherCode: number;
  observedAt: Date;
}

/** Where current weather comes from. */
export interface WeatherProvider {
  /** Reported as `Weather.provider`. */
  readonly name: string;
  /** The current conditions at a point; rejects with a WeatherProviderError. */
  current(point: Coordinates): Promise<CurrentConditions>;
}

export class WeatherProviderError extends Error {
  override readonly name = 'WeatherProviderError';
}

const openMeteoSchema = z.object({
  utc_offset_seconds: z.number().int(),
  current: z.object({
    // local time of the requested zone, without offset: 2026-11-24T15:00
    time: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/),
    temperature_2m: z.number(),
    relative_humidity_2m: z.number().min(0).max(100),
    apparent_temperature: z.number().nullable().optional(),
    precipitation: z.number().min(0),
    weather_code: z.number().int().min(0).max(99),
    wind_speed_10m: z.number().min(0),
  }),
});

const CURRENT_FIELDS = [
  'temperature_2m',
  'relative_humidity_2m',
  'apparent_temperature',
  'precipitation',
  'weather_code',
  'wind_speed_10m',
].join(',');

/** Open-Meteo's forecast API (https://open-meteo.com): free, no key, current conditions per point. */
export class OpenMeteoProvider implements WeatherProvider {
  readonly name = 'open-meteo';

  constructor(private readonly options: { baseUrl: string; timeoutMs: number }) {}

  async current(point: Coordinates): Promise<CurrentConditions> {
    const url = new URL(`${this.options.baseUrl}/forecast`);
    url.searchParams.set('latitude', point.lat.toFixed(2));
    url.searchParams.set('longitude', point.lon.toFixed(2));
    url.searchParams.set('current', CURRENT_FIELDS);
    url.searchParams.set('wind_speed_unit', 'ms');
    url.searchParams.set('timezone', 'Asia/Seoul');
    // one signal for headers and body: a provider that trickles its answer times out as well
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    let body: unknown;
    try {
      const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
      if (!response.ok) {
        await response.body?.cancel();
        throw new WeatherProviderError(`Open-Meteo answered HTTP ${response.status}.`);
      }
      body = await response.json();
    } catch (error) {
      if (error instanceof WeatherProviderError) throw error;
      if (error instanceof Error && error.name === 'TimeoutError')
        throw new WeatherProviderError(
          `Open-Meteo did not answer within ${this.options.timeoutMs} ms.`,
        );
      if (error instanceof SyntaxError)
        throw new WeatherProviderError('Open-Meteo answered malformed JSON.');
      throw new WeatherProviderError(
        `Open-Meteo is unreachable: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const parsed = openMeteoSchema.safeParse(body);
    if (!parsed.success) throw new WeatherProviderError('Open-Meteo answered an unexpected shape.');
    const { current, utc_offset_seconds: offset } = parsed.data;
    return {
      temperature: current.temperature_2m,
      apparentTemperature: current.apparent_temperature ?? null,
      humidity: current.relative_humidity_2m,
      precipitation: current.precipitation,
      windSpeed: current.wind_speed_10m,
      weatherCode: current.weather_code,
      observedAt: new Date(Date.parse(`${current.time}Z`) - offset * 1000),
    };
  }
}

/** The configured provider, or undefined when weather is off. */
export function createWeatherProvider(config: {
  weatherProvider: 'open-meteo' | 'off';
  weatherBaseUrl: string;
  weatherTimeoutMs: number;
}): WeatherProvider | undefined {
  switch (config.weatherProvider) {
    case 'off':
      return undefined;
    case 'open-meteo':
      return new OpenMeteoProvider({
        baseUrl: config.weatherBaseUrl,
        timeoutMs: config.weatherTimeoutMs,
      });
  }
}
