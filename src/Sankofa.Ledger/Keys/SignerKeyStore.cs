using System.Security.Cryptography;
using Nethereum.KeyStore;
using Nethereum.KeyStore.Model;

namespace Sankofa.Ledger.Keys;

/// <summary>
/// Keeps the signing key in a Web3 Secret Storage (v3) keystore file, the format geth, Besu and Foundry import.
/// Scrypt cost is lowered from the usual 2^18 to 2^14 so start-up takes milliseconds rather than a second; the file
/// stays a valid keystore, only cheaper to brute-force, so the password matters.
/// </summary>
internal static class SignerKeyStore
{
    public const string KeyFileName = "signer.keystore.json";
    public const string PasswordFileName = "keystore-password";

    /// <summary>Loads the key, or generates and stores one on first start.</summary>
    public static async Task<(SigningKey Key, bool Created)> LoadOrCreateAsync(string path, string password, CancellationToken cancellationToken)
    {
        if (File.Exists(path))
        {
            var json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            byte[] secret;
            try
            {
                secret = new KeyStoreService().DecryptKeyStoreFromJson(password, json);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new LedgerConfigurationException("Ledger:KeyPassword", $"The keystore {path} could not be decrypted with the configured password.", ex);
            }

            try
            {
                return (new SigningKey(secret), false);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(secret);
            }
        }

        var key = SigningKey.Generate();
        var exported = key.ExportSecret();
        try
        {
            var scrypt = new ScryptParams { Dklen = 32, N = 1 << 14, R = 8, P = 1 };
            var keystore = new KeyStoreScryptService().EncryptAndGenerateKeyStoreAsJson(password, exported, key.Address, scrypt);
            await SecretFile.WriteAsync(path, keystore, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(exported);
        }

        return (key, true);
    }

    /// <summary>Reads the generated password, or creates one (embedded mode only).</summary>
    public static async Task<string> LoadOrCreatePasswordAsync(string path, CancellationToken cancellationToken)
    {
        if (File.Exists(path))
        {
            return (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim();
        }

        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await SecretFile.WriteAsync(path, password, cancellationToken).ConfigureAwait(false);
        return password;
    }
}
