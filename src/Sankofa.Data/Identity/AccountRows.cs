namespace Sankofa.Data.Identity;

/// <summary>Table row of an account. Times are Unix milliseconds, statuses and kinds lower-case words.</summary>
internal sealed class AccountRow
{
    public long Seq { get; set; }
    public required string Id { get; set; }
    public required string Kind { get; set; }
    /// <summary>A service's client id; null for a user, whose name is only sealed (<see cref="SealedName"/>), and once erased.</summary>
    public string? Name { get; set; }
    /// <summary>Blind index of the name (HMAC-SHA256, docs/personal-data.md): how an account is found by name; null once erased.</summary>
    public byte[]? NameIndex { get; set; }
    /// <summary>A user's name sealed under its own key (<c>pd1:…</c>); unreadable once the key is destroyed.</summary>
    public string? SealedName { get; set; }
    public required string SecretHash { get; set; }
    public bool MustChangePassword { get; set; }
    public required string Status { get; set; }
    public required string Controller { get; set; }
    public byte[]? SubjectSalt { get; set; }
    public long CreatedAtMs { get; set; }
    public long UpdatedAtMs { get; set; }
    public long Version { get; set; }
    public required string ChainStatus { get; set; }
    public long? ChainBlock { get; set; }
}

/// <summary>A role grant of an account; <see cref="Scope"/> is empty for platform-wide grants (so it can be part of the key).</summary>
internal sealed class AccountRoleRow
{
    public required string AccountId { get; set; }
    public required string Role { get; set; }
    public required string Scope { get; set; }
}

/// <summary>A chain step in the outbox.</summary>
internal sealed class AccountChainStepRow
{
    public long Id { get; set; }
    public required string AccountId { get; set; }
    public required string Action { get; set; }
    public string? Role { get; set; }
    public string? Scope { get; set; }
    public required string State { get; set; }
    public int Attempts { get; set; }
    public long NextAttemptAtMs { get; set; }
    public long CreatedAtMs { get; set; }
    public long? DoneAtMs { get; set; }
    public string? TransactionHash { get; set; }
    public long? BlockNumber { get; set; }
    public string? Error { get; set; }
}
