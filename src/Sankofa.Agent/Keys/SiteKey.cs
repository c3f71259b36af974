using System.Security.Cryptography;
using Nethereum.Signer;
using Sankofa.Agent.Protocol;

namespace Sankofa.Agent.Keys;

/// <summary>
/// The site's secp256k1 key, kept in <see cref="FileName"/> inside the agent's data directory (directory 0700, file
/// 0600). It never leaves the agent: nothing here prints or sends the secret, and <see cref="ToString"/> shows the
/// address only.
/// </summary>
public sealed class SiteKey
{
    /// <summary>The key file's name inside the data directory: the secret as 64 lower-case hex digits.</summary>
    public const string FileName = "site.key";

    /// <summary>The file of a rotation's new key (<c>sankofa agent rotate</c>), beside the current one until the rotation is approved.</summary>
    public const string NextFileName = "site.key.next";

    private readonly EthECKey key;

    private SiteKey(EthECKey key)
    {
        this.key = key;
        Address = key.GetPublicAddress();
    }

    /// <summary>The key's EIP-55 address, which the chain records for the site.</summary>
    public string Address { get; }

    /// <summary>
    /// Creates a new key in <paramref name="directory"/> (made its owner's alone first); refuses, changing nothing, when
    /// the directory holds a key already, so an agent's registered key is never lost to a second <c>init</c>.
    /// </summary>
    /// <exception cref="IOException">The directory holds a key.</exception>
    public static SiteKey CreateIn(string directory) => Create(directory, FileName);

    /// <summary>
    /// Creates a rotation's new key in <see cref="NextFileName"/>, as <see cref="CreateIn"/> does (0600 from the start);
    /// refuses when a rotation's key is there already, so a key the old one may have signed over is never lost.
    /// </summary>
    /// <exception cref="IOException">The directory holds a next key.</exception>
    public static SiteKey CreateNextIn(string directory) => Create(directory, NextFileName);

    private static SiteKey Create(string directory, string fileName)
    {
        var path = PathIn(directory, fileName);
        if (File.Exists(path))
        {
            throw Exists(path, directory, fileName);
        }

        OwnerOnly(directory);
        var created = EthECKey.GenerateKey();
        // The library gives the secret's minimal big-endian bytes; the file always holds all 32.
        var secret = new byte[32];
        var bytes = created.GetPrivateKeyAsBytes();
        bytes.CopyTo(secret, 32 - bytes.Length);
        var temp = path + ".tmp";
        File.Delete(temp);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // Set at creation, so the secret is never readable by others, not even for a moment.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(Convert.ToHexStringLower(secret));
        }

        CryptographicOperations.ZeroMemory(secret);
        try
        {
            // Never over an existing key: a second init racing this one loses here.
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
            throw Exists(path, directory, fileName);
        }

        return new SiteKey(created);
    }

    /// <summary>Throws, naming the key's address, when <paramref name="directory"/> holds a key already.</summary>
    /// <exception cref="IOException">The directory holds a key.</exception>
    public static void EnsureNoneIn(string directory)
    {
        var path = PathIn(directory);
        if (File.Exists(path))
        {
            throw Exists(path, directory, FileName);
        }
    }

    /// <summary>Loads the key <see cref="CreateIn"/> made.</summary>
    /// <exception cref="FileNotFoundException">The directory holds no key.</exception>
    /// <exception cref="InvalidDataException">The file is not a key.</exception>
    public static SiteKey LoadFrom(string directory) => Load(PathIn(directory));

    /// <summary>Loads a rotation's new key (<see cref="CreateNextIn"/>).</summary>
    /// <exception cref="FileNotFoundException">The directory holds no next key.</exception>
    /// <exception cref="InvalidDataException">The file is not a key.</exception>
    public static SiteKey LoadNextFrom(string directory) => Load(PathIn(directory, NextFileName));

    private static SiteKey Load(string path)
    {
        var text = File.ReadAllText(path).Trim();
        if (text.Length != 64 || !text.All(char.IsAsciiHexDigit))
        {
            throw new InvalidDataException($"{path} does not hold a site key (64 hex digits).");
        }

        var secret = Convert.FromHexString(text);
        try
        {
            return new SiteKey(new EthECKey(secret, true));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Signs a 32-byte digest Ethereum signed-message style (EIP-191), as the contract's <c>ecrecover</c> checks it.</summary>
    /// <returns>r ‖ s ‖ v, with v = 27 or 28.</returns>
    public byte[] Sign(byte[] digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        if (digest.Length != 32)
        {
            throw new ArgumentException("The digest must be 32 bytes.", nameof(digest));
        }

        return SiteSignatures.Sign(key.GetPrivateKeyAsBytes(), digest);
    }

    /// <summary>The address only: an accidental log line must not show the secret.</summary>
    public override string ToString() => $"SiteKey({Address})";

    /// <summary>Creates the directory, or takes an existing one, as its owner's alone (0700): nobody else may even list it.</summary>
    private static void OwnerOnly(string directory)
    {
        var created = Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
        {
            created.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }
    }

    private static IOException Exists(string path, string directory, string fileName) => fileName == FileName
        ? new($"{path} holds a site key already (address {LoadFrom(directory).Address}); init never replaces a key. Use another --data-dir for a new one.")
        : new($"{path} holds a rotation's new key already (address {LoadNextFrom(directory).Address}); a rotation's key is never replaced. "
              + "Finish that rotation (docs/agent.md) or remove the file if it was never submitted.");

    /// <summary>The key file's path inside <paramref name="directory"/>.</summary>
    public static string PathIn(string directory) => PathIn(directory, FileName);

    /// <summary>The path of <paramref name="fileName"/> (<see cref="FileName"/> or <see cref="NextFileName"/>) inside <paramref name="directory"/>.</summary>
    public static string PathIn(string directory, string fileName) => Path.Combine(Path.GetFullPath(directory), fileName);
}
