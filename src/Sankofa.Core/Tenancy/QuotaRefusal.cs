namespace Sankofa.Core.Tenancy;

/// <summary>Whose quota a refusal is about.</summary>
public enum QuotaScope
{
    /// <summary>The project's own quota.</summary>
    Project,

    /// <summary>The tenant's quota, shared by all its projects.</summary>
    Tenant,
}

/// <summary>One quota a request would exceed, with what is left of it (the API answers 4xx naming <see cref="Quota"/>).</summary>
/// <param name="Scope">Project or tenant.</param>
/// <param name="ScopeId">The project or tenant id.</param>
/// <param name="Quota">The quota field: <c>vcpu</c>, <c>ramMiB</c>, <c>diskGiB</c> or <c>vms</c>.</param>
/// <param name="Requested">How much the request asked for.</param>
/// <param name="Limit">The quota.</param>
/// <param name="Used">Held before the request.</param>
public sealed record QuotaRefusal(QuotaScope Scope, string ScopeId, string Quota, long Requested, long Limit, long Used)
{
    /// <summary>What is left of the quota (never negative, even if usage already exceeds a lowered quota).</summary>
    public long Remaining => Math.Max(0, Limit - Used);

    /// <summary>A sentence naming the quota and what is left, e.g. <c>project p-1 quota vcpu exceeded: requested 8, 2 of 16 left</c>.</summary>
    public string Message => $"{(Scope == QuotaScope.Project ? "project" : "tenant")} {ScopeId} quota {Quota} exceeded: requested {Requested}, {Remaining} of {Limit} left";

    /// <inheritdoc/>
    public override string ToString() => Message;
}
