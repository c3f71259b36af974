using System.Text.Json;
using Sankofa.Ledger.Keys;

namespace Sankofa.Ledger.Hosting;

/// <summary>
/// What <c>ledger/deployment.json</c> remembers: where the contracts were deployed, on which chain, by whom, and the
/// recovery generation (bumped whenever the contracts had to be deployed again on a chain that lost them).
/// </summary>
internal sealed record DeploymentRecord(
    long ChainId, string AuditAnchor, string Deployer, long BlockNumber, long Generation, string? ResourceRegistry = null, string? IdentityRegistry = null,
    string? Board = null, string? Timelock = null, string? Billing = null, string? Custody = null)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static async Task<DeploymentRecord?> LoadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<DeploymentRecord>(stream, Json, cancellationToken).ConfigureAwait(false);
    }

    public Task SaveAsync(string path, CancellationToken cancellationToken) =>
        SecretFile.WriteAsync(path, JsonSerializer.Serialize(this, Json), cancellationToken);
}
