// A real OpenID Connect provider for the single sign-on tests: the npm package
// oidc-provider (installed by scripts/ensure-oidc-provider), started by the pytest fixture
// in tests/oidc/fixtures.py on a loopback port.
//
// Environment: OIDC_PORT, OIDC_MODULE (path of oidc-provider's lib/index.js),
// OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_ACCOUNTS (JSON: login -> claims).
// Its devInteractions login page signs in whichever login is typed (any password); the
// claims of that login come from OIDC_ACCOUNTS, so each test decides what the provider
// says. Consent is granted without a page (a first-party client).
import { pathToFileURL } from 'node:url';

const { default: Provider } = await import(pathToFileURL(process.env.OIDC_MODULE).href);
const port = Number(process.env.OIDC_PORT);
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');
const issuer = `http://127.0.0.1:${port}`;
// Any tenant host of the test servers (with or without a port) may be the redirect URI.
const CALLBACK = /^http:\/\/[a-z0-9-]+\.localhost(:\d+)?\/accounts\/sso\/tenant\/callback\/$/;

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID,
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: ['http://telco.localhost/accounts/sso/tenant/callback/'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'locale', 'customer_number', 'customer_type'],
  },
  cookies: { keys: ['quartier-tests-only'] },
  async findAccount(ctx, id) {
    if (!Object.hasOwn(accounts, id)) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...accounts[id] }; } };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ctx.oidc.params.scope || 'openid');
    await grant.save();
    return grant;
  },
});
provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(uri) {
  return CALLBACK.test(uri);
};
provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${issuer}\n`);
});
