namespace Sankofa.Data;

/// <summary>Which database the control plane uses (configuration section <c>Store</c>).</summary>
public sealed class StoreOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Store";

    /// <summary><c>sqlite</c> (embedded default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>
    /// ADO.NET connection string. Empty with SQLite means <c>&lt;DataDirectory&gt;/sankofa.db</c>; PostgreSQL requires one,
    /// e.g. <c>Host=127.0.0.1;Port=5432;Database=sankofa;Username=sankofa;Password=…</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply pending migrations at start (on by default; turn off when migrations are run by a deploy job).</summary>
    public bool MigrateOnStart { get; set; } = true;
}
