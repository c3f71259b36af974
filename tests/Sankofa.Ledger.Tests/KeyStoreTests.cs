using System.Text.Json;
using Nethereum.KeyStore;
using Sankofa.Ledger.Keys;

namespace Sankofa.Ledger.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KeyStoreTests
{
    [Fact]
    public async Task Keystore_RoundTripsTheSameKeyAndIsAStandardV3ScryptFileReadableOnlyByTheOwner()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.LedgerDirectory, SignerKeyStore.KeyFileName);

        var (created, isNew) = await SignerKeyStore.LoadOrCreateAsync(path, "pw-1", CancellationToken.None);
        var (loaded, isNewAgain) = await SignerKeyStore.LoadOrCreateAsync(path, "pw-1", CancellationToken.None);
        using (created)
        using (loaded)
        {
            Assert.True(isNew);
            Assert.False(isNewAgain);
            Assert.Equal(created.Address, loaded.Address);

            var json = await File.ReadAllTextAsync(path);
            using var document = JsonDocument.Parse(json);
            Assert.Equal(3, document.RootElement.GetProperty("version").GetInt32());
            Assert.Equal("scrypt", document.RootElement.GetProperty("crypto").GetProperty("kdf").GetString());
            // Any Web3 Secret Storage reader (here Nethereum's own) opens it.
            Assert.Equal(created.ExportSecret(), new KeyStoreService().DecryptKeyStoreFromJson("pw-1", json));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task Keystore_WithTheWrongPassword_FailsNamingLedgerKeyPassword()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.LedgerDirectory, SignerKeyStore.KeyFileName);
        (await SignerKeyStore.LoadOrCreateAsync(path, "right", CancellationToken.None)).Key.Dispose();

        var error = await Assert.ThrowsAsync<LedgerConfigurationException>(() => SignerKeyStore.LoadOrCreateAsync(path, "wrong", CancellationToken.None));
        Assert.Equal("Ledger:KeyPassword", error.Setting);
    }

    [Fact]
    public async Task EmbeddedStart_GeneratesAnOwnerOnlyPasswordFile_AndNeverLogsTheKeyOrPassword()
    {
        using var dir = new TempDirectory();
        string address;
        CapturingLoggerProvider logs;
        await using (var host = await LedgerHost.CreateAsync(dir.Path))
        {
            await host.Ledger.AnchorAsync([Roots.Request(1)], CancellationToken.None);
            address = host.Connection.SignerAddress;
            logs = host.Logs;
        }

        var passwordFile = Path.Combine(dir.LedgerDirectory, SignerKeyStore.PasswordFileName);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(passwordFile));
        var password = (await File.ReadAllTextAsync(passwordFile)).Trim();
        var (key, _) = await SignerKeyStore.LoadOrCreateAsync(Path.Combine(dir.LedgerDirectory, SignerKeyStore.KeyFileName), password, CancellationToken.None);
        using (key)
        {
            var secretHex = Convert.ToHexStringLower(key.ExportSecret());
            Assert.Equal(address, key.Address);
            Assert.NotEmpty(logs.Messages);
            Assert.Contains(logs.Messages, m => m.Contains(address, StringComparison.Ordinal));
            Assert.DoesNotContain(logs.Messages, m => m.Contains(secretHex, StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(logs.Messages, m => m.Contains(password, StringComparison.Ordinal));
            Assert.DoesNotContain(secretHex, key.ToString(), StringComparison.OrdinalIgnoreCase);
        }
    }
}
