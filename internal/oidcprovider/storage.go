package oidcprovider

import (
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

// Lifetimes of the flow's state and tokens.
const (
	authRequestTTL = 10 * time.Minute
	codeTTL        = time.Minute
	accessTokenTTL = 15 * time.Minute
	idTokenTTL     = 15 * time.Minute
)

// storage implements op.Storage on top of the store. The provider keeps no
// browser session: every authorization asks for the password, so there is
// no single sign-on to end at logout, only tokens to revoke.
type storage struct {
	store   *store.Store
	client  *client
	keys    []signingKey // newest first; keys[0] signs
	healthy func(context.Context) error
}

var (
	_ op.Storage                   = (*storage)(nil)
	_ op.CanSetUserinfoFromRequest = (*storage)(nil)
)

// internal hides err's details from the client (zitadel would otherwise
// put err.Error() into the error_description); zitadel logs the parent.
func internal(err error) error {
	var oe *oidc.Error
	if err == nil || errors.As(err, &oe) || negotiation.ErrorCode(err) != negotiation.EInternal {
		return err
	}
	return oidc.ErrServerError().WithDescription("internal error").WithParent(err)
}

// CreateAuthRequest stores a validated authorization request. It refuses
// what this provider does not do: prompt=none (there is no session to
// answer it from), PKCE's plain method, which protects nothing, and
// response modes other than query (form_post would need an inline script,
// which the site's CSP forbids).
func (s *storage) CreateAuthRequest(ctx context.Context, req *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	if slices.Contains(req.Prompt, oidc.PromptNone) {
		return nil, oidc.ErrLoginRequired()
	}
	if req.ResponseMode != "" && req.ResponseMode != oidc.ResponseModeQuery {
		return nil, oidc.ErrInvalidRequest().WithDescription("response_mode must be query")
	}
	if req.CodeChallenge != "" && req.CodeChallengeMethod != oidc.CodeChallengeMethodS256 {
		return nil, oidc.ErrInvalidRequest().WithDescription("code_challenge_method must be S256")
	}
	r, err := s.store.CreateOIDCAuthRequest(ctx, store.OIDCAuthRequest{
		ClientID:            req.ClientID,
		RedirectURI:         req.RedirectURI,
		Scopes:              req.Scopes,
		ResponseType:        string(req.ResponseType),
		ResponseMode:        string(req.ResponseMode),
		State:               req.State,
		Nonce:               req.Nonce,
		CodeChallenge:       req.CodeChallenge,
		CodeChallengeMethod: string(req.CodeChallengeMethod),
	}, authRequestTTL)
	if err != nil {
		return nil, internal(err)
	}
	return &authRequest{r}, nil
}

// AuthRequestByID returns an unexpired authorization request.
func (s *storage) AuthRequestByID(ctx context.Context, id string) (op.AuthRequest, error) {
	r, err := s.store.OIDCAuthRequest(ctx, id)
	if err != nil {
		return nil, internal(err)
	}
	return &authRequest{r}, nil
}

// AuthRequestByCode consumes the code: it answers once per code.
func (s *storage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	r, err := s.store.ConsumeOIDCAuthCode(ctx, hashCode(code))
	if err != nil {
		return nil, internal(err)
	}
	return &authRequest{r}, nil
}

// SaveAuthCode attaches the code to the signed-in request; only its hash is
// stored, so that a copy of the database holds no usable code.
func (s *storage) SaveAuthCode(ctx context.Context, id, code string) error {
	return internal(s.store.SaveOIDCAuthCode(ctx, id, hashCode(code), codeTTL))
}

func hashCode(code string) []byte {
	h := sha256.Sum256([]byte(code))
	return h[:]
}

// DeleteAuthRequest forgets a finished request.
func (s *storage) DeleteAuthRequest(ctx context.Context, id string) error {
	if err := s.store.DeleteOIDCAuthRequest(ctx, id); err != nil {
		return internal(err)
	}
	return nil
}

// CreateAccessToken stores an opaque access token for a code exchange.
func (s *storage) CreateAccessToken(ctx context.Context, req op.TokenRequest) (string, time.Time, error) {
	ar, ok := req.(*authRequest)
	if !ok {
		return "", time.Time{}, oidc.ErrUnsupportedGrantType()
	}
	t, err := s.store.CreateOIDCToken(ctx, store.OIDCToken{
		AuthRequestID: ar.ID,
		ClientID:      ar.ClientID,
		AccountID:     ar.AccountID,
		Scopes:        ar.Scopes,
	}, accessTokenTTL)
	if err != nil {
		return "", time.Time{}, internal(err)
	}
	return t.ID, t.ExpiresAt, nil
}

// CreateAccessAndRefreshTokens is not supported: the client registers no
// refresh_token grant, so zitadel never calls it.
func (s *storage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, oidc.ErrUnsupportedGrantType().WithDescription("refresh tokens are not supported")
}

// TokenRequestByRefreshToken is not supported; see CreateAccessAndRefreshTokens.
func (s *storage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, oidc.ErrInvalidGrant().WithDescription("refresh tokens are not supported")
}

// GetRefreshTokenInfo answers that no token is a refresh token.
func (s *storage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

// TerminateSession revokes the user's access tokens for the client. It is
// called at RP-initiated logout; without an id_token_hint the user is
// unknown and there is nothing to revoke.
func (s *storage) TerminateSession(ctx context.Context, userID, clientID string) error {
	id, err := strconv.ParseInt(userID, 10, 64)
	if err != nil || clientID == "" {
		return nil
	}
	return internal(s.store.RevokeOIDCTokens(ctx, id, clientID))
}

// RevokeToken revokes an access token issued to the client.
func (s *storage) RevokeToken(ctx context.Context, tokenID, _, clientID string) *oidc.Error {
	if err := s.store.RevokeOIDCToken(ctx, tokenID, clientID); err != nil {
		return oidc.ErrServerError().WithParent(err)
	}
	return nil
}

// SigningKey returns the key that signs ID tokens.
func (s *storage) SigningKey(context.Context) (op.SigningKey, error) {
	return &s.keys[0], nil
}

// SignatureAlgorithms is RS256 only.
func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

// KeySet returns the public keys published at the JWKS endpoint.
func (s *storage) KeySet(context.Context) ([]op.Key, error) {
	keys := make([]op.Key, len(s.keys))
	for i := range s.keys {
		keys[i] = publicKey{&s.keys[i]}
	}
	return keys, nil
}

// GetClientByClientID knows the one client.
func (s *storage) GetClientByClientID(_ context.Context, clientID string) (op.Client, error) {
	if clientID != s.client.id {
		return nil, errors.New("unknown client")
	}
	return s.client, nil
}

// AuthorizeClientIDSecret checks the client's secret in constant time.
func (s *storage) AuthorizeClientIDSecret(_ context.Context, clientID, secret string) error {
	idOK := subtle.ConstantTimeCompare([]byte(clientID), []byte(s.client.id))
	secretOK := subtle.ConstantTimeCompare([]byte(secret), []byte(s.client.secret))
	if idOK&secretOK != 1 {
		return errors.New("wrong client id or secret")
	}
	return nil
}

// SetUserinfoFromScopes is deprecated in zitadel in favour of
// SetUserinfoFromRequest and left empty as it asks.
func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest fills the ID token's claims.
func (s *storage) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	return s.setUserinfo(ctx, info, req.GetSubject(), scopes)
}

// SetUserinfoFromToken answers the userinfo endpoint.
func (s *storage) SetUserinfoFromToken(ctx context.Context, info *oidc.UserInfo, tokenID, subject, _ string) error {
	t, err := s.store.OIDCToken(ctx, tokenID)
	if err != nil {
		return internal(err)
	}
	if strconv.FormatInt(t.AccountID, 10) != subject {
		return errors.New("the access token is invalid")
	}
	return s.setUserinfo(ctx, info, subject, t.Scopes)
}

// SetIntrospectionFromToken answers the introspection endpoint for a token
// issued to the asking client.
func (s *storage) SetIntrospectionFromToken(ctx context.Context, resp *oidc.IntrospectionResponse, tokenID, subject, clientID string) error {
	t, err := s.store.OIDCToken(ctx, tokenID)
	if err != nil {
		return internal(err)
	}
	if t.ClientID != clientID || strconv.FormatInt(t.AccountID, 10) != subject {
		return errors.New("the token was not issued to this client")
	}
	info := new(oidc.UserInfo)
	if err := s.setUserinfo(ctx, info, subject, t.Scopes); err != nil {
		return err
	}
	resp.SetUserInfo(info)
	resp.Scope = t.Scopes
	resp.ClientID = t.ClientID
	resp.Expiration = oidc.FromTime(t.ExpiresAt)
	return nil
}

// setUserinfo sets the claims the scopes ask for. A disabled account gets
// none: its tokens stop working at once.
func (s *storage) setUserinfo(ctx context.Context, info *oidc.UserInfo, subject string, scopes []string) error {
	id, err := strconv.ParseInt(subject, 10, 64)
	if err != nil {
		return fmt.Errorf("subject %q is not an account id", subject)
	}
	a, err := s.store.LocalAccount(ctx, id)
	if err != nil {
		return internal(err)
	}
	if a.Disabled {
		return errors.New("the account is disabled")
	}
	for _, scope := range scopes {
		switch scope {
		case oidc.ScopeOpenID:
			info.Subject = subject
		case oidc.ScopeEmail:
			info.Email = a.Email
			// Local accounts are made by an administrator, who vouches
			// for the address; there is no self-registration.
			info.EmailVerified = true
		case oidc.ScopeProfile:
			info.Name = a.Name
		}
	}
	return nil
}

// GetPrivateClaimsFromScopes adds no claims: access tokens are opaque.
func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

// GetKeyByIDAndClientID knows no client keys: the JWT profile grant and
// private_key_jwt client authentication are not supported.
func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("client keys are not supported")
}

