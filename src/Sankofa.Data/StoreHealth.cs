
namespace Sankofa.Data;

/// <summary>Answers whether the database can be reached, for readiness checks.</summary>
public interface IStoreHealth
{
    /// <summary>True when a connection opens and a trivial query answers.</summary>
    Task<bool> CanConnectAsync(CancellationToken cancellationToken);
}

internal sealed class StoreHealth(IStoreContextFactory contexts) : IStoreHealth
{
    public async Task<bool> CanConnectAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        return await db.Database.CanConnectAsync(cancellationToken).ConfigureAwait(false);
    }
}
