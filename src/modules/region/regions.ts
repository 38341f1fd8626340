import data from './regions.data.json' with { type: 'json' };

/** A provincial-level government (2-digit legal-dong code) or a municipality below it (5 digits). */
export interface RegionData {
  code: string;
  name: string;
}

/** WGS84 degrees of the region's municipal office (a province: its government office), ±0.01°. */
export interface Coordinates {
  lat: number;
  lon: number;
}

interface MasterRegionData extends RegionData, Coordinates {
  subRegions: (RegionData & Coordinates)[];
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

export function subRegion(
  code: string,
): (RegionData & Coordinates & { masterCode: string }) | undefined {
  return subByCode.get(code);
}

/**
 * Where a region is on the map (its office), for a province or a municipality code; `undefined`
 * for an unknown code.
 */
export function regionCoordinates(code: string): Coordinates | undefined {
  const region = subByCode.get(code) ?? masterByCode.get(code);
  return region === undefined ? undefined : { lat: region.lat, lon: region.lon };
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