// ValidateJWTProfileScopes allows nothing; see GetKeyByIDAndClientID.
func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("the JWT profile grant is not supported")
}

// Health reports whether the database answers.
func (s *storage) Health(ctx context.Context) error {
	return s.healthy(ctx)
}

// authRequest adapts a stored request to op.AuthRequest.
type authRequest struct {
	store.OIDCAuthRequest
}

var _ op.AuthRequest = (*authRequest)(nil)

func (r *authRequest) GetID() string          { return r.ID }
func (r *authRequest) GetACR() string         { return "" }
func (r *authRequest) GetAudience() []string  { return []string{r.ClientID} }
func (r *authRequest) GetAuthTime() time.Time { return r.AuthTime }
func (r *authRequest) GetClientID() string    { return r.ClientID }
func (r *authRequest) GetNonce() string       { return r.Nonce }
func (r *authRequest) GetRedirectURI() string { return r.RedirectURI }
func (r *authRequest) GetScopes() []string    { return r.Scopes }
func (r *authRequest) GetState() string       { return r.State }
func (r *authRequest) Done() bool             { return r.AccountID != 0 }

// GetAMR says the user gave a password (RFC 8176), once they did.
func (r *authRequest) GetAMR() []string {
	if r.Done() {
		return []string{"pwd"}
	}
	return nil
}

