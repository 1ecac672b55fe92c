/** A cuisine with the words that make its restaurants' names and descriptions sound right. */
export interface Cuisine {
  /** Stored in restaurants.cuisine; one word where possible so full-text queries find it as typed. */
  name: string;
  /** Kinds of place ("Trattoria", "Izakaya") used in names and descriptions. */
  places: readonly string[];
  /** Dishes mentioned in descriptions and reviews; they make full-text search results meaningful. */
  dishes: readonly string[];
  /** Typical price levels (1-4); a restaurant picks one of them. */
  prices: readonly number[];
}

export const CUISINES: readonly Cuisine[] = [
  {
    name: 'Italian',
    places: ['Trattoria', 'Osteria', 'Cucina', 'Enoteca'],
    dishes: ['handmade pappardelle', 'risotto alla milanese', 'osso buco', 'tiramisu', 'burrata'],
    prices: [2, 3, 3, 4],
  },
  {
    name: 'Pizza',
    places: ['Pizzeria', 'Pizza Bar', 'Forno'],
    dishes: ['wood-fired margherita', 'sourdough crust', 'nduja pizza', 'calzone'],
    prices: [1, 1, 2],
  },
  {
    name: 'French',
    places: ['Bistro', 'Brasserie', 'Café', 'Table'],
    dishes: ['steak frites', 'coq au vin', 'bouillabaisse', 'crème brûlée', 'duck confit'],
    prices: [2, 3, 4, 4],
  },
  {
    name: 'Japanese',
    places: ['Izakaya', 'Kitchen', 'Dining', 'Shokudo'],
    dishes: ['chicken karaage', 'tonkatsu', 'okonomiyaki', 'miso black cod', 'yakitori'],
    prices: [2, 3, 4],
  },
  {
    name: 'Sushi',
    places: ['Sushi Bar', 'Omakase', 'Sushi'],
    dishes: ['omakase nigiri', 'toro sashimi', 'hand rolls', 'chirashi bowl'],
    prices: [2, 3, 4, 4],
  },
  {
    name: 'Ramen',
    places: ['Ramen Bar', 'Noodle House', 'Ramen-ya'],
    dishes: ['tonkotsu ramen', 'shoyu ramen', 'gyoza', 'tsukemen'],
    prices: [1, 2],
  },
  {
    name: 'Chinese',
    places: ['Kitchen', 'Noodle House', 'Dumpling House', 'Garden'],
    dishes: ['xiaolongbao', 'Peking duck', 'mapo tofu', 'dan dan noodles', 'char siu'],
    prices: [1, 2, 2, 3],
  },
  {
    name: 'Korean',
    places: ['BBQ', 'Kitchen', 'Pocha'],
    dishes: ['bibimbap', 'Korean fried chicken', 'kimchi jjigae', 'bulgogi'],
    prices: [1, 2, 3],
  },
  {
    name: 'Thai',
    places: ['Kitchen', 'Street Food', 'House'],
    dishes: ['green curry', 'pad thai', 'som tam', 'khao soi', 'massaman curry'],
    prices: [1, 2, 2],
  },
  {
    name: 'Vietnamese',
    places: ['Pho House', 'Kitchen', 'Canteen'],
    dishes: ['pho bo', 'banh mi', 'bun cha', 'fresh spring rolls'],
    prices: [1, 1, 2],
  },
  {
    name: 'Indian',
    places: ['Tandoor', 'Kitchen', 'Dhaba', 'Spice House'],
    dishes: ['butter chicken', 'lamb rogan josh', 'masala dosa', 'dal makhani', 'garlic naan'],
    prices: [1, 2, 2, 3],
  },
  {
    name: 'Mexican',
    places: ['Taqueria', 'Cantina', 'Cocina'],
    dishes: ['tacos al pastor', 'mole poblano', 'guacamole', 'birria', 'churros'],
    prices: [1, 2, 2],
  },
  {
    name: 'Spanish',
    places: ['Tapas Bar', 'Bodega', 'Taberna'],
    dishes: ['patatas bravas', 'jamón ibérico', 'seafood paella', 'gambas al ajillo'],
    prices: [2, 2, 3],
  },
  {
    name: 'Greek',
    places: ['Taverna', 'Kitchen', 'Ouzeri'],
    dishes: ['moussaka', 'grilled octopus', 'souvlaki', 'spanakopita'],
    prices: [1, 2, 2],
  },
  {
    name: 'Lebanese',
    places: ['Kitchen', 'Grill', 'Mezze Bar'],
    dishes: ['hummus', 'falafel', 'shawarma', 'fattoush', 'baklava'],
    prices: [1, 2],
  },
  {
    name: 'Turkish',
    places: ['Ocakbaşı', 'Grill', 'Kitchen', 'Meyhane'],
    dishes: ['adana kebab', 'lahmacun', 'pide', 'künefe'],
    prices: [1, 2, 2],
  },
  {
    name: 'Ethiopian',
    places: ['Kitchen', 'House'],
    dishes: ['injera', 'doro wat', 'shiro', 'tibs'],
    prices: [1, 2],
  },
  {
    name: 'American',
    places: ['Diner', 'Grill', 'Kitchen', 'Tavern'],
    dishes: ['smash burgers', 'buttermilk pancakes', 'mac and cheese', 'buffalo wings'],
    prices: [1, 2, 2],
  },
  {
    name: 'Steakhouse',
    places: ['Steakhouse', 'Chophouse', 'Grill'],
    dishes: ['dry-aged ribeye', 'porterhouse', 'creamed spinach', 'bone marrow'],
    prices: [3, 4, 4],
  },
  {
    name: 'Seafood',
    places: ['Oyster Bar', 'Fish House', 'Seafood Grill'],
    dishes: ['oysters', 'lobster roll', 'grilled sea bass', 'fish and chips'],
    prices: [2, 3, 4],
  },
  {
    name: 'Vegetarian',
    places: ['Kitchen', 'Garden', 'Canteen'],
    dishes: ['roasted cauliflower', 'mushroom risotto', 'halloumi salad', 'lentil stew'],
    prices: [1, 2, 2],
  },
  {
    name: 'Vegan',
    places: ['Kitchen', 'Café', 'Plant Bar'],
    dishes: ['jackfruit tacos', 'cashew cheese', 'tempeh bowl', 'vegan ramen'],
    prices: [1, 2],
  },
  {
    name: 'Peruvian',
    places: ['Cevichería', 'Cocina', 'Kitchen'],
    dishes: ['ceviche', 'lomo saltado', 'anticuchos', 'pisco sour'],
    prices: [2, 3],
  },
  {
    name: 'Brazilian',
    places: ['Churrascaria', 'Boteco', 'Kitchen'],
    dishes: ['picanha', 'feijoada', 'pão de queijo', 'moqueca'],
    prices: [2, 3],
  },
  {
    name: 'Bakery',
    places: ['Bakery', 'Boulangerie', 'Bake House'],
    dishes: ['croissants', 'cinnamon buns', 'sourdough loaves', 'cardamom knots'],
    prices: [1, 1, 2],
  },
];
