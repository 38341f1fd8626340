import type { Logger } from '../../observability/logger.js';
import { regionCoordinates } from '../region/regions.js';
import type { WeatherProvider } from './weather.provider.js';
import { conditionOf, Weather } from './weather.types.js';

/** How long a region's reading is served before the provider is asked again. */
export const WEATHER_TTL_MS = 30 * 60_000;
/** How long a failure is remembered, so a provider that is down is not asked on every dashboard. */
export const WEATHER_FAILURE_TTL_MS = 2 * 60_000;

interface CacheEntry {
  weather: Weather | null;
  expiresAt: number;
}

/**
 * Current weather per region, cached in this API process's memory: at most one entry per legal-dong
 * code (246), so the cache needs no eviction. Replicas cache separately; at one request per region
 * per 30 minutes per replica the provider never notices. Concurrent requests for a region share
 * one in-flight fetch, so a dashboard listing many families in one region asks once. A failure is
 * logged and answered as null, never as an error.
 */
export class WeatherService {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<Weather | null>>();
  private readonly now: () => number;

  constructor(
    private readonly deps: {
      /** Undefined when weather is off: null without any network request. */
      provider: WeatherProvider | undefined;
      logger: Logger;
      now?: () => number;
    },
  ) {
    this.now = deps.now ?? Date.now;
  }

  /** The weather at a region's office (province or municipality code); null when unavailable. */
  forRegion(regionCode: string): Promise<Weather | null> {
    const { provider } = this.deps;
    if (provider === undefined) return Promise.resolve(null);
    const cached = this.cache.get(regionCode);
    if (cached !== undefined && cached.expiresAt > this.now())
      return Promise.resolve(cached.weather);
    let pending = this.inFlight.get(regionCode);
    if (pending === undefined) {
      pending = this.fetch(provider, regionCode).finally(() => this.inFlight.delete(regionCode));
      this.inFlight.set(regionCode, pending);
    }
    return pending;
  }

  private async fetch(provider: WeatherProvider, regionCode: string): Promise<Weather | null> {
    const point = regionCoordinates(regionCode);
    // an address outside the region table (stale data): nothing to ask, nothing to warn about
    if (point === undefined) return null;
    try {
      const current = await provider.current(point);
      const weather = Object.assign(new Weather(), {
        ...current,
        condition: conditionOf(current.weatherCode),
        provider: provider.name,
        regionCode,
      });
      this.cache.set(regionCode, { weather, expiresAt: this.now() + WEATHER_TTL_MS });
      return weather;
    } catch (error) {
      // once per region per failure window: the failure is cached until the next attempt
      this.deps.logger.warn(
        { err: error, regionCode, provider: provider.name },
        'weather provider failed; families there get no weather for now',
      );
      this.cache.set(regionCode, { weather: null, expiresAt: this.now() + WEATHER_FAILURE_TTL_MS });
      return null;
    }
  }
}
