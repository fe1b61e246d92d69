/** Word lists for realistic rows: names from many languages, places, products. */

export interface Country {
  code: string;
  /** Fixed UTC offset in minutes used for this country's local timestamps. */
  offset: number;
  dial: string;
  cities: readonly string[];
  streets: readonly string[];
  /** House number before (true) or after (false) the street name. */
  numberFirst: boolean;
}

export const COUNTRIES: readonly Country[] = [
  {
    code: 'DE',
    offset: 60,
    dial: '+49',
    numberFirst: false,
    cities: ['Berlin', 'München', 'Köln', 'Düsseldorf', 'Leipzig'],
    streets: ['Hauptstraße', 'Schloßallee', 'Gartenweg', 'Bahnhofstraße', 'Müllerstraße'],
  },
  {
    code: 'FR',
    offset: 60,
    dial: '+33',
    numberFirst: true,
    cities: ['Paris', 'Lyon', 'Marseille', 'Besançon', 'Orléans'],
    streets: [
      "Rue de l'Église",
      'Avenue des Champs-Élysées',
      'Boulevard Saint-Michel',
      'Rue du Château',
      'Place de la République',
    ],
  },
  {
    code: 'ES',
    offset: 60,
    dial: '+34',
    numberFirst: false,
    cities: ['Madrid', 'Barcelona', 'Sevilla', 'Málaga', 'A Coruña'],
    streets: [
      'Calle Mayor',
      'Avenida de la Constitución',
      'Calle de Alcalá',
      'Paseo de Gràcia',
      'Plaza España',
    ],
  },
  {
    code: 'PL',
    offset: 60,
    dial: '+48',
    numberFirst: false,
    cities: ['Warszawa', 'Kraków', 'Łódź', 'Wrocław', 'Gdańsk'],
    streets: [
      'ulica Piękna',
      'aleja Jerozolimskie',
      'ulica Długa',
      'ulica Świętokrzyska',
      'plac Zbawiciela',
    ],
  },
  {
    code: 'SE',
    offset: 60,
    dial: '+46',
    numberFirst: false,
    cities: ['Stockholm', 'Göteborg', 'Malmö', 'Umeå', 'Västerås'],
    streets: ['Drottninggatan', 'Storgatan', 'Kungsgatan', 'Sveavägen', 'Götgatan'],
  },
  {
    code: 'GB',
    offset: 0,
    dial: '+44',
    numberFirst: true,
    cities: ['London', 'Manchester', 'Edinburgh', 'Cardiff', 'Belfast'],
    streets: ['Baker Street', 'High Street', "King's Road", 'Church Lane', 'Victoria Road'],
  },
  {
    code: 'US',
    offset: -300,
    dial: '+1',
    numberFirst: true,
    cities: ['New York', 'Boston', 'Chicago', 'Austin', 'Seattle'],
    streets: ['Main Street', 'Broadway', 'Oak Avenue', 'Maple Drive', 'Elm Street'],
  },
  {
    code: 'BR',
    offset: -180,
    dial: '+55',
    numberFirst: false,
    cities: ['São Paulo', 'Rio de Janeiro', 'Brasília', 'Belém', 'Florianópolis'],
    streets: [
      'Rua das Flores',
      'Avenida Paulista',
      'Rua São João',
      'Avenida Atlântica',
      'Rua da Conceição',
    ],
  },
  {
    code: 'IN',
    offset: 330,
    dial: '+91',
    numberFirst: true,
    cities: ['Mumbai', 'Bengaluru', 'Chennai', 'Kolkata', 'Pune'],
    streets: ['MG Road', 'Park Street', 'Linking Road', 'Brigade Road', 'Anna Salai'],
  },
  {
    code: 'JP',
    offset: 540,
    dial: '+81',
    numberFirst: false,
    cities: ['東京', '大阪', '京都', 'Sapporo', 'Fukuoka'],
    streets: ['銀座', 'Omotesandō', '本町', 'Shijō-dōri', 'Tenjin'],
  },
  {
    code: 'VN',
    offset: 420,
    dial: '+84',
    numberFirst: true,
    cities: ['Hà Nội', 'Hồ Chí Minh', 'Đà Nẵng', 'Huế', 'Hải Phòng'],
    streets: ['Phố Huế', 'Đường Lê Lợi', 'Đường Trần Phú', 'Phố Hàng Bạc', 'Đường Nguyễn Huệ'],
  },
  {
    code: 'NZ',
    offset: 720,
    dial: '+64',
    numberFirst: true,
    cities: ['Auckland', 'Wellington', 'Christchurch', 'Dunedin', 'Tauranga'],
    streets: ['Queen Street', 'Cuba Street', 'Ponsonby Road', 'George Street', 'Lambton Quay'],
  },
];

