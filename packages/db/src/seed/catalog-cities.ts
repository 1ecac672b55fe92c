/** A city the seed places restaurants in: its centre and how far restaurants spread around it. */
export interface City {
  name: string;
  country: string;
  lat: number;
  lng: number;
  /** Standard deviation of the distance from the centre, in km; bigger cities sprawl more. */
  spreadKm: number;
  /** Relative share of restaurants; roughly follows the size of the city's restaurant scene. */
  weight: number;
}

/** City centres (approximate, WGS 84) so that "nearby" queries return plausible neighbours. */
export const CITIES: readonly City[] = [
  { name: 'London', country: 'GB', lat: 51.5074, lng: -0.1278, spreadKm: 9, weight: 10 },
  { name: 'Paris', country: 'FR', lat: 48.8566, lng: 2.3522, spreadKm: 5, weight: 9 },
  { name: 'New York', country: 'US', lat: 40.7128, lng: -74.006, spreadKm: 8, weight: 10 },
  { name: 'Tokyo', country: 'JP', lat: 35.6762, lng: 139.6503, spreadKm: 10, weight: 10 },
  { name: 'Berlin', country: 'DE', lat: 52.52, lng: 13.405, spreadKm: 7, weight: 6 },
  { name: 'Madrid', country: 'ES', lat: 40.4168, lng: -3.7038, spreadKm: 6, weight: 5 },
  { name: 'Barcelona', country: 'ES', lat: 41.3874, lng: 2.1686, spreadKm: 4, weight: 5 },
  { name: 'Rome', country: 'IT', lat: 41.9028, lng: 12.4964, spreadKm: 6, weight: 6 },
  { name: 'Milan', country: 'IT', lat: 45.4642, lng: 9.19, spreadKm: 5, weight: 4 },
  { name: 'Amsterdam', country: 'NL', lat: 52.3676, lng: 4.9041, spreadKm: 4, weight: 4 },
  { name: 'Lisbon', country: 'PT', lat: 38.7223, lng: -9.1393, spreadKm: 4, weight: 3 },
  { name: 'Vienna', country: 'AT', lat: 48.2082, lng: 16.3738, spreadKm: 5, weight: 3 },
  { name: 'Prague', country: 'CZ', lat: 50.0755, lng: 14.4378, spreadKm: 5, weight: 3 },
  { name: 'Copenhagen', country: 'DK', lat: 55.6761, lng: 12.5683, spreadKm: 4, weight: 3 },
  { name: 'Stockholm', country: 'SE', lat: 59.3293, lng: 18.0686, spreadKm: 5, weight: 3 },
  { name: 'Istanbul', country: 'TR', lat: 41.0082, lng: 28.9784, spreadKm: 9, weight: 6 },
  { name: 'Athens', country: 'GR', lat: 37.9838, lng: 23.7275, spreadKm: 5, weight: 3 },
  { name: 'Dublin', country: 'IE', lat: 53.3498, lng: -6.2603, spreadKm: 4, weight: 2 },
  { name: 'Chicago', country: 'US', lat: 41.8781, lng: -87.6298, spreadKm: 9, weight: 6 },
  { name: 'San Francisco', country: 'US', lat: 37.7749, lng: -122.4194, spreadKm: 4, weight: 5 },
  { name: 'Los Angeles', country: 'US', lat: 34.0522, lng: -118.2437, spreadKm: 12, weight: 7 },
  { name: 'Toronto', country: 'CA', lat: 43.6532, lng: -79.3832, spreadKm: 8, weight: 4 },
  { name: 'Mexico City', country: 'MX', lat: 19.4326, lng: -99.1332, spreadKm: 9, weight: 6 },
  { name: 'São Paulo', country: 'BR', lat: -23.5505, lng: -46.6333, spreadKm: 10, weight: 6 },
  { name: 'Buenos Aires', country: 'AR', lat: -34.6037, lng: -58.3816, spreadKm: 7, weight: 4 },
  { name: 'Seoul', country: 'KR', lat: 37.5665, lng: 126.978, spreadKm: 9, weight: 6 },
  { name: 'Bangkok', country: 'TH', lat: 13.7563, lng: 100.5018, spreadKm: 9, weight: 5 },
  { name: 'Singapore', country: 'SG', lat: 1.3521, lng: 103.8198, spreadKm: 6, weight: 4 },
  { name: 'Mumbai', country: 'IN', lat: 19.076, lng: 72.8777, spreadKm: 8, weight: 5 },
  { name: 'Sydney', country: 'AU', lat: -33.8688, lng: 151.2093, spreadKm: 9, weight: 4 },
  { name: 'Melbourne', country: 'AU', lat: -37.8136, lng: 144.9631, spreadKm: 8, weight: 4 },
  { name: 'Cape Town', country: 'ZA', lat: -33.9249, lng: 18.4241, spreadKm: 6, weight: 2 },
];
