/** The two roles of the sample app. */
export type Role = 'user' | 'admin';

/** The authenticated caller, set on `req.user` by the auth guard. */
export interface AuthUser {
  id: number;
  username: string;
  role: Role;
}

/** The claims of the signed bearer token. */
export interface TokenClaims {
  sub: number;
  username: string;
  role: Role;
}
