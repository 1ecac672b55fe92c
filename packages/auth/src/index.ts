export { AccessTokens, InvalidTokenError, type TokenEnv } from './access-tokens.js';
export {
  type AuthEnv,
  authEnvSchema,
  DEVELOPMENT_INTERNAL_SECRET,
  DEVELOPMENT_JWT_SECRET,
  developmentSecretProblems,
  developmentSecretsIn,
} from './auth-env.js';
export {
  IDENTITY_HEADERS,
  type Identity,
  type Role,
  requireAdmin,
  requireUser,
  setIdentityHeaders,
  stripIdentityHeaders,
  trustGatewayIdentity,
} from './identity.js';
