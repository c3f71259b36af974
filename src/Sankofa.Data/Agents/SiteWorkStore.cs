using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Sankofa.Core.Agents;
using Sankofa.Core.Provisioning;
using Sankofa.Data.Provisioning;

namespace Sankofa.Data.Agents;

/// <summary>
/// EF Core implementation of <see cref="ISiteWorkStore"/> for SQLite and PostgreSQL. One open item per resource and
/// kind is a filtered unique index, so two servers queueing the same work at once queue it once.
/// </summary>
internal sealed class SiteWorkStore(IStoreContextFactory contexts) : ISiteWorkStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<(SiteWorkItem Item, bool Queued)> EnqueueAsync(
        string siteId, string resourceId, SiteWorkKind kind, SiteWorkOrder order, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        var kindWord = Word(kind);
        using (await contexts.EnterWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var db = contexts.Create();
            if (await OpenRowAsync(db, resourceId, kindWord, cancellationToken).ConfigureAwait(false) is { } open)
            {
                return (ToDomain(open), false);
            }

            var row = new SiteWorkRow
            {
                WorkId = Guid.CreateVersion7(at).ToString("N"), SiteId = siteId, ResourceId = resourceId, Kind = kindWord, State = SiteWorkModel.Open,
                OrderJson = JsonSerializer.Serialize(order, Json), QueuedAtMs = at.ToUnixTimeMilliseconds(),
            };
            db.Set<SiteWorkRow>().Add(row);
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return (ToDomain(row), true);
            }
            catch (DbUpdateException ex) when (ProvisioningStore.IsUniqueViolation(ex.InnerException))
            {
                // Another server queued it at the same moment: theirs is the one.
            }
        }

        await using var again = contexts.Create();
        return (ToDomain(await OpenRowAsync(again, resourceId, kindWord, cancellationToken).ConfigureAwait(false)
                         ?? throw new InvalidOperationException($"Work for resource {resourceId} was queued and is gone.")), false);
    }

    public async Task<IReadOnlyList<SiteWorkItem>> ListOpenAsync(string siteId, long? after, int take, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var cursor = after ?? 0;
        var rows = await db.Set<SiteWorkRow>().AsNoTracking()
            .Where(w => w.SiteId == siteId && w.State == SiteWorkModel.Open && w.Seq > cursor)
            .OrderBy(w => w.Seq).Take(take).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(ToDomain)];
    }

    public async Task<SiteWorkItem?> FinishAsync(string workId, string siteId, string resourceId, SiteWorkResult result, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        var attestation = result.Attestation;
        using (await contexts.EnterWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var db = contexts.Create();
            // Only the open item of this very site and resource: an agent cannot finish another site's work.
            var changed = await db.Set<SiteWorkRow>()
                .Where(w => w.WorkId == workId && w.SiteId == siteId && w.ResourceId == resourceId && w.State == SiteWorkModel.Open)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(w => w.State, Word(SiteWorkState.Finished))
                    .SetProperty(w => w.FinishedAtMs, at.ToUnixTimeMilliseconds())
                    .SetProperty(w => w.Outcome, Word(result.Outcome))
                    .SetProperty(w => w.Error, result.Error == null ? null : result.Error.Length > 2048 ? result.Error.Substring(0, 2048) : result.Error)
                    .SetProperty(w => w.VmNode, result.Vm == null ? null : result.Vm.Value.Node)
                    .SetProperty(w => w.VmId, result.Vm == null ? null : result.Vm.Value.VmId)
                    .SetProperty(w => w.ObservedSpecHash, attestation == null ? null : attestation.ObservedSpecHash)
                    .SetProperty(w => w.Signature, attestation == null ? null : attestation.Signature)
                    .SetProperty(w => w.AttestationCount, attestation == null ? null : (long?)attestation.Count), cancellationToken)
                .ConfigureAwait(false);
            if (changed == 0)
            {
                return null;
            }
        }

        return await GetAsync(workId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<SiteWorkItem?> LatestAsync(string resourceId, SiteWorkKind kind, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var kindWord = Word(kind);
        var row = await db.Set<SiteWorkRow>().AsNoTracking().Where(w => w.ResourceId == resourceId && w.Kind == kindWord)
            .OrderByDescending(w => w.Seq).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToDomain(row);
    }

    public async Task<SiteWorkItem?> GetAsync(string workId, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var row = await db.Set<SiteWorkRow>().AsNoTracking().FirstOrDefaultAsync(w => w.WorkId == workId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToDomain(row);
    }

    public async Task CloseAsync(string workId, CancellationToken cancellationToken)
    {
        using var turn = await contexts.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var db = contexts.Create();
        var closed = Word(SiteWorkState.Closed);
        await db.Set<SiteWorkRow>().Where(w => w.WorkId == workId && w.State != closed)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.State, closed), cancellationToken).ConfigureAwait(false);
    }

    private static Task<SiteWorkRow?> OpenRowAsync(SankofaDbContext db, string resourceId, string kind, CancellationToken cancellationToken) =>
        db.Set<SiteWorkRow>().AsNoTracking().FirstOrDefaultAsync(w => w.ResourceId == resourceId && w.Kind == kind && w.State == SiteWorkModel.Open, cancellationToken);

    private static SiteWorkItem ToDomain(SiteWorkRow r) => new(
        r.Seq, r.WorkId, r.SiteId, r.ResourceId, Enum.Parse<SiteWorkKind>(r.Kind, ignoreCase: true), Enum.Parse<SiteWorkState>(r.State, ignoreCase: true),
        JsonSerializer.Deserialize<SiteWorkOrder>(r.OrderJson, Json) ?? throw new InvalidOperationException($"Work {r.WorkId} has no order."),
        DateTimeOffset.FromUnixTimeMilliseconds(r.QueuedAtMs), r.FinishedAtMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null,
        r.Outcome is null
            ? null
            : new SiteWorkResult(
                Enum.Parse<SiteWorkOutcome>(r.Outcome, ignoreCase: true), r.Error,
                r.VmNode is not null && r.VmId is { } vmId ? new VirtualMachineRef(r.VmNode, vmId) : null,
                r.ObservedSpecHash is not null && r.Signature is not null && r.AttestationCount is { } count
                    ? new SiteWorkAttestation(r.ObservedSpecHash, r.Signature, checked((uint)count))
                    : null));

    private static string Word<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