func (r *authRequest) GetResponseType() oidc.ResponseType { return oidc.ResponseType(r.ResponseType) }
func (r *authRequest) GetResponseMode() oidc.ResponseMode { return oidc.ResponseMode(r.ResponseMode) }

func (r *authRequest) GetSubject() string {
	if r.AccountID == 0 {
		return ""
	}
	return strconv.FormatInt(r.AccountID, 10)
}

func (r *authRequest) GetCodeChallenge() *oidc.CodeChallenge {
	if r.CodeChallenge == "" {
		return nil
	}
	return &oidc.CodeChallenge{Challenge: r.CodeChallenge, Method: oidc.CodeChallengeMethod(r.CodeChallengeMethod)}
}

// signingKey is an RSA key that signs with RS256.
type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

func (k *signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k *signingKey) Key() any                                    { return k.key }
func (k *signingKey) ID() string                                  { return k.id }

// publicKey is the published half of a signingKey.
type publicKey struct{ k *signingKey }

func (p publicKey) ID() string                         { return p.k.id }
func (p publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (p publicKey) Use() string                        { return "sig" }
func (p publicKey) Key() any                           { return &p.k.key.PublicKey }

// parseSigningKeys decodes the stored keys.
func parseSigningKeys(stored []store.OIDCSigningKey) ([]signingKey, error) {
	keys := make([]signingKey, 0, len(stored))
	for _, sk := range stored {
		if sk.Algorithm != string(jose.RS256) {
			return nil, fmt.Errorf("signing key %s: unsupported algorithm %s", sk.ID, sk.Algorithm)
		}
		k, err := x509.ParsePKCS8PrivateKey(sk.PrivateKey)
		if err != nil {
			return nil, fmt.Errorf("signing key %s: %w", sk.ID, err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("signing key %s: not an RSA key", sk.ID)
		}
		keys = append(keys, signingKey{id: sk.ID, key: rk})
	}
	if len(keys) == 0 {
		return nil, errors.New("no signing key")
	}
	return keys, nil
}
