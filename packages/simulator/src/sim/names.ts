/** Word lists the generator draws new customers, addresses and products from. */
export const FIRST_NAMES = [
  'Anna', 'José', 'Zoë', 'Łukasz', 'Søren', 'Chloé', 'Mehmet', 'Aiko', 'Olivia', 'Noah',
  'Björn', 'Inès', 'Mateo', 'Priya', 'Kwame', 'Elif', 'Dmitri', 'Saoirse', 'Hannah', 'Ngozi',
] as const;

export const LAST_NAMES = [
  'García', 'Müller', 'Nguyen', 'O’Brien', 'Kowalski', 'Dubois', 'Rossi', 'Yılmaz', 'Smith', 'Sato',
  'Andersson', 'Fernández', 'Novák', 'Okafor', 'Jensen', 'Costa', 'Ivanova', 'Haddad', 'Brown', 'Kim',
] as const;

export const STREETS = [
  'Main Street', 'Rue de la Paix', 'Hauptstraße', 'Calle Mayor', 'Via Roma', 'Nowy Świat',
  'Strøget', 'Baker Street', 'Avenida Paulista', 'Kurfürstendamm', 'Bahnhofstraße', 'High Street',
] as const;

export const PLACES = [
  { city: 'Lisbon', country: 'PT' }, { city: 'München', country: 'DE' }, { city: 'Kraków', country: 'PL' },
  { city: 'Paris', country: 'FR' }, { city: 'Madrid', country: 'ES' }, { city: 'København', country: 'DK' },
  { city: 'Dublin', country: 'IE' }, { city: 'Milano', country: 'IT' }, { city: 'İstanbul', country: 'TR' },
  { city: 'Osaka', country: 'JP' }, { city: 'Göteborg', country: 'SE' }, { city: 'Brno', country: 'CZ' },
] as const;

export const PRODUCT_WORDS = {
  adjectives: ['Compact', 'Deluxe', 'Eco', 'Ultra', 'Classic', 'Smart', 'Rugged', 'Silent'],
  nouns: ['Kettle', 'Backpack', 'Lamp', 'Headphones', 'Chair', 'Blender', 'Notebook', 'Drill', 'Tent', 'Mug'],
  categories: ['home', 'outdoor', 'electronics', 'office', 'kitchen', 'tools'],
} as const;
