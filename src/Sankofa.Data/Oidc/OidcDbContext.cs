using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Sankofa.Data.Oidc;

/// <summary>
/// The embedded OIDC issuer's tables (OpenIddict's applications, authorizations, scopes and tokens), in the same
/// database as the rest of the store but a model and migration history of their own: they belong to the library,
/// change with its versions, and are never joined with Sankofa's tables.
/// </summary>
public abstract class OidcDbContext(DbContextOptions options) : DbContext(options)
{
    /// <summary>The migration history table, apart from the main model's.</summary>
    internal const string HistoryTable = "__oidc_migrations";

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.UseOpenIddict();
    }
}

/// <summary>The issuer's tables on SQLite.</summary>
public sealed class SqliteOidcDbContext(DbContextOptions<SqliteOidcDbContext> options) : OidcDbContext(options);

/// <summary>The issuer's tables on PostgreSQL.</summary>
public sealed class PostgresOidcDbContext(DbContextOptions<PostgresOidcDbContext> options) : OidcDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add … --context SqliteOidcDbContext</c> build the model without a host.</summary>
internal sealed class SqliteOidcDesignTimeFactory : IDesignTimeDbContextFactory<SqliteOidcDbContext>
{
    public SqliteOidcDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteOidcDbContext>().UseSqlite("Data Source=design.db", o => o.MigrationsHistoryTable(OidcDbContext.HistoryTable)).Options);
}

/// <summary>Lets <c>dotnet ef migrations add … --context PostgresOidcDbContext</c> build the model without a server.</summary>
internal sealed class PostgresOidcDesignTimeFactory : IDesignTimeDbContextFactory<PostgresOidcDbContext>
{
    public PostgresOidcDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresOidcDbContext>().UseNpgsql("Host=localhost;Database=sankofa_design", o => o.MigrationsHistoryTable(OidcDbContext.HistoryTable)).Options);
}
