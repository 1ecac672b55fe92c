-- @param {String} $1:id
SELECT id, name, cuisine, city, address, description, lat, lng, price_level, rating_avg, rating_count, created_at, updated_at
FROM restaurants
WHERE id = $1::uuid
