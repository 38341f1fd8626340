import type { FamilyGrant } from '../../auth/access.js';
import type { EventBus } from '../../realtime/events.js';
import type { Scope } from '../../scope.js';
import { BadUserInputError, NotFoundError } from '../../graphql/errors.js';
import { CarebotSettings } from './settings.entity.js';
import type { CarebotThresholds, UpdateSettingsInput } from './settings.types.js';

const PAIRS = [
  ['temperatureMin', 'temperatureMax'],
  ['heartRateMin', 'heartRateMax'],
] as const;

const SCALARS = [
  'isAlarmEnabled',
  'isCameraEnabled',
  'isMicrophoneEnabled',
  'isDrivingEnabled',
  'volume',
  'wakeUpTime',
  'bedTime',
  'quietHoursStart',
  'quietHoursEnd',
  'inactivityAlertHours',
  'shareConversations',
  'shareJournal',
] as const;

export function thresholdsOf(settings: CarebotSettings): CarebotThresholds {
  return {
    temperatureMin: settings.temperatureMin,
    temperatureMax: settings.temperatureMax,
    gasMax: settings.gasMax,
    dustMax: settings.dustMax,
    heartRateMin: settings.heartRateMin,
    heartRateMax: settings.heartRateMax,
    bloodOxygenMin: settings.bloodOxygenMin,
  };
}

/** The Carebot settings of a family (SPEC §5 "Settings and tools"). */
export class SettingsService {
  constructor(private readonly deps: { events: EventBus }) {}

  /**
   * Applies a partial change after checking that every min stays below its max; sharing the
   * elder's conversations or journal takes OWN (the main user).
   */
  async update(
    ctx: Scope,
    { familyId }: FamilyGrant<'MANAGE'>,
    input: UpdateSettingsInput,
  ): Promise<CarebotSettings> {
    if (input.shareConversations != null || input.shareJournal != null) {
      // the elder's privacy is the elder's to give away, not a manager's
      await ctx.access.requireFamily(familyId, 'OWN');
    }
    const settings = await ctx.em.findOne(CarebotSettings, { family: familyId });
    if (settings === null) throw new NotFoundError('CarebotSettings', familyId);
    const merged = { ...thresholdsOf(settings) };
    for (const [key, value] of Object.entries(input.thresholds ?? {})) {
      if (value !== null && value !== undefined)
        merged[key as keyof CarebotThresholds] = value as number;
    }
    for (const [min, max] of PAIRS) {
      if (merged[min] >= merged[max]) {
        const changed = input.thresholds?.[max] != null ? max : min;
        throw BadUserInputError.field(
          `input.thresholds.${changed}`,
          changed === max
            ? `must be greater than ${min} (${merged[min]})`
            : `must be less than ${max} (${merged[max]})`,
        );
      }
    }
    for (const key of SCALARS) {
      const value = input[key];
      if (value !== null && value !== undefined) (settings[key] as unknown) = value;
    }
    Object.assign(settings, merged);
    await ctx.em.flush();
    this.deps.events.settingsChanged(familyId);
    return settings;
  }
}
