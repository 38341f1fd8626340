import { describe, expect, it } from 'vitest';
import { masterRegionList, regionCoordinates, subRegion, subRegionList } from './regions.js';

/** South Korea, Jeju and Ulleungdo included (Dokdo, at 131.87° E, has no office of its own). */
const KOREA = { lat: [33, 39], lon: [124, 132] } as const;

function inKorea(point: { lat: number; lon: number } | undefined): boolean {
  return (
    point !== undefined &&
    point.lat >= KOREA.lat[0] &&
    point.lat <= KOREA.lat[1] &&
    point.lon >= KOREA.lon[0] &&
    point.lon <= KOREA.lon[1]
  );
}

describe('region coordinates', () => {
  const subs = masterRegionList().flatMap((master) => subRegionList(master.code) ?? []);

  it('places every one of the 229 municipalities and 17 provinces inside Korea', () => {
    expect(subs).toHaveLength(229);
    expect(masterRegionList()).toHaveLength(17);
    const outside = [...masterRegionList(), ...subs]
      .filter((region) => !inKorea(regionCoordinates(region.code)))
      .map((region) => `${region.code} ${region.name}`);
    expect(outside).toEqual([]);
  });

  it('puts each municipality near its province (within about 200 km)', () => {
    const far = subs.filter((sub) => {
      const own = regionCoordinates(sub.code)!;
      const province = regionCoordinates(subRegion(sub.code)!.masterCode)!;
      // Ulleung-gun lies 130 km off the coast, the farthest from its provincial office
      return Math.hypot(own.lat - province.lat, own.lon - province.lon) > 2.6;
    });
    expect(far.map((sub) => `${sub.code} ${sub.name}`)).toEqual([]);
  });

  it('knows a few offices to within 0.01°', () => {
    // 종로구청, 제주시청, 울릉군청, 군위군청 (in 대구 since 2023)
    expect(regionCoordinates('11110')).toEqual({ lat: 37.57, lon: 126.98 });
    expect(regionCoordinates('50110')).toEqual({ lat: 33.5, lon: 126.53 });
    expect(regionCoordinates('47940')).toEqual({ lat: 37.48, lon: 130.91 });
    expect(regionCoordinates('27720')).toEqual({ lat: 36.24, lon: 128.57 });
    expect(regionCoordinates('99999')).toBeUndefined();
  });
});
