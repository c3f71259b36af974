using System.Text.Json;

namespace Sankofa.Server.Tests.Deploy;

/// <summary>
/// The few things of a Dockerfile the image tests check, read the way Docker reads them: continued lines joined,
/// comments dropped, one instruction per line, stages named by <c>FROM … AS name</c> and inheriting from the stage they
/// start from (an image's USER, ENTRYPOINT, CMD and HEALTHCHECK are its last stage's or, unset there, its parent's).
/// </summary>
public sealed class Dockerfile
{
    private readonly List<Stage> stages = [];

    private Dockerfile()
    {
    }

    public IReadOnlyList<Stage> Stages => stages;

    public static Dockerfile Parse(string text)
    {
        var dockerfile = new Dockerfile();
        var logical = new System.Text.StringBuilder();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (logical.Length == 0 && (line.TrimStart().StartsWith('#') || line.Trim().Length == 0))
            {
                continue;
            }

            if (line.TrimStart().StartsWith('#'))
            {
                continue; // a comment inside a continued instruction
            }

            if (line.EndsWith('\\'))
            {
                logical.Append(line[..^1]).Append(' ');
                continue;
            }

            logical.Append(line);
            dockerfile.Add(logical.ToString().Trim());
            logical.Clear();
        }

        return dockerfile;
    }

    /// <summary>The stage named <paramref name="name"/>.</summary>
    public Stage Target(string name) => stages.Single(s => s.Name == name);

    /// <summary>The image a stage starts from when it is not another stage of this file.</summary>
    public IEnumerable<string> ExternalBases => stages.Select(s => s.From).Where(f => stages.All(s => s.Name != f)).Distinct();

    /// <summary>The value of <paramref name="instruction"/> in the target's stage or the nearest stage it starts from.</summary>
    public string? Effective(string target, string instruction)
    {
        for (var stage = Target(target); stage is not null; stage = stages.FirstOrDefault(s => s.Name == stage.From))
        {
            if (stage.Last(instruction) is { } value)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>An exec-form instruction's arguments (a JSON array), as Docker reads it.</summary>
    public static string[] ExecForm(string value) =>
        JsonSerializer.Deserialize<string[]>(value) ?? throw new FormatException($"not an exec-form (JSON array) instruction: {value}");

    private void Add(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var instruction = line[..space].ToUpperInvariant();
        var arguments = line[(space + 1)..].Trim();
        if (instruction == "FROM")
        {
            var parts = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            stages.Add(new Stage(parts.Length == 3 && parts[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? parts[2] : $"#{stages.Count}", parts[0]));
            return;
        }

        stages[^1].Instructions.Add((instruction, arguments));
    }

    /// <summary>One build stage: its name, the image or stage it starts from, its instructions in order.</summary>
    public sealed record Stage(string Name, string From)
    {
        public List<(string Instruction, string Arguments)> Instructions { get; } = [];

        public string? Last(string instruction) => Instructions.LastOrDefault(i => i.Instruction == instruction).Arguments;
    }
}
