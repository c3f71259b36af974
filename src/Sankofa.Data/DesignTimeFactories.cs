using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Sankofa.Data;

/// <summary>Lets <c>dotnet ef migrations add … --context SqliteSankofaDbContext</c> build the SQLite model without a host.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteSankofaDbContext>
{
    public SqliteSankofaDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteSankofaDbContext>().UseSqlite("Data Source=design.db").Options);
}

/// <summary>Lets <c>dotnet ef migrations add … --context PostgresSankofaDbContext</c> build the PostgreSQL model without a server.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresSankofaDbContext>
{
    public PostgresSankofaDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresSankofaDbContext>().UseNpgsql("Host=localhost;Database=sankofa_design").Options);
}
