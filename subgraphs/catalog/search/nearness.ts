/**
 * Nearness: great-circle distance in SQL, with a latitude/longitude box first so an index-free
 * scan only touches candidates inside it.
 */
import type { Knex } from 'knex';
import { GraphQLError } from 'graphql';

export interface NearInput { lat: number; lng: number; km: number }

const EARTH_KM = 6371;
export const MAX_NEAR_KM = 200;

export function checkNear(near: NearInput): void {
  const bad = (message: string) => new GraphQLError(`filter.near: ${message}`, { extensions: { code: 'BAD_USER_INPUT', argument: 'filter.near' } });
  if (!(near.lat >= -90 && near.lat <= 90)) throw bad(`lat ${near.lat} is not a latitude`);
  if (!(near.lng >= -180 && near.lng <= 180)) throw bad(`lng ${near.lng} is not a longitude`);
  if (!(near.km > 0 && near.km <= MAX_NEAR_KM)) throw bad(`km must be above 0 and at most ${MAX_NEAR_KM}, got ${near.km}`);
}

/** SQL for the distance in km from `near` to an instrument row aliased `i` */
export function distanceSql(db: Knex, near: Pick<NearInput, 'lat' | 'lng'>): Knex.Raw {
  return db.raw(`(${EARTH_KM} * 2 * asin(sqrt(power(sin(radians(i.latitude - ?) / 2), 2) + cos(radians(?)) * cos(radians(i.latitude)) * power(sin(radians(i.longitude - ?) / 2), 2))))`,
    [near.lat, near.lat, near.lng]);
}

export function applyNear(db: Knex, query: Knex.QueryBuilder, near: NearInput): void {
  const dLat = near.km / 111.2;
  const dLng = near.km / (111.2 * Math.max(Math.cos((near.lat * Math.PI) / 180), 0.01));
  query.whereBetween('i.latitude', [near.lat - dLat, near.lat + dLat]).whereBetween('i.longitude', [near.lng - dLng, near.lng + dLng])
    .where(distanceSql(db, near), '<=', near.km);
}

/** the same distance in TypeScript, for rows already fetched */
export function haversineKm(from: Pick<NearInput, 'lat' | 'lng'>, to: { latitude: number | null; longitude: number | null }): number | null {
  if (to.latitude === null || to.longitude === null) return null;
  const rad = (d: number) => (d * Math.PI) / 180;
  const a = Math.sin(rad(to.latitude - from.lat) / 2) ** 2 + Math.cos(rad(from.lat)) * Math.cos(rad(to.latitude)) * Math.sin(rad(to.longitude - from.lng) / 2) ** 2;
  return EARTH_KM * 2 * Math.asin(Math.sqrt(a));
}
