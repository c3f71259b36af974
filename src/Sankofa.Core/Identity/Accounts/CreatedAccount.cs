namespace Sankofa.Core.Identity.Accounts;

/// <summary>
/// A new account and the secrets handed out once at creation: nothing here but <see cref="Account"/> is stored in
/// the clear, and the controller's private key is not stored at all.
/// </summary>
/// <param name="Account">The account as stored.</param>
/// <param name="ControllerPrivateKey">Private key of the identity's controller address (0x hex), for its holder to prove control.</param>
/// <param name="Password">The generated password, when none was given (a one-time password that must be changed).</param>
/// <param name="ClientSecret">A service account's client secret.</param>
public sealed record CreatedAccount(StoredAccount Account, string ControllerPrivateKey, string? Password, string? ClientSecret)
{
    /// <summary>Leaves every secret out, so an accidental log line cannot carry them.</summary>
    public override string ToString() => $"CreatedAccount({Account.Id}, {Account.Name})";
}

/// <summary>Told when an account's password changed (the first administrator's one-time password file goes then).</summary>
public interface IPasswordChangeObserver
{
    /// <summary>Called after the new password is stored.</summary>
    Task PasswordChangedAsync(Account account, CancellationToken cancellationToken);
}
