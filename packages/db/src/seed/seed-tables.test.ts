import { describe, expect, it } from 'vitest';
import { escapeCopyText } from './copy-text.js';
import { generateRestaurant } from './generate-restaurants.js';
import { generateUser } from './generate-users.js';
import { resolvePlan } from './seed-plan.js';
import { restaurantsTable, reviewsTable, usersTable } from './seed-tables.js';

const plan = resolvePlan({ restaurants: 100, seed: 'tables' });

describe('COPY lines', () => {
  it('have one field per column and end with a newline', () => {
    const { restaurant, reviews } = generateRestaurant(plan, 3);
    const lines: [string, number][] = [
      [usersTable.line(generateUser(plan, 3)), usersTable.columns.length],
      [restaurantsTable.line(restaurant), restaurantsTable.columns.length],
      ...reviews.map((r): [string, number] => [reviewsTable.line(r), reviewsTable.columns.length]),
    ];
    for (const [line, columns] of lines) {
      expect(line.endsWith('\n')).toBe(true);
      expect(line.slice(0, -1).split('\t')).toHaveLength(columns);
    }
  });

  it('never write the generated columns', () => {
    expect(restaurantsTable.columns).not.toContain('search');
    expect(restaurantsTable.columns).not.toContain('earth');
  });

  it('escape free text', () => {
    const { restaurant } = generateRestaurant(plan, 0);
    const line = restaurantsTable.line({ ...restaurant, name: 'Tab\there', description: 'a\\b\nc\rd' });
    expect(line.slice(0, -1).split('\t')).toHaveLength(restaurantsTable.columns.length);
    expect(line).toContain('Tab\\there');
    expect(line).toContain('a\\\\b\\nc\\rd');
    expect(escapeCopyText('plain')).toBe('plain');
  });
});
