using System.Net;
using Sankofa.Cli.Api;
using Sankofa.Core.Audit;
using Sankofa.Core.Retention;
using Sankofa.Server.Retention;

namespace Sankofa.Cli.Audit;

/// <summary>Where the hot audit log starts once old entries were archived: the server names it, the chain proves it.</summary>
internal static class RetainedBoundary
{
    /// <summary>The last entry removed from the hot log, or <c>null</c> when nothing was (or the server predates retention).</summary>
    public static async Task<AuditBoundary?> ReadAsync(SankofaApiClient api, CancellationToken cancellationToken)
    {
        try
        {
            var status = await api.GetAsync<RetentionStatusResponse>("api/v1/audit/retention", cancellationToken);
            return status.HotLogStartsAfter is { } b ? ToDomain(b) : null;
        }
        catch (HttpRequestException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The first hot entry must follow the boundary, or be sequence 1 when there is none.</summary>
    public static IReadOnlyList<string> CheckStart(AuditBoundary? boundary, AuditEntry first)
    {
        if (boundary is not null)
        {
            return AuditArchiveVerifier.CheckContinuation(boundary, first);
        }

        return first.Seal!.Sequence == 1
            ? []
            : [$"entry {first.Id}: the log starts at sequence {first.Seal.Sequence}, but the server names no archive of the entries before it (entries missing from the chain)"];
    }

    public static AuditBoundary ToDomain(AuditBoundaryResponse b) =>
        new(b.Sequence, Bytes(b.Hash), b.BatchId, b.LeafIndex, [.. b.Proof.SelectMany(Bytes)]);

    private static byte[] Bytes(string hex) =>
        Convert.FromHexString(hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex[2..] : hex);
}
