import type { City } from './catalog-cities.js';
import type { Cuisine } from './catalog-cuisines.js';
import {
  AMBIENCES,
  FIRST_NAMES,
  LAST_NAMES,
  NAME_ADJECTIVES,
  NAME_NOUNS,
  STREET_KINDS,
  STREET_NAMES,
  STYLES,
} from './catalog-words.js';
import type { Prng } from './prng.js';

/** A restaurant name in one of a few common shapes: "Trattoria Rossi", "The Golden Fork", "Anna's Kitchen". */
export function restaurantName(prng: Prng, cuisine: Cuisine): string {
  const place = prng.pick(cuisine.places);
  switch (prng.int(0, 3)) {
    case 0:
      return `${place} ${prng.pick(LAST_NAMES)}`;
    case 1:
      return `The ${prng.pick(NAME_ADJECTIVES)} ${prng.pick(NAME_NOUNS)}`;
    case 2:
      return `${prng.pick(FIRST_NAMES)}'s ${place}`;
    default:
      return `${prng.pick(NAME_NOUNS)} ${place}`;
  }
}

export function streetAddress(prng: Prng): string {
  return `${prng.int(1, 299)} ${prng.pick(STREET_NAMES)} ${prng.pick(STREET_KINDS)}`;
}

/** One or two sentences naming the cuisine and two dishes, so full-text search has something to match. */
export function restaurantDescription(prng: Prng, cuisine: Cuisine, city: City): string {
  const style = prng.pick(STYLES);
  const place = prng.pick(cuisine.places).toLowerCase();
  const [first, second] = twoDishes(prng, cuisine);
  const article = /^[aeiou]/.test(style) ? 'An' : 'A';
  const opening = `${article} ${style} ${cuisine.name} ${place} in ${city.name} serving ${first} and ${second}.`;
  return prng.chance(0.5) ? `${opening} Known for ${prng.pick(AMBIENCES)}.` : opening;
}

function twoDishes(prng: Prng, cuisine: Cuisine): [string, string] {
  const first = prng.int(0, cuisine.dishes.length - 1);
  const second = (first + prng.int(1, cuisine.dishes.length - 1)) % cuisine.dishes.length;
  return [cuisine.dishes[first]!, cuisine.dishes[second]!];
}
