using Prometheus;
using Sankofa.Core.Identity;

namespace Sankofa.Server.Monitoring;

/// <summary>Prometheus series of sign-ins: how each password check at the issuer ended, and the per-address limit's refusals.</summary>
internal static class SignInMetrics
{
    private static readonly Counter SignIns = Metrics.CreateCounter(
        "sankofa_sign_ins_total", "Sign-ins with a password by outcome: succeeded, must_change_password, invalid_credentials, not_active, throttled.",
        new CounterConfiguration { LabelNames = ["outcome"] });

    private static readonly Counter RateLimited = Metrics.CreateCounter(
        "sankofa_password_attempts_rate_limited_total", "Password attempts (sign-ins, password changes) refused by the per-address limit before any check.");

    // Made once (zeros exported from the start); a sign-in costs an array read and an increment.
    private static readonly Counter.Child?[] Outcomes = [.. Enum.GetValues<PasswordCheckOutcome>().Select(o => Label(o) is { } label ? SignIns.WithLabels(label) : null)];

    /// <summary>A sign-in's password check ended so.</summary>
    public static void Checked(PasswordCheckOutcome outcome) => Outcomes[(int)outcome]?.Inc();

    /// <summary>The per-address limit refused a password attempt.</summary>
    public static void Refused() => RateLimited.Inc();

    // A sign-in never checks a new password: WeakPassword is not one of its outcomes.
    private static string? Label(PasswordCheckOutcome outcome) => outcome switch
    {
        PasswordCheckOutcome.Succeeded => "succeeded",
        PasswordCheckOutcome.InvalidCredentials => "invalid_credentials",
        PasswordCheckOutcome.MustChangePassword => "must_change_password",
        PasswordCheckOutcome.NotActive => "not_active",
        PasswordCheckOutcome.Throttled => "throttled",
        _ => null,
    };
}