export const FIRST_NAMES: readonly string[] = [
  'Anna',
  'José',
  'Zoë',
  'Björn',
  'Søren',
  'Łukasz',
  'François',
  'Mária',
  'Ümit',
  'Chloé',
  'Jürgen',
  'Inês',
  'Ngọc',
  'Hiroshi',
  'Aiko',
  'Priya',
  'Arjun',
  'Siobhán',
  'Seán',
  'Olivia',
  'Liam',
  'Noah',
  'Emma',
  'Mateo',
  'Lucía',
  'João',
  'Małgorzata',
  'Åsa',
  'Øystein',
  'Renée',
  'Zoltán',
  'Dagný',
  'Ahmet',
  'Fatma',
  'Élodie',
  'Mohammed',
  'Aroha',
  'Tāne',
  'Kwame',
  'Ava',
  'Ethan',
  'Mia',
  'Lukas',
  'Sofía',
  'Nikolaj',
  'Ewa',
  'Wei',
  '美咲',
];

export const LAST_NAMES: readonly string[] = [
  'Müller',
  'García',
  'Nguyễn',
  'Smith',
  "O'Brien",
  'Kowalski',
  'Søndergaard',
  'Dubois',
  'Rossi',
  'Yılmaz',
  'Fernández',
  'Núñez',
  'Šimić',
  'Lindqvist',
  'Szabó',
  'Takahashi',
  'Sato',
  'Patel',
  'Sharma',
  'Brown',
  'Johnson',
  'Silva',
  'Gonçalves',
  'Łapiński',
  'Wójcik',
  'Öztürk',
  'Ó Súilleabháin',
  'van der Berg',
  'Dvořák',
  'Þórsson',
  'Novák',
  'Ngata',
  'Mensah',
  'Lefèvre',
  'Schröder',
  'Weiß',
  'Jensen',
  'Kim',
  'Lee',
  'Chen',
  '田中',
];

export const DOMAINS: readonly string[] = [
  'example.com',
  'example.org',
  'example.net',
  'mail.example',
  'post.example',
];

export const ADDRESS_EXTRAS: readonly string[] = [
  'Apt 4',
  'Flat 2B',
  'Suite 300',
  '3rd floor',
  'Bât. C',
  'Hinterhaus',
  'c/o Meyer',
];
export const SECOND_LINES: readonly string[] = [
  'Building B',
  'Gate code 1234',
  'Back entrance',
  'Rear courtyard',
  'PO Box 77',
];

export interface Category {
  name: string;
  code: string;
  /** Price range in cents. */
  minCents: number;
  maxCents: number;
  /** Stock range: consumables are kept in the tens of thousands. */
  maxStock: number;
  nouns: readonly string[];
}

export const CATEGORIES: readonly Category[] = [
  {
    name: 'Electronics',
    code: 'ELE',
    minCents: 1499,
    maxCents: 249900,
    maxStock: 400,
    nouns: ['Headphones', 'Monitor 27"', 'USB-C Hub', 'Keyboard', 'Smartphone', 'E-Reader'],
  },
  {
    name: 'Furniture',
    code: 'FUR',
    minCents: 3900,
    maxCents: 189900,
    maxStock: 120,
    nouns: ['Office Chair', 'Bookshelf', 'Desk', 'Sofa', 'Nightstand'],
  },
  {
    name: 'Books',
    code: 'BOO',
    minCents: 499,
    maxCents: 6500,
    maxStock: 900,
    nouns: ['Cookbook', 'Novel', 'Atlas', 'Field Guide', 'Anthology'],
  },
  {
    name: 'Groceries',
    code: 'GRO',
    minCents: 59,
    maxCents: 2999,
    maxStock: 60000,
    nouns: ['Coffee Beans', 'Olive Oil', 'Green Tea', 'Dark Chocolate', 'Pasta'],
  },
  {
    name: 'Toys',
    code: 'TOY',
    minCents: 399,
    maxCents: 14999,
    maxStock: 600,
    nouns: ['Puzzle', 'Building Blocks', 'Plush Bear', 'Board Game', 'Kite'],
  },
  {
    name: 'Garden',
    code: 'GAR',
    minCents: 199,
    maxCents: 79900,
    maxStock: 30000,
    nouns: ['Seed Mix', 'Hose', 'Planter', 'Pruning Shears', 'Lawn Mower'],
  },
  {
    name: 'Sports',
    code: 'SPO',
    minCents: 899,
    maxCents: 129900,
    maxStock: 500,
    nouns: ['Yoga Mat', 'Running Shoes', 'Tennis Racket', 'Bicycle Helmet', 'Dumbbells'],
  },
];

export const ADJECTIVES: readonly string[] = [
  'Ergonomic',
  'Compact',
  'Deluxe',
  'Classic',
  'Eco',
  'Premium',
  'Rustic',
  'Smart',
  'Vintage',
  'Ultra-Light',
];
export const VARIANTS: readonly string[] = [
  'Oak',
  'Black',
  'Blue, matte',
  'Size L',
  '500 g',
  'Pack of 3',
  'Red',
  'Walnut',
  '2 m',
];
