/**
 * Where customers live: a country (ISO 3166 alpha-2, the `country` column),
 * the faker locale their names, streets, cities and phones are drawn from,
 * and the UTC offset of their local timestamps.
 */
import { allLocales } from '@faker-js/faker';

export interface Place {
  country: string;
  locale: string;
  /** Fixed UTC offset in minutes of this country's local timestamps. */
  offset: number;
}

/** The default mix of sim:gen: customers from twelve countries, each in its own locale. */
export const WORLD: readonly Place[] = [
  { country: 'DE', locale: 'de', offset: 60 },
  { country: 'FR', locale: 'fr', offset: 60 },
  { country: 'ES', locale: 'es', offset: 60 },
  { country: 'PL', locale: 'pl', offset: 60 },
  { country: 'SE', locale: 'sv', offset: 60 },
  { country: 'GB', locale: 'en_GB', offset: 0 },
  { country: 'US', locale: 'en', offset: -300 },
  { country: 'BR', locale: 'pt_BR', offset: -180 },
  { country: 'IN', locale: 'en_IN', offset: 330 },
  { country: 'JP', locale: 'ja', offset: 540 },
  { country: 'VN', locale: 'vi', offset: 420 },
  { country: 'AU', locale: 'en_AU', offset: 600 },
];

/** Faker's locales that name their country (de_AT, en_CA, ...), in faker's order. */
const COUNTRY_LOCALES = Object.entries(allLocales).flatMap(([locale, definitions]) => {
  const country = definitions.metadata?.country;
  return country ? [{ locale, country }] : [];
});

/** What --locale accepts: a locale of WORLD or one that names its country. */
export const LOCALES: readonly string[] = [
  ...new Set([...WORLD.map((p) => p.locale), ...COUNTRY_LOCALES.map((l) => l.locale)]),
].sort();

/** Where customers live: WORLD, or the one place of `locale`; undefined for a locale not in LOCALES. */
export function placesFor(locale?: string): readonly Place[] | undefined {
  if (locale === undefined) return WORLD;
  const known = WORLD.find((p) => p.locale === locale);
  if (known) return [known];
  const country = COUNTRY_LOCALES.find((l) => l.locale === locale)?.country;
  if (country === undefined) return undefined;
  // A country outside WORLD gets UTC timestamps: faker knows no offset of a country.
  return [{ country, locale, offset: WORLD.find((p) => p.country === country)?.offset ?? 0 }];
}

/** The place of a country found in loaded data: its WORLD place, else a faker locale naming it, else 'en'. */
export function placeOf(country: string): Place {
  const locale = COUNTRY_LOCALES.find((l) => l.country === country)?.locale ?? 'en';
  return WORLD.find((p) => p.country === country) ?? { country, locale, offset: 0 };
}

/** Products are named in the customers' language when they share one place, else in English. */
export function productLocale(places: readonly Place[]): string {
  return places.length === 1 ? places[0]!.locale : 'en';
}
