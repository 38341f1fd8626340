import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';

/** What the sky is doing, in a few words a dashboard can draw; derived from the WMO code. */
export enum WeatherCondition {
  CLEAR = 'CLEAR',
  PARTLY_CLOUDY = 'PARTLY_CLOUDY',
  CLOUDY = 'CLOUDY',
  FOG = 'FOG',
  DRIZZLE = 'DRIZZLE',
  RAIN = 'RAIN',
  SNOW = 'SNOW',
  SHOWERS = 'SHOWERS',
  THUNDERSTORM = 'THUNDERSTORM',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(WeatherCondition, {
  name: 'WeatherCondition',
  description: 'The weather in a few words, derived from the WMO weather interpretation code.',
  valuesConfig: {
    CLEAR: { description: 'Clear sky (WMO 0).' },
    PARTLY_CLOUDY: { description: 'Mainly clear or partly cloudy (WMO 1–2).' },
    CLOUDY: { description: 'Overcast (WMO 3).' },
    FOG: { description: 'Fog or depositing rime fog (WMO 45, 48).' },
    DRIZZLE: { description: 'Drizzle, also freezing drizzle (WMO 51–57).' },
    RAIN: { description: 'Rain, also freezing rain (WMO 61–67).' },
    SNOW: { description: 'Snow fall, snow grains or snow showers (WMO 71–77, 85–86).' },
    SHOWERS: { description: 'Rain showers (WMO 80–82).' },
    THUNDERSTORM: { description: 'Thunderstorm, possibly with hail (WMO 95–99).' },
    UNKNOWN: { description: 'A code outside the WMO table the providers use.' },
  },
});

/** The condition a WMO weather interpretation code (0–99, as Open-Meteo reports it) stands for. */
export function conditionOf(code: number): WeatherCondition {
  if (code === 0) return WeatherCondition.CLEAR;
  if (code === 1 || code === 2) return WeatherCondition.PARTLY_CLOUDY;
  if (code === 3) return WeatherCondition.CLOUDY;
  if (code === 45 || code === 48) return WeatherCondition.FOG;
  if (code >= 51 && code <= 57) return WeatherCondition.DRIZZLE;
  if (code >= 61 && code <= 67) return WeatherCondition.RAIN;
  if ((code >= 71 && code <= 77) || code === 85 || code === 86) return WeatherCondition.SNOW;
  if (code >= 80 && code <= 82) return WeatherCondition.SHOWERS;
  if (code >= 95 && code <= 99) return WeatherCondition.THUNDERSTORM;
  return WeatherCondition.UNKNOWN;
}

@ObjectType({
  description:
    "Current weather at the family's municipality (at its office), from an external provider; " +
    'one reading per region is shared by every family there for up to 30 minutes.',
})
export class Weather {
  @Field(() => Float, { description: 'Air temperature 2 m above ground, °C.' })
  temperature!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Feels-like temperature (wind chill, humidity and sun considered), °C.',
  })
  apparentTemperature!: number | null;

  @Field(() => Float, { description: 'Relative humidity 2 m above ground, %.' })
  humidity!: number;

  @Field(() => Float, {
    description:
      "Precipitation (rain, showers and snow as water) in the provider's latest interval, mm.",
  })
  precipitation!: number;

  @Field(() => Float, { description: 'Wind speed 10 m above ground, m/s.' })
  windSpeed!: number;

  @Field(() => WeatherCondition, { description: 'The weather in a few words.' })
  condition!: WeatherCondition;

  @Field(() => Int, {
    description: 'The WMO weather interpretation code (0–99) `condition` is derived from.',
  })
  weatherCode!: number;

  @Field(() => Date, { description: 'The time the provider gives these values for.' })
  observedAt!: Date;

  @Field({ description: 'Who answered, e.g. "open-meteo".' })
  provider!: string;

  @Field(() => String, {
    nullable: true,
    description:
      "Legal-dong code of the region the reading is for: the main user's municipality (or province when the municipality is unknown). Part of the main user's address: null for those who may not see it (caregivers).",
  })
  regionCode!: string | null;
}
