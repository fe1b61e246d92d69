/**
 * Realistic, locale-aware customers, addresses and products from
 * @faker-js/faker, shared by sim:gen and sim:run. Every Faker here draws from
 * the caller's seeded Random, so the same seed gives the same rows: with the
 * faker version pinned (exactly) in package.json, since faker's data and
 * algorithms change between releases, and the bytes with them.
 */
import { Faker, allLocales, base, en, type LocaleDefinition } from '@faker-js/faker';
import type { Customer } from '@mdp/schemas';
import type { Place } from './places.js';
import type { Random } from './random.js';

export interface Fakes {
  /** faker in a locale (English fills what it lacks), drawing from the seeded stream. */
  faker(locale: string): Faker;
  /** A customer living in `place`; the email is unique by id. */
  customer(place: Place, id: number, createdAt: string): Customer;
  /** A street (a second line after a comma or a newline, now and then), city and country. */
  address(place: Place): Pick<Customer, 'street' | 'city' | 'country'>;
  /** A product name (now and then with a variant after a comma, or a size in inches). */
  productName(locale: string): string;
  category(locale: string): string;
}

const LOCALES = allLocales as Record<string, LocaleDefinition>;

export function createFakes(rng: Random): Fakes {
  const fakers = new Map<string, Faker>();
  const fakerFor = (locale: string): Faker => {
    let faker = fakers.get(locale);
    if (!faker) {
      // What a locale lacks comes from English, as in faker's own prebuilt instances.
      faker = new Faker({ locale: [LOCALES[locale]!, en, base], randomizer: rng });
      fakers.set(locale, faker);
    }
    return faker;
  };

  const address = (place: Place) => {
    const faker = fakerFor(place.locale);
    let street = faker.location.streetAddress();
    // Second lines also give the CSV its quoted commas and newlines.
    const roll = rng.next();
    if (roll < 0.2) street += `, ${faker.location.secondaryAddress()}`;
    else if (roll < 0.3) street += `\n${faker.location.secondaryAddress()}`;
    return { street, city: faker.location.city(), country: place.country };
  };

  return {
    faker: fakerFor,
    address,
    customer(place, id, createdAt) {
      const faker = fakerFor(place.locale);
      const firstName = faker.person.firstName();
      const lastName = faker.person.lastName();
      // The id, last before the @, makes the address unique.
      const email = faker.internet
        .exampleEmail({ firstName, lastName })
        .toLowerCase()
        .replace('@', `.${id}@`);
      return {
        id,
        email,
        full_name: faker.person.fullName({ firstName, lastName }),
        ...address(place),
        phone: rng.chance(0.75) ? faker.phone.number({ style: 'international' }) : null,
        created_at: createdAt,
      };
    },
    productName(locale) {
      const faker = fakerFor(locale);
      const name = faker.commerce.productName();
      const roll = rng.next();
      if (roll < 0.25) return `${name}, ${faker.color.human()}`;
      if (roll < 0.35) return `${name} ${rng.between(10, 65)}"`;
      return name;
    },
    category: (locale) => fakerFor(locale).commerce.department(),
  };
}

/** "ELE-000042": the category's first letters (SKU- when it has none in ASCII) and the id. */
export function skuOf(category: string, id: number): string {
  const letters = category.normalize('NFKD').replace(/[^A-Za-z]/g, '');
  return `${letters.slice(0, 3).toUpperCase() || 'SKU'}-${String(id).padStart(6, '0')}`;
}
