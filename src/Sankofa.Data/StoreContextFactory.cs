using Microsoft.EntityFrameworkCore;

namespace Sankofa.Data;

/// <summary>Creates a short-lived context of whichever provider is configured.</summary>
internal interface IStoreContextFactory
{
    SankofaDbContext Create();
}

/// <summary>Adapts EF's pooled factory of one provider's context to <see cref="IStoreContextFactory"/>.</summary>
internal sealed class StoreContextFactory<TContext>(IDbContextFactory<TContext> inner) : IStoreContextFactory
    where TContext : SankofaDbContext
{
    public SankofaDbContext Create() => inner.CreateDbContext();
}
