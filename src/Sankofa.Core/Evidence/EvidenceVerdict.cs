namespace Sankofa.Core.Evidence;

/// <summary>What a collector or a control concludes for the period.</summary>
public enum EvidenceVerdict
{
    /// <summary>The automated evidence shows the control operating.</summary>
    Pass,

    /// <summary>The automated evidence shows an exception an auditor must look at; the reason names it.</summary>
    Fail,

    /// <summary>Nothing in the period to which the control applies (e.g. no erasure was requested).</summary>
    NotApplicable,

    /// <summary>This product collects no automated evidence for the control: an auditor gathers it by hand.</summary>
    Manual,
}

/// <summary>The names verdicts have in packages, reports and the API.</summary>
public static class EvidenceVerdicts
{
    /// <summary><c>pass</c>, <c>fail</c>, <c>not-applicable</c>, <c>manual</c>.</summary>
    public static string Name(EvidenceVerdict verdict) => verdict switch
    {
        EvidenceVerdict.Pass => "pass",
        EvidenceVerdict.Fail => "fail",
        EvidenceVerdict.NotApplicable => "not-applicable",
        EvidenceVerdict.Manual => "manual",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, null),
    };

    /// <summary>
    /// A control's verdict from its collectors': any fail fails it; else any pass passes it; else it is not applicable.
    /// A control without collectors is manual.
    /// </summary>
    public static EvidenceVerdict Combine(IReadOnlyCollection<EvidenceVerdict> verdicts)
    {
        ArgumentNullException.ThrowIfNull(verdicts);
        return verdicts.Count == 0 ? EvidenceVerdict.Manual
            : verdicts.Contains(EvidenceVerdict.Fail) ? EvidenceVerdict.Fail
            : verdicts.Contains(EvidenceVerdict.Pass) ? EvidenceVerdict.Pass
            : EvidenceVerdict.NotApplicable;
    }
}

/// <summary>One fact a collector found: a count (<see cref="Number"/>) or a text (<see cref="Text"/>), never both.</summary>
/// <param name="Name">What it is, in camelCase (<c>entriesUnsealed</c>).</param>
/// <param name="Number">An integer fact.</param>
/// <param name="Text">A text fact.</param>
public sealed record EvidenceFact(string Name, long? Number, string? Text)
{
    /// <summary>An integer fact.</summary>
    public static EvidenceFact Of(string name, long value) => new(name, value, null);

    /// <summary>A text fact.</summary>
    public static EvidenceFact Of(string name, string value) => new(name, null, value);
}

/// <summary>What one collector found for the period and concluded.</summary>
/// <param name="Id">The collector (<c>audit-integrity</c>).</param>
/// <param name="Title">What it looks at, for people.</param>
/// <param name="Verdict">Its conclusion.</param>
/// <param name="Reason">Why, in one sentence naming the facts that decided it.</param>
/// <param name="Facts">What it found, in a fixed order.</param>
public sealed record CollectorResult(string Id, string Title, EvidenceVerdict Verdict, string Reason, IReadOnlyList<EvidenceFact> Facts);

/// <summary>A control's conclusion for the period.</summary>
/// <param name="Control">The control.</param>
/// <param name="Verdict">Combined from its collectors (<see cref="EvidenceVerdicts.Combine"/>), or manual.</param>
/// <param name="Reason">Why.</param>
public sealed record ControlResult(Control Control, EvidenceVerdict Verdict, string Reason);
