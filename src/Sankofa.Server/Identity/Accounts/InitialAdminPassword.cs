namespace Sankofa.Server.Identity.Accounts;

/// <summary>
/// The first administrator's one-time password while it has not been changed, for <c>sankofa up</c> to print in its
/// banner. It is also in <see cref="FilePath"/> (mode 0600), like Jenkins' initialAdminPassword, and never in a log.
/// </summary>
public sealed class InitialAdminPassword
{
    private readonly Lock gate = new();
    private string? password;

    internal InitialAdminPassword(string userName, string filePath)
    {
        UserName = userName;
        FilePath = filePath;
    }

    /// <summary>The administrator's user name.</summary>
    public string UserName { get; }

    /// <summary><c>&lt;DataDirectory&gt;/initial-admin-password</c>; deleted once the password is changed.</summary>
    public string FilePath { get; }

    /// <summary>The one-time password, or null once changed (or when no administrator was created by this server).</summary>
    public string? Password
    {
        get
        {
            lock (gate)
            {
                return password;
            }
        }
    }

    internal void Set(string? value)
    {
        lock (gate)
        {
            password = value;
        }
    }

    /// <summary>Forgets the password and deletes its file; true when there was a file.</summary>
    internal bool Forget()
    {
        Set(null);
        if (!File.Exists(FilePath))
        {
            return false;
        }

        File.Delete(FilePath);
        return true;
    }

    /// <summary>Leaves the password out, so an accidental log line cannot carry it.</summary>
    public override string ToString() => $"InitialAdminPassword({UserName}, {FilePath})";
}
