using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Sankofa.Ledger.Keys;

namespace Sankofa.Server.Identity.Oidc;

/// <summary>
/// The issuer's RSA keys, kept as PKCS#8 PEM files (mode 0600) in <c>&lt;DataDirectory&gt;/oidc/</c> so tokens, codes and
/// refresh tokens stay valid across restarts: one key signs tokens (published in the JWKS), one encrypts what only the
/// issuer reads back (authorization and device codes, refresh tokens).
/// </summary>
internal static class OidcKeys
{
    public static RsaSecurityKey LoadOrCreate(string path)
    {
        var rsa = RSA.Create();
        // Replicas on one data directory must sign with one key: whichever starts first makes it.
        rsa.ImportFromPem(SecretFile.CreateOrRead(path, () =>
        {
            using var created = RSA.Create(3072);
            return created.ExportPkcs8PrivateKeyPem();
        }));

        // A stable key id from the public key, so clients caching the JWKS recognise the key after a restart.
        var id = Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo())[..12]);
        return new RsaSecurityKey(rsa) { KeyId = id };
    }
}
