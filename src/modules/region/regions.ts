import data from './regions.data.json' with { type: 'json' };

/** A provincial-level government (2-digit legal-dong code) or a municipality below it (5 digits). */
export interface RegionData {
  code: string;
  name: string;
}

interface MasterRegionData extends RegionData {
  subRegions: RegionData[];
}

const masters: readonly MasterRegionData[] = data.masterRegions;
const masterByCode = new Map(masters.map((master) => [master.code, master]));
const subByCode = new Map(
  masters.flatMap((master) =>
    master.subRegions.map((sub) => [sub.code, { ...sub, masterCode: master.code }] as const),
  ),
);

/** Every provincial-level government, ordered by code. */
export function masterRegionList(): readonly RegionData[] {
  return masters;
}

/** The municipalities of one province, or `undefined` for an unknown province code. */
export function subRegionList(masterCode: string): readonly RegionData[] | undefined {
  return masterByCode.get(masterCode)?.subRegions;
}

export function masterRegion(code: string): RegionData | undefined {
  return masterByCode.get(code);
}

export function subRegion(code: string): (RegionData & { masterCode: string }) | undefined {
  return subByCode.get(code);
}

/**
 * Checks an address's region codes; returns problems keyed by the field name (`masterRegionCode`,
 * `subRegionCode`), empty when the pair exists and belongs together.
 */
export function regionProblems(masterCode: string, subCode: string): Record<string, string> {
  if (!masterByCode.has(masterCode)) return { masterRegionCode: 'is not a known province code' };
  const sub = subByCode.get(subCode);
  if (sub === undefined) return { subRegionCode: 'is not a known municipality code' };
  if (sub.masterCode !== masterCode)
    return { subRegionCode: `does not belong to province ${masterCode}` };
  return {};
}
