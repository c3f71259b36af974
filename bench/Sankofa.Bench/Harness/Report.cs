using System.Globalization;

namespace Sankofa.Bench.Harness;

/// <summary>Whether a figure has to be at least or at most its goal.</summary>
internal enum GoalKind
{
    AtLeast,
    AtMost,
}

/// <summary>One measured figure, the baseline measured beside it in the same run, and the goal it is held to.</summary>
internal sealed record Figure(
    string Name,
    double Value,
    string Unit,
    double? Baseline,
    string? BaselineWhat,
    double? Goal,
    GoalKind Kind,
    double? RatioGoal = null)
{
    public double? Ratio => Baseline is > 0 ? Value / Baseline : null;

    /// <summary>Null when there is no goal to hold the figure to.</summary>
    public bool? Met
    {
        get
        {
            bool? absolute = Goal is { } g ? (Kind == GoalKind.AtLeast ? Value >= g : Value <= g) : null;
            bool? relative = RatioGoal is { } rg && Ratio is { } r ? (Kind == GoalKind.AtLeast ? r >= rg : r <= rg) : null;
            return absolute is null && relative is null ? null : (absolute ?? true) && (relative ?? true);
        }
    }

    public override string ToString()
    {
        var text = $"{Name}: {Format(Value)} {Unit}";
        if (Baseline is { } b)
        {
            text += $" | baseline {Format(b)} {Unit} ({BaselineWhat})";
            if (Ratio is { } r)
            {
                text += $" | ratio {r.ToString("0.000", CultureInfo.InvariantCulture)}";
            }
        }

        var goals = new List<string>();
        if (Goal is { } g)
        {
            goals.Add((Kind == GoalKind.AtLeast ? ">= " : "<= ") + Format(g) + " " + Unit);
        }

        if (RatioGoal is { } rg)
        {
            goals.Add((Kind == GoalKind.AtLeast ? ">= " : "<= ") + rg.ToString("0.0#", CultureInfo.InvariantCulture) + " x baseline");
        }

        if (goals.Count > 0)
        {
            text += $" | goal {string.Join(" and ", goals)} -> {(Met == true ? "MET" : "MISSED")}";
        }

        return text;
    }

    private static string Format(double value) => value switch
    {
        >= 1000 => value.ToString("#,0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.000", CultureInfo.InvariantCulture),
    };
}

/// <summary>Prints figures as they are measured and again as a summary at the end of the run.</summary>
internal static class Report
{
    private static readonly List<Figure> All = [];

    public static void Add(Figure figure)
    {
        All.Add(figure);
        Console.WriteLine("  => " + figure);
    }

    public static void Note(string text) => Console.WriteLine("     " + text);

    public static void Section(string title) => Console.WriteLine($"{Environment.NewLine}== {title} ==");

    public static void PrintSummary()
    {
        Console.WriteLine();
        Console.WriteLine("== Summary ==");
        foreach (var figure in All)
        {
            Console.WriteLine(figure);
        }
    }
}
