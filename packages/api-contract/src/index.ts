export { IdParams, Page, Problem, Uuid } from './common-schemas.js';
export { encodeListCursor, ListCursor, ListCursorPosition } from './list-cursor.js';
export { buildOpenApiDocument } from './openapi.js';
export {
  NearbyQuery,
  NearbyRestaurant,
  NearbyResult,
  Photo,
  PhotoMediaTypes,
  PhotoStatus,
  RatingSummary,
  Restaurant,
  RestaurantCreateBody,
  RestaurantDetail,
  RestaurantListQuery,
  RestaurantPage,
  RestaurantPatchBody,
  RestaurantSort,
  Review,
  ReviewBody,
  ReviewListQuery,
  ReviewPage,
  ReviewPatchBody,
  SearchHit,
  SearchPage,
  SearchQuery,
} from './restaurant-schemas.js';
export { type Access, type ApiRoute, apiRoutes } from './routes.js';
export { Email, EmailParams, LoginBody, Password, PublicUser, RefreshBody, RegisterBody, TokenResponse, UpdateMeBody } from './user-schemas.js';
