namespace Sankofa.Core.Tenancy;

/// <summary>A quota refusal naming each quota (<c>quota.vcpu</c>, …) and what is left.</summary>
/// <param name="Refusals">Each quota that has no room, with what is left.</param>
public sealed record QuotaExceededError(IReadOnlyList<QuotaRefusal> Refusals)
    : Error(ErrorKind.QuotaExceeded, string.Join("; ", Refusals.Select(r => r.Message)), FieldsOf(Refusals))
{
    private static Dictionary<string, string[]> FieldsOf(IReadOnlyList<QuotaRefusal> refusals) =>
        refusals.GroupBy(r => "quota." + r.Quota).ToDictionary(g => g.Key, g => g.Select(r => r.Message).ToArray());
}
