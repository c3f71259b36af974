using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sankofa.Cli.Api;
using Sankofa.Server.PersonalData;

namespace Sankofa.Cli.Compliance;

/// <summary>
/// <c>sankofa compliance export ID [--file F]</c> and <c>sankofa compliance erase ID --yes</c>: a subject-access export
/// and erasure by crypto-shredding (docs/personal-data.md).
/// </summary>
internal static class PersonalDataCommands
{
    /// <summary>Exit code: done.</summary>
    public const int Ok = 0;

    /// <summary>Exit code: no such identity.</summary>
    public const int NotFound = 1;

    /// <summary>Exit code: refused, bad input or connection error.</summary>
    public const int Error = 2;

    private static readonly JsonSerializerOptions Indented = new(SankofaApiClient.Json) { WriteIndented = true };

    public static IEnumerable<Command> Create() => [ExportCommand(), EraseCommand()];

    private static Command ExportCommand()
    {
        var id = new Argument<string>("id") { Description = "The identity id (usr-… or svc-…)." };
        var file = new Option<FileInfo>("--file", "-f") { Description = "Write the export there (mode 0600) instead of to standard output." };
        var export = new Command("export", "Everything held about an identity, as JSON: its account, personal data (opened), chain steps and audit entries.") { id, file };
        export.SetAction((parse, ct) => RunAsync(parse, "export", async api =>
        {
            var subject = parse.GetValue(id)!;
            var r = await api.GetAsync<SubjectExportResponse>($"api/v1/compliance/subjects/{Uri.EscapeDataString(subject)}/export", ct);
            var json = JsonSerializer.Serialize(r, Indented);
            if (parse.GetValue(file) is { } target)
            {
                // Personal data: readable by its owner only, as the CLI's credentials are.
                var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                await using (var stream = new FileStream(target.FullName, options))
                await using (var writer = new StreamWriter(stream))
                {
                    await writer.WriteAsync(json.AsMemory(), ct);
                }

                parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.SubjectId}: {r.Personal.Count} personal field(s){(r.Erased ? " (erased)" : "")}, {r.AuditEntries.Count} audit entries, written to {target.FullName}"));
            }
            else
            {
                parse.InvocationConfiguration.Output.WriteLine(json);
            }
        }));
        return export;
    }

    private static Command EraseCommand()
    {
        var id = new Argument<string>("id") { Description = "The identity id (usr-… or svc-…)." };
        var yes = new Option<bool>("--yes") { Description = "Confirms: the identity is revoked and its personal data is unreadable for good." };
        var erase = new Command("erase", "Erases an identity's personal data by destroying its key (revoking it first); every audit proof stays valid.") { id, yes };
        erase.SetAction(async (parse, ct) =>
        {
            if (!parse.GetValue(yes))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("erase: --yes is required: erasure cannot be undone.");
                return Error;
            }

            return await RunAsync(parse, "erase", async api =>
            {
                var subject = parse.GetValue(id)!;
                var r = await api.PostJsonAsync<SubjectErasureResponse>($"api/v1/compliance/subjects/{Uri.EscapeDataString(subject)}/erase", "{}", ct);
                parse.InvocationConfiguration.Output.WriteLine(parse.GetValue(SankofaCommand.Output) == OutputFormat.Json
                    ? JsonSerializer.Serialize(r, SankofaApiClient.Json)
                    : string.Create(CultureInfo.InvariantCulture, $"{r.SubjectId}: {(r.AlreadyErased ? "already erased" : "erased")} at {r.ErasedAt:u}"));
            });
        });
        return erase;
    }

    private static async Task<int> RunAsync(ParseResult parse, string name, Func<SankofaApiClient, Task> call)
    {
        try
        {
            using var api = SankofaApiClient.Create(parse.GetValue(SankofaCommand.Server)!);
            await call(api);
            return Ok;
        }
        catch (ApiProblemException ex)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"{name}: {ex.Message}");
            return ex.StatusCode == System.Net.HttpStatusCode.NotFound ? NotFound : Error;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException or UnauthorizedAccessException)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"{name}: {ex.Message}");
            return Error;
        }
    }
}
